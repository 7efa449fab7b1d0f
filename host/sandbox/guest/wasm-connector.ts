/**
 * A connector that is a WebAssembly module (ABI in sdk/wasm/README.md), run inside the task's isolate. Trusted guest
 * code: the bootstrap compiles the bundle's module before plugin code runs, refuses it (naming the import) when it
 * imports anything but the capabilities granted, gives it a memory whose maximum the task's budget bounds, and turns
 * its exports into a plugin definition the SDK runtime drives like a JavaScript one.
 */
import type { ConfigDefinition } from '../../../sdk/config.ts';
import type { PluginDefinition, TaskContext } from '../../../sdk/connector.ts';
import type { TransformPluginDefinition } from '../../../sdk/transform.ts';
import type { SinkRecord, SourceRecord, TopicPartitionOffsets } from '../../../sdk/records.ts';
import { BASE_IMPORTS, CAPABILITY_IMPORTS, IMPORT_MODULE, LOG_LEVELS, MEMORY_IMPORT, MAX_TABLE_ELEMENTS, REQUIRED_EXPORTS, SINK_EXPORTS, SOURCE_EXPORTS, Status, TRANSFORM_EXPORTS, WASM_ABI_VERSION } from '../../../sdk/wasm/abi.ts';
import { decodeSourceBatch, encodeSinkBatch, sinkBatchBound } from '../../../sdk/wasm/batch.ts';
import { utf8Read, utf8Write } from '../../../sdk/wasm/utf8.ts';
import { readModuleShape } from './wasm-sections.ts';
import { wasmTransformDefinition } from './wasm-transform.ts';

/** The parts of the WebAssembly JS API used here. */
interface Wasm {
  Module: (new (bytes: Uint8Array) => object) & { imports(m: object): { module: string; name: string; kind: string }[]; exports(m: object): { name: string; kind: string }[] };
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  RuntimeError: new (...a: unknown[]) => Error;
}

export interface WasmConnectorHost {
  wasm: Wasm;
  bytes: ArrayBuffer;
  /** The module another isolate of this sandbox process compiled from the same bytes (shared compiled code). */
  compiled?: unknown;
  /** Capabilities the manifest requests: only those may be imported. */
  granted: readonly string[];
  budgetPages: number;
  call(cap: string, method: string, args: unknown[]): Promise<unknown>;
  log(level: string, message: string): void;
  invalidError(message: string): Error;
  limitError(message: string): Error;
  taskError(message: string): Error;
}

type Fn = (...a: number[]) => number;
interface Exports {
  alloc: Fn;
  last_error: Fn;
  on_result: Fn;
  start: Fn;
  poll?: Fn;
  put?: Fn;
  transform?: Fn;
  flush?: Fn;
  commit?: Fn;
  stop?: Fn;
}

/** What plugin.js registers for a WebAssembly bundle: the manifest's description of the connector. */
interface WasmMeta {
  type: 'source' | 'sink' | 'transform';
  className: string;
  aliases?: string[];
  config: ConfigDefinition;
}

export interface WasmConnector {
  /** The compiled module, for the sandbox process to hand to the next isolate of the same bundle. */
  readonly module: object;
  /** Wraps the module as a plugin definition; throws when it lacks the exports its type needs. */
  definition(meta: unknown): PluginDefinition | TransformPluginDefinition;
}

/** Whether value is a real WebAssembly.Module (by its brand, not a prototype the plugin could fake). */
function isModule(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object WebAssembly.Module]';
}

function compile(h: WasmConnectorHost): object {
  if (isModule(h.compiled)) return h.compiled;
  try {
    return new h.wasm.Module(new Uint8Array(h.bytes));
  } catch (err) {
    throw h.invalidError(`malformed WebAssembly module: ${(err as Error).name}: ${(err as Error).message}`);
  }
}

function checkImports(h: WasmConnectorHost, module: object): void {
  const allowed = new Set<string>([BASE_IMPORTS.log, BASE_IMPORTS.nowMs, BASE_IMPORTS.offsets, BASE_IMPORTS.clock]);
  for (const c of CAPABILITY_IMPORTS) if (h.granted.includes(c)) allowed.add(c);
  for (const imp of h.wasm.Module.imports(module)) {
    const name = `${imp.module}.${imp.name}`;
    const ok = imp.kind === 'memory'
      ? imp.module === MEMORY_IMPORT.module && imp.name === MEMORY_IMPORT.name
      : imp.module === IMPORT_MODULE && imp.kind === 'function' && allowed.has(imp.name);
    if (ok) continue;
    const why = imp.module === IMPORT_MODULE && (CAPABILITY_IMPORTS as readonly string[]).includes(imp.name)
      ? `the manifest does not request the ${imp.name} capability`
      : `a connector module may import only ${MEMORY_IMPORT.module}.${MEMORY_IMPORT.name} and the functions ${IMPORT_MODULE}.{${[...allowed].join(',')}}`;
    throw h.invalidError(`WebAssembly module imports ${name} (${imp.kind}), which is not granted: ${why}`);
  }
}

/** Instantiates the module with a memory the budget bounds and the capability imports; checks the ABI version. */
export function loadWasmConnector(h: WasmConnectorHost): WasmConnector {
  const module = compile(h);
  checkImports(h, module);
  const shape = readModuleShape(new Uint8Array(h.bytes), (message) => h.invalidError(message));
  for (const t of shape.tables) {
    if (t.min > MAX_TABLE_ELEMENTS || t.max === null || t.max > MAX_TABLE_ELEMENTS) {
      throw h.invalidError(`WebAssembly module declares a table of ${t.min}..${t.max ?? 'unbounded'} elements; a table needs a maximum of at most ${MAX_TABLE_ELEMENTS}`);
    }
  }
  const declared = shape.memories.get(`${MEMORY_IMPORT.module}.${MEMORY_IMPORT.name}`);
  if (declared === undefined) throw h.invalidError(`WebAssembly module does not import its memory as ${MEMORY_IMPORT.module}.${MEMORY_IMPORT.name}`);
  if (declared.shared) throw h.invalidError('WebAssembly module imports a shared memory; connector memories are not shared');
  const maximum = Math.min(declared.max ?? h.budgetPages, h.budgetPages);
  if (declared.min > maximum) {
    throw h.limitError(`memory limit exceeded: the module needs ${declared.min} pages of memory, the task's WebAssembly budget allows ${h.budgetPages} (limit ${h.budgetPages / 16} MB)`);
  }
  const memory = new h.wasm.Memory({ initial: declared.min, maximum });
  const bytes = (): Uint8Array => new Uint8Array(memory.buffer);

  const inflight: Promise<void>[] = [];
  const ready: { id: number; status: number; text: string }[] = [];
  let nextId = 1;
  const text = (ptr: number, len: number): string => {
    const b = bytes();
    if (ptr < 0 || len < 0 || ptr + len > b.length) throw h.taskError(`WebAssembly module passed a buffer [${ptr}, +${len}) outside its memory`);
    return utf8Read(b, ptr, ptr + len);
  };
  const capability = (cap: string) => (mPtr: number, mLen: number, aPtr: number, aLen: number): number => {
    const method = text(mPtr, mLen);
    let args: unknown;
    try {
      args = JSON.parse(text(aPtr, aLen));
    } catch {
      return Status.failed;
    }
    if (!Array.isArray(args)) return Status.failed;
    const id = nextId++;
    inflight.push(h.call(cap, method, args).then(
      (v) => void ready.push({ id, status: Status.ok, text: JSON.stringify(v ?? null) }),
      (e: unknown) => void ready.push({ id, status: Status.failed, text: String((e as Error)?.message ?? e) }),
    ));
    return id;
  };
  const env: Record<string, unknown> = {
    [BASE_IMPORTS.log]: (level: number, ptr: number, len: number) => h.log(LOG_LEVELS[level] ?? 'info', text(ptr, len)),
    [BASE_IMPORTS.nowMs]: () => Date.now(),
    [BASE_IMPORTS.offsets]: capability('offsets'),
    [BASE_IMPORTS.clock]: capability('clock'),
  };
  for (const c of CAPABILITY_IMPORTS) if (h.granted.includes(c)) env[c] = capability(c);

  let instance: { exports: Record<string, unknown> };
  try {
    instance = new h.wasm.Instance(module, { [IMPORT_MODULE]: env, [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } });
  } catch (err) {
    throw h.invalidError(`WebAssembly module does not instantiate: ${(err as Error).name}: ${(err as Error).message}`);
  }
  const ex = instance.exports;
  for (const name of REQUIRED_EXPORTS) {
    if (typeof ex[name] !== 'function') throw h.invalidError(`WebAssembly module does not export the function ${name} (ABI version ${WASM_ABI_VERSION})`);
  }
  const version = (ex['conveyor_abi_version'] as Fn)();
  if (version !== WASM_ABI_VERSION) throw h.invalidError(`WebAssembly module speaks ABI version ${version}; this worker speaks version ${WASM_ABI_VERSION}`);
  const fns = ex as unknown as Exports;

  /** Calls an export; traps become task errors that say so. */
  const invoke = (method: string, fn: Fn, args: number[]): number => {
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof h.wasm.RuntimeError) {
        const pages = memory.buffer.byteLength / 65536;
        throw h.taskError(`WebAssembly trap in ${method}: RuntimeError: ${(err).message} (its memory: ${pages} of at most ${maximum} pages, a maximum the task's WebAssembly budget of ${h.budgetPages / 16} MB bounds)`);
      }
      throw err;
    }
  };
  const lastError = (): string => {
    const ptr = invoke('last_error', fns.last_error, []);
    if (ptr <= 0) return 'no message';
    const b = bytes();
    if (ptr + 4 > b.length) return 'message pointer outside memory';
    const len = new DataView(b.buffer).getUint32(ptr, true);
    return text(ptr + 4, Math.min(len, 16384));
  };
  const write = (s: string): [number, number] => {
    const ptr = invoke('alloc', fns.alloc, [s.length * 3]);
    const end = utf8Write(s, bytes(), ptr);
    return [ptr, end - ptr];
  };
  /** Runs one call to completion: while it answers pending, delivers its capability results and calls it again. */
  const drive = async (method: string, fn: Fn, args: number[]): Promise<number> => {
    let r = invoke(method, fn, args);
    while (r === Status.pending) {
      if (inflight.length === 0) throw h.taskError(`${method} answered pending without a capability call in flight`);
      await Promise.all(inflight.splice(0));
      for (const res of ready.splice(0)) {
        const [ptr, len] = write(res.text);
        invoke('on_result', fns.on_result, [res.id, res.status, ptr, len]);
      }
      r = invoke(method, fn, [0, 0]);
    }
    if (r < Status.pending) throw h.taskError(`${method} failed with code ${r}: ${lastError()}`);
    return r;
  };

  return {
    module,
    definition(raw: unknown): PluginDefinition | TransformPluginDefinition {
      const meta = raw as WasmMeta;
      if (typeof meta !== 'object' || meta === null || (meta.type !== 'source' && meta.type !== 'sink' && meta.type !== 'transform')) throw h.invalidError('a WebAssembly bundle must register its type, className and config');
      for (const name of meta.type === 'source' ? SOURCE_EXPORTS : meta.type === 'sink' ? SINK_EXPORTS : TRANSFORM_EXPORTS) {
        if (typeof ex[name] !== 'function') throw h.invalidError(`WebAssembly ${meta.type} module does not export the function ${name}`);
      }
      const start = async (ctx: TaskContext): Promise<void> => {
        const [ptr, len] = write(JSON.stringify({ config: ctx.raw, connector: ctx.connector, taskId: ctx.taskId }));
        await drive('start', fns.start, [ptr, len]);
      };
      const optional = async (method: 'flush' | 'commit' | 'stop'): Promise<void> => {
        const fn = fns[method];
        if (fn !== undefined) await drive(method, fn, []);
      };
      if (meta.type === 'transform') {
        return wasmTransformDefinition(meta, {
          alloc: (size) => invoke('alloc', fns.alloc, [size]),
          bytes,
          write,
          drive,
          taskError: (message) => h.taskError(message),
          start: fns.start,
          transform: fns.transform as Fn,
          ...(fns.stop === undefined ? {} : { stop: fns.stop }),
        });
      }
      const base = { className: meta.className, aliases: meta.aliases ?? [], config: meta.config };
      if (meta.type === 'source') {
        const poll = fns.poll as Fn;
        return {
          ...base,
          type: 'source',
          task: () => ({
            start,
            poll: async (): Promise<SourceRecord[] | null> => {
              const at = await drive('poll', poll, []);
              if (at === 0) return null;
              try {
                return decodeSourceBatch(bytes(), at);
              } catch (err) {
                throw h.taskError(`poll: ${(err as Error).message}`);
              }
            },
            commit: () => optional('commit'),
            stop: () => optional('stop'),
          }),
        };
      }
      const put = fns.put as Fn;
      return {
        ...base,
        type: 'sink',
        task: () => ({
          start,
          put: async (records: SinkRecord[]): Promise<void> => {
            const { bound, texts } = sinkBatchBound(records);
            const ptr = invoke('alloc', fns.alloc, [bound]);
            const b = bytes();
            if (ptr <= 0 || ptr + bound > b.length) throw h.taskError(`alloc(${bound}) returned ${ptr}, outside memory of ${b.length} bytes`);
            const len = encodeSinkBatch(records, texts, b.subarray(ptr, ptr + bound));
            await drive('put', put, [ptr, len]);
          },
          flush: (_offsets: TopicPartitionOffsets) => optional('flush'),
          stop: () => optional('stop'),
        }),
      };
    },
  };
}
