/**
 * The worker's view of the sandbox: a creator (create, destroy) handing out instances (invoke, dispose) that run
 * in a pool of supervised child processes. A child that dies fails only its own tasks; the next create respawns.
 */
import type { CapabilityName } from '../../sdk/capabilities.ts';
import type { PluginMetricDeclaration } from '../../sdk/metrics.ts';
import type { RuntimeMethod } from '../../sdk/runtime.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { SandboxError, toWireError } from './errors.ts';
import { DEFAULT_LIMITS } from './protocol.ts';
import type { SandboxLimits, TaskStats, WireError } from './protocol.ts';
import { SandboxProcess } from './sandbox-process.ts';

/** Serves one capability call of one task; returns plain JSON-compatible data or throws a ConveyorError. */
export type CapabilityHandler = (cap: string, method: string, args: unknown[]) => Promise<unknown>;

export interface CreateInstanceOptions {
  taskKey: string;
  /** wasm: the manifest asks for WebAssembly (absent from the guest otherwise). */
  plugin: { key: string; code: string; capabilities: readonly CapabilityName[]; wasm?: boolean; module?: Uint8Array; metrics?: readonly PluginMetricDeclaration[] };
  capabilities: CapabilityHandler;
  log: Logger;
  limits?: Partial<SandboxLimits>;
}

export interface SandboxInstance {
  readonly taskKey: string;
  /** Time the sandbox took to create the isolate and load the plugin. */
  readonly createMs: number;
  invoke<T = unknown>(method: RuntimeMethod, arg?: unknown): Promise<T>;
  /** Called once when the task fails outside a call (watchdog, crashed process). */
  onFailure(listener: (error: SandboxError) => void): void;
  dispose(): Promise<void>;
}

export interface SandboxCreator {
  create(options: CreateInstanceOptions): Promise<SandboxInstance>;
  /** Memory and CPU per task and per process, for benchmarks and diagnostics. */
  stats(): Promise<{ processes: { pid: number | undefined; rssBytes: number; tasks: TaskStats[] }[] }>;
  destroy(): Promise<void>;
}

export interface SandboxPoolOptions {
  processes?: number;
  limits?: Partial<SandboxLimits>;
  log: Logger;
  /** Told each time a process is started in place of one that exited (GET /metrics). */
  onProcessRestart?: () => void;
  /**
   * How much longer than a task's call deadline a process may take to answer before it is deemed stalled and killed
   * (default 10 s; its own deadlines make a healthy process answer in time).
   */
  stallGraceMs?: number;
}

interface Entry {
  options: CreateInstanceOptions;
  proc: SandboxProcess;
  failed: SandboxError | null;
  listeners: ((e: SandboxError) => void)[];
  /** Being disposed: no more capability calls are served, the sandbox's last lines about the task still log. */
  disposing: boolean;
}

/** An error envelope comes from guest code: it may claim any code, but never a host-side one such as a crash. */
function guestError(e: WireError): WireError {
  const known = (Object.values(ErrorCode) as string[]).includes(e?.code);
  const hostOnly = e?.code === ErrorCode.sandboxCrashed || e?.code === ErrorCode.internal || e?.code === ErrorCode.unavailable;
  return {
    code: known && !hostOnly ? e.code : ErrorCode.taskFailed,
    message: typeof e?.message === 'string' ? e.message : 'plugin failed without a message',
    ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}),
  };
}

/** A batch as one JSON text per record. */
function recordTexts(records: readonly unknown[]): string[] {
  const out = new Array<string>(records.length);
  for (let i = 0; i < records.length; i++) out[i] = JSON.stringify(records[i] ?? null);
  return out;
}

function recordValues(texts: readonly string[]): unknown[] {
  const out = new Array<unknown>(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = JSON.parse(texts[i] as string);
  return out;
}

export function createSandboxPool(options: SandboxPoolOptions): SandboxCreator {
  const size = Math.max(1, options.processes ?? 2);
  const grace = options.stallGraceMs ?? 10_000;
  const log = options.log;
  const procs: (SandboxProcess | null)[] = Array.from({ length: size }, () => null);
  const everStarted = new Set<number>();
  const entries = new Map<string, Entry>();
  let destroyed = false;

  const failWith = (entry: Entry, error: SandboxError): void => {
    if (entry.failed) return;
    entry.failed = error;
    for (const l of entry.listeners) l(error);
  };
  const fail = (entry: Entry, wire: WireError): void => failWith(entry, new SandboxError(wire));

  const routes = {
    capability(taskKey: string, id: number, cap: string, method: string, args: string, raw?: { index: number; value: string | Buffer }): void {
      const entry = entries.get(taskKey);
      if (!entry || entry.disposing) return;
      const reply = (ok: boolean, value: string): void => entry.proc.post({ t: 'capResult', taskKey, id, ok, value });
      let parsed: unknown[];
      try {
        parsed = JSON.parse(args) as unknown[];
        if (!Array.isArray(parsed)) throw new Error('arguments must be an array');
        // The raw argument fills the null the guest left in its place; capabilities read it with validate.ts's str/text.
        if (raw !== undefined) {
          if (raw.index >= parsed.length || parsed[raw.index] !== null) throw new Error('raw argument does not match a null argument');
          parsed[raw.index] = raw.value;
        }
      } catch (err) {
        reply(false, JSON.stringify({ code: ErrorCode.capabilityInvalid, message: `${cap}.${method}: ${(err as Error).message}` }));
        return;
      }
      const max = { ...DEFAULT_LIMITS, ...options.limits, ...entry.options.limits }.maxCapabilityBytes;
      entry.options.capabilities(cap, method, parsed).then(
        (value) => {
          const json = JSON.stringify(value ?? null);
          if (json.length > max) reply(false, JSON.stringify({ code: ErrorCode.limitExceeded, message: `${cap}.${method}: result of ${json.length} bytes exceeds the limit of ${max}` }));
          else reply(true, json);
        },
        (err: unknown) => reply(false, JSON.stringify(toWireError(err))),
      );
    },
    log(taskKey: string, level: string, msg: string, fields: string, origin: 'host' | 'plugin'): void {
      const entry = entries.get(taskKey);
      if (!entry) return;
      let f: Record<string, unknown> = {};
      try {
        const parsed = JSON.parse(fields) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) f = parsed as Record<string, unknown>;
      } catch {
        // keep the message without fields
      }
      const l = entry.options.log;
      const lvl = level === 'debug' || level === 'warn' || level === 'error' ? level : 'info';
      if (origin === 'host') l[lvl](msg, { ...f, source: 'sandbox' });
      else l[lvl](msg, { pluginFields: f, source: 'plugin' });
    },
    taskFailed(taskKey: string, error: WireError): void {
      const entry = entries.get(taskKey);
      if (entry) fail(entry, error);
    },
    exited(proc: SandboxProcess, error: WireError): void {
      const index = procs.indexOf(proc);
      if (index >= 0) procs[index] = null;
      for (const key of proc.tasks) {
        const entry = entries.get(key);
        if (entry) fail(entry, error);
      }
    },
  };

  async function pick(): Promise<SandboxProcess> {
    let best = -1;
    for (let i = 0; i < size; i++) {
      const p = procs[i];
      if (p === null || p === undefined || !p.alive) {
        best = i;
        break;
      }
      const cur = best < 0 ? undefined : procs[best];
      if (best < 0 || (cur && p.tasks.size < cur.tasks.size)) best = i;
    }
    let proc = procs[best];
    if (proc === null || proc === undefined || !proc.alive) {
      proc = new SandboxProcess(routes, log);
      procs[best] = proc;
      if (everStarted.has(best)) options.onProcessRestart?.();
      everStarted.add(best);
      log.info('sandbox process started', { pid: proc.pid });
    }
    await proc.ready;
    return proc;
  }

  return {
    async create(opts) {
      if (destroyed) throw new ConveyorError(ErrorCode.unavailable, 'sandbox pool is destroyed');
      if (entries.has(opts.taskKey)) throw new ConveyorError(ErrorCode.conflict, `sandbox task ${opts.taskKey} already exists`);
      const proc = await pick();
      if (!proc.loaded.has(opts.plugin.key)) {
        proc.post({ t: 'load', pluginKey: opts.plugin.key, code: opts.plugin.code, ...(opts.plugin.module === undefined ? {} : { module: Buffer.from(opts.plugin.module).toString('base64') }) });
        proc.loaded.add(opts.plugin.key);
      }
      const entry: Entry = { options: opts, proc, failed: null, listeners: [], disposing: false };
      entries.set(opts.taskKey, entry);
      proc.tasks.add(opts.taskKey);
      const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...options.limits, ...opts.limits };
      let createMs = 0;
      try {
        // Creating runs the bootstrap and the plugin's top level, each under the call deadline.
        const reply = await proc.request({ t: 'create', spec: { taskKey: opts.taskKey, pluginKey: opts.plugin.key, capabilities: [...opts.plugin.capabilities], wasm: opts.plugin.wasm === true, ...(opts.plugin.metrics === undefined ? {} : { metrics: [...opts.plugin.metrics] }), limits } }, 2 * limits.callDeadlineMs + grace);
        createMs = reply.createMs ?? 0;
      } catch (err) {
        entries.delete(opts.taskKey);
        proc.tasks.delete(opts.taskKey);
        throw err;
      }
      const instance: SandboxInstance = {
        taskKey: opts.taskKey,
        createMs,
        async invoke<T>(method: RuntimeMethod, arg?: unknown): Promise<T> {
          if (entry.failed) throw entry.failed;
          let reply;
          try {
            // A batch crosses as one JSON text per record: small strings, never one large one (frame-channel.ts).
            reply = (method === 'put' || method === 'transform') && Array.isArray(arg)
              ? await proc.request({ t: 'invoke', taskKey: opts.taskKey, method, arg: 'null', records: recordTexts(arg) }, limits.callDeadlineMs + grace)
              : await proc.request({ t: 'invoke', taskKey: opts.taskKey, method, arg: JSON.stringify(arg ?? null) }, limits.callDeadlineMs + grace);
          } catch (err) {
            const e = err as SandboxError;
            if (e.limit || e.code === ErrorCode.sandboxCrashed) failWith(entry, e);
            throw entry.failed ?? e;
          }
          const envelope = JSON.parse(reply.value ?? 'null') as { ok: true; value: T } | { ok: false; error: WireError };
          if (!envelope.ok) throw new SandboxError(guestError(envelope.error));
          return reply.records === undefined ? envelope.value : (recordValues(reply.records) as T);
        },
        onFailure(listener) {
          entry.listeners.push(listener);
        },
        async dispose() {
          entry.disposing = true;
          proc.tasks.delete(opts.taskKey);
          if (proc.alive) await proc.request({ t: 'dispose', taskKey: opts.taskKey }, grace).catch(() => undefined);
          if (entries.get(opts.taskKey) === entry) entries.delete(opts.taskKey);
        },
      };
      return instance;
    },
    async stats() {
      const live = procs.filter((p): p is SandboxProcess => p !== null && p.alive);
      return { processes: await Promise.all(live.map(async (p) => ({ pid: p.pid, ...(await p.stats()) }))) };
    },
    async destroy() {
      destroyed = true;
      for (const p of procs) p?.markStopping();
      for (const p of procs) p?.kill();
      entries.clear();
      await Promise.resolve();
    },
  };
}
