/**
 * Trusted code that runs first in every isolate context. It takes the host callbacks off the global object,
 * keeps them in this closure, guards WebAssembly and Atomics.wait, installs the plugin registration hook and builds
 * the capability API from plain functions. The script's completion value ({ dispatch, settle }) is held by the host
 * only, as References. Bundled by esbuild into a script; imports nothing but the pure SDK runtime.
 */
import type { Capabilities } from '../../../sdk/capabilities.ts';
import type { PluginDefinition } from '../../../sdk/connector.ts';
import { MetricBuffer } from '../../../sdk/metrics.ts';
import type { MetricLabels, PluginMetricDeclaration } from '../../../sdk/metrics.ts';
import type { TransformPluginDefinition } from '../../../sdk/transform.ts';
import { createPluginRuntime } from '../../../sdk/runtime.ts';
import type { PluginRuntime, RuntimeMethod } from '../../../sdk/runtime.ts';
import { guardAtomicsWait } from './blocking-guard.ts';
import { rawJsonText } from './raw-json.ts';
import { loadWasmConnector } from './wasm-connector.ts';
import type { WasmConnector, WasmConnectorHost } from './wasm-connector.ts';
import { guardWebAssembly } from './wasm-guard.ts';

type HostCall = (id: number, cap: string, method: string, args: string, rawIndex?: number, raw?: string) => void;
type HostResult = (id: number, json: string, records?: string[]) => void;
interface BootInfo {
  maxPending: number;
  maxArgBytes: number;
  maxBatchBytes: number;
  wasm: boolean;
  wasmBudgetPages: number;
  /** The bundle's connector is the WebAssembly module in __conveyorWasmModule. */
  module: boolean;
  capabilities: string[];
  /** The metrics the manifest declares: ctx.metrics checks reports against them before they cross. */
  metrics: PluginMetricDeclaration[];
}

const g = globalThis as unknown as Record<string, unknown>;
const hostCall = g['__conveyorHostCall'] as HostCall;
const hostResult = g['__conveyorResult'] as HostResult;
const info = JSON.parse(g['__conveyorBootInfo'] as string) as BootInfo;
const wasmModule = g['__conveyorWasmModule'] as ArrayBuffer | undefined;
const wasmCompiled = g['__conveyorWasmCompiled'];
delete g['__conveyorWasmModule'];
delete g['__conveyorWasmCompiled'];
delete g['__conveyorHostCall'];
delete g['__conveyorResult'];
delete g['__conveyorBootInfo'];

const stringify = JSON.stringify;
const parse = JSON.parse;
const isArray = Array.isArray;
const PromiseCtor = Promise;
const ErrorCtor = Error;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
let nextId = 1;
/**
 * A string argument at least this long (a file's lines, a bulk body) crosses out of the JSON, as raw text: the worker
 * receives it as bytes and needs neither to decode nor to parse it. Only the largest such argument is taken out.
 */
const RAW_ARG_MIN = 16 * 1024;

function guestError(code: string, message: string): Error {
  const e = new ErrorCtor(message) as Error & { code: string; conveyorError: boolean };
  e.code = code;
  e.conveyorError = true;
  return e;
}

const sampleWasm = guardWebAssembly(g, {
  enabled: info.wasm,
  budgetPages: info.wasmBudgetPages,
  // Concatenation, not JSON.stringify: the plugin may define Array.prototype.toJSON by the time this runs.
  report: (bytes) => hostCall(0, 'wasm', 'usage', '[' + bytes + ']'),
  limitError: (message) => guestError('CONVEYOR_LIMIT_EXCEEDED', message),
  invalidError: (message) => guestError('CONVEYOR_PLUGIN_INVALID', message),
});
guardAtomicsWait(g, (event, blockedMs) => hostCall(0, 'block', event, '[' + blockedMs + ']'));

function call(cap: string, method: string, args: unknown[]): Promise<unknown> {
  if (pending.size >= info.maxPending) {
    return PromiseCtor.reject(guestError('CONVEYOR_LIMIT_EXCEEDED', `pending-calls limit exceeded: ${pending.size + 1} capability calls in flight, limit ${info.maxPending}`));
  }
  let rawIndex = -1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'string' && a.length >= RAW_ARG_MIN && (rawIndex < 0 || a.length > (args[rawIndex] as string).length)) rawIndex = i;
  }
  const raw = rawIndex < 0 ? '' : (args[rawIndex] as string);
  let json: string;
  try {
    json = stringify(rawIndex < 0 ? args : args.map((a, i) => (i === rawIndex ? null : a)));
  } catch (err) {
    return PromiseCtor.reject(guestError('CONVEYOR_CAPABILITY_INVALID', `${cap}.${method}: arguments are not JSON-serialisable: ${(err as Error).message}`));
  }
  if (json.length + raw.length > info.maxArgBytes) {
    return PromiseCtor.reject(guestError('CONVEYOR_LIMIT_EXCEEDED', `${cap}.${method}: arguments of ${json.length + raw.length} bytes exceed the limit of ${info.maxArgBytes}`));
  }
  return new PromiseCtor((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    if (rawIndex < 0) hostCall(id, cap, method, json);
    else hostCall(id, cap, method, json, rawIndex, raw);
  });
}

function settle(id: number, ok: boolean, json: string): void {
  const p = pending.get(id);
  if (p === undefined) return;
  pending.delete(id);
  if (ok) {
    p.resolve(parse(json));
  } else {
    const e = parse(json) as { code: string; message: string };
    p.reject(guestError(e.code, e.message));
  }
}

function api<T>(cap: string, methods: readonly string[]): T {
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const m of methods) out[m] = (...args: unknown[]) => call(cap, m, args);
  return Object.freeze(out) as T;
}

const log = (level: string) => (msg: unknown, fields?: unknown) => {
  let json = '{}';
  try {
    json = fields === undefined ? '{}' : stringify(fields);
  } catch {
    json = '{"fields":"not serialisable"}';
  }
  hostCall(0, 'log', level, stringify([String(msg).slice(0, 8192), json.slice(0, 65536)]));
};

/**
 * ctx.metrics: bookkeeping in the isolate, sent to the worker as one report with the task's calls (a commit at once,
 * others at most every METRICS_FLUSH_MS). A report the worker refused is thrown at the plugin's next metrics call.
 */
const METRICS_FLUSH_MS = 500;
const metricBuffer = new MetricBuffer(info.metrics ?? [], (message) => guestError('CONVEYOR_CAPABILITY_DENIED', message));
let metricsFlushedAt = 0;
let metricsRefused: Error | null = null;

function flushMetrics(method: string): void {
  if (!metricBuffer.dirty || method === 'stop') return;
  const now = Date.now();
  if (method !== 'commit' && method !== 'preCommit' && now - metricsFlushedAt < METRICS_FLUSH_MS) return;
  metricsFlushedAt = now;
  call('metrics', 'report', [metricBuffer.drain()]).catch((err: unknown) => {
    metricsRefused = err as Error;
  });
}

function metricsCall<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    const refused = metricsRefused;
    if (refused !== null) {
      metricsRefused = null;
      throw refused;
    }
    fn(...args);
  };
}

const caps: Capabilities = Object.freeze({
  log: Object.freeze({ debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }),
  clock: Object.freeze({ now: () => Date.now(), sleep: (ms: number) => call('clock', 'sleep', [ms]).then(() => undefined) }),
  offsets: api<Capabilities['offsets']>('offsets', ['get']),
  metrics: Object.freeze({
    set: metricsCall((name: string, value: number, labels?: MetricLabels) => metricBuffer.set(name, value, labels)),
    inc: metricsCall((name: string, value?: number, labels?: MetricLabels) => metricBuffer.inc(name, value, labels)),
    observe: metricsCall((name: string, value: number, labels?: MetricLabels) => metricBuffer.observe(name, value, labels)),
  }),
  mysql: api<Capabilities['mysql']>('mysql', ['connect', 'query', 'close', 'preflight', 'binlogOpen', 'binlogRead', 'binlogClose', 'snapshotOpen', 'snapshotRead', 'snapshotClose']),
  elasticsearch: api<Capabilities['elasticsearch']>('elasticsearch', ['connect', 'bulk', 'indexExists', 'indexCreate', 'putMapping', 'getMapping', 'search', 'refresh']),
  http: api<Capabilities['http']>('http', ['fetch']),
  errantRecordReporter: api<Capabilities['errantRecordReporter']>('errantRecordReporter', ['report']),
  files: api<Capabilities['files']>('files', ['read', 'write', 'list', 'readLines']),
});

/** A WebAssembly connector is compiled, checked and instantiated here, before plugin code runs. */
if (info.module && wasmModule === undefined) throw guestError('CONVEYOR_PLUGIN_INVALID', 'the bundle names a WebAssembly module the sandbox did not receive');
const wasmConnector: WasmConnector | null = info.module && wasmModule !== undefined
  ? loadWasmConnector({
      wasm: g['WebAssembly'] as WasmConnectorHost['wasm'],
      bytes: wasmModule,
      compiled: wasmCompiled,
      granted: info.capabilities,
      budgetPages: info.wasmBudgetPages,
      call,
      log: (level, message) => log(level)(message),
      invalidError: (message) => guestError('CONVEYOR_PLUGIN_INVALID', message),
      limitError: (message) => guestError('CONVEYOR_LIMIT_EXCEEDED', message),
      taskError: (message) => guestError('CONVEYOR_TASK_FAILED', message),
    })
  : null;

let registered: unknown = undefined;
Object.defineProperty(g, '__conveyorRegister', {
  configurable: true,
  value: (def: unknown) => {
    if (registered === undefined) registered = wasmConnector === null ? def : wasmConnector.definition(def);
    delete g['__conveyorRegister'];
  },
});

let runtime: PluginRuntime | null = null;

function failure(err: unknown): string {
  try {
    const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as { code?: unknown; message?: unknown; stack?: unknown; name?: unknown };
    return stringify({
      ok: false,
      error: {
        code: typeof e.code === 'string' && e.code.startsWith('CONVEYOR_') ? e.code : 'CONVEYOR_TASK_FAILED',
        message: String(e.message ?? err).slice(0, 16384),
        stack: typeof e.stack === 'string' ? e.stack.slice(0, 16384) : undefined,
      },
    });
  } catch {
    return stringify({ ok: false, error: { code: 'CONVEYOR_TASK_FAILED', message: 'plugin failed with an error that cannot be read' } });
  }
}

/**
 * A call's outcome: a JSON envelope {ok, value} or {ok: false, error} (errors keep their code across the boundary),
 * and for a batch (poll) the records, one JSON text each, with value null in the envelope — a batch never becomes
 * one large string (host/sandbox/frame-channel.ts says why).
 */
interface Outcome {
  json: string;
  records?: string[];
}

const OK_BATCH = '{"ok":true,"value":null}';

/** Each record as its own JSON text (a transform's dropped record as null), counted against the batch limit as it goes. */
function recordTexts(method: string, records: unknown[]): Outcome {
  const out: string[] = [];
  let chars = OK_BATCH.length;
  for (let i = 0; i < records.length; i++) {
    const text = rawJsonText(records[i]) ?? stringify(records[i]);
    if (typeof text !== 'string') throw guestError('CONVEYOR_TASK_FAILED', `${method}() record ${i} is not a JSON value (its toJSON or the record itself is ${typeof records[i]})`);
    chars += text.length;
    if (chars > info.maxBatchBytes) throw guestError('CONVEYOR_LIMIT_EXCEEDED', `batch-size limit exceeded: ${method} returned ${chars} bytes, limit ${info.maxBatchBytes} (stopped at record ${i})`);
    out[i] = text;
  }
  return { json: OK_BATCH, records: out };
}

/** A batch argument (put) arrives as one JSON text per record. */
function recordValues(records: unknown): unknown[] {
  if (!isArray(records)) throw guestError('CONVEYOR_TASK_FAILED', 'batch records did not arrive as a list');
  const out: unknown[] = [];
  for (let i = 0; i < records.length; i++) out[i] = parse(records[i] as string);
  return out;
}

async function run(method: string, argJson: string, records: unknown): Promise<Outcome> {
  try {
    if (runtime === null) {
      if (registered === undefined) throw guestError('CONVEYOR_PLUGIN_INVALID', 'the bundle did not register a plugin definition (missing export)');
      runtime = createPluginRuntime(registered as PluginDefinition | TransformPluginDefinition, caps);
    }
    const result = await runtime.call(method as RuntimeMethod, records === undefined ? parse(argJson) : recordValues(records));
    if ((method === 'poll' || method === 'transform') && isArray(result) && result.length > 0) return recordTexts(method, result);
    const json = stringify({ ok: true, value: result ?? null });
    if (json.length > info.maxBatchBytes) {
      return { json: failure(guestError('CONVEYOR_LIMIT_EXCEEDED', `batch-size limit exceeded: ${method} returned ${json.length} bytes, limit ${info.maxBatchBytes}`)) };
    }
    return { json };
  } catch (err) {
    return { json: failure(err) };
  }
}

/**
 * Starts one call; its outcome comes back through the result callback, not as this function's value. isolated-vm
 * fails the host's apply() when a promise rejection is left unhandled during it, and the outcome must not be lost
 * with it: the host counts such a failure as an unhandled rejection and still receives the outcome here.
 */
function dispatch(id: number, method: string, argJson: string, records?: unknown): void {
  void run(method, argJson, records).then((out) => {
    try {
      sampleWasm();
      flushMetrics(method);
    } finally {
      if (out.records === undefined) hostResult(id, out.json);
      else hostResult(id, out.json, out.records);
    }
  });
}

/** wasmModule: the compiled module when this isolate compiled it (the sandbox process caches it for the next). */
export const entry = Object.freeze({ dispatch, settle, wasmModule: wasmConnector !== null && wasmConnector.module !== wasmCompiled ? wasmConnector.module : null });
