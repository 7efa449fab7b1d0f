/* eslint-disable @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/require-await -- this fixture deliberately reaches for the Function constructor chain */
import { defineSource } from '../../../../../sdk/index.ts';
import type { JsonValue, SourceRecord, SourceTask, TaskContext } from '../../../../../sdk/index.ts';
import { metricsMode } from './metrics-modes.ts';

const keep: unknown[] = [];
/** Where probe records go: the task's `topic` (each test run's own). */
let outTopic = 'hostile-out';
const rec = (value: JsonValue): SourceRecord => ({ topic: outTopic, value, sourcePartition: { p: 0 }, sourceOffset: { o: 0 } });
let grown = false;

function probe(): Record<string, JsonValue> {
  const g = globalThis as unknown as Record<string, unknown>;
  const attempt = (f: () => unknown): string => {
    try {
      const v = f();
      return v === undefined ? 'undefined' : typeof v;
    } catch (err) {
      return `threw ${(err as Error).name}`;
    }
  };
  const viaCtor = (() => undefined).constructor as FunctionConstructor;
  return {
    process: typeof g['process'],
    require: typeof g['require'],
    module: typeof g['module'],
    ivm: typeof g['ivm'],
    functionCtorProcess: attempt(() => new Function('return typeof process === "undefined" ? undefined : process')()),
    ctorChainProcess: attempt(() => viaCtor('return typeof process === "undefined" ? undefined : process')()),
    ctorChainRequire: attempt(() => viaCtor('return typeof require === "undefined" ? undefined : require')()),
    asyncCtorProcess: attempt(() => Object.getPrototypeOf(async () => undefined).constructor('return typeof process')),
    hostGlobals: Object.getOwnPropertyNames(globalThis).filter((k) => /conveyor|^ivm$|^process$|^require$|^module$|^Buffer$|^setTimeout$|^setImmediate$|^global$/i.test(k)),
  };
}

class HostileTask implements SourceTask {
  private ctx!: TaskContext;
  private mode = '';
  private polls = 0;

  start(ctx: TaskContext): Promise<void> | void {
    this.ctx = ctx;
    this.mode = String(ctx.config['mode']);
    outTopic = String(ctx.config['topic']);
    if (this.mode === 'never-start') return new Promise<void>(() => undefined);
  }

  async poll(): Promise<SourceRecord[]> {
    this.polls++;
    const more = (await metricsMode(this.mode, this.ctx, this.polls, rec)) ?? (await misbehave(this.mode, this.ctx, this.polls));
    if (more !== null) return more;
    switch (this.mode) {
      case 'busy-poll':
        for (;;);
      case 'busy-async':
        void this.ctx.clock.sleep(1).then(() => {
          for (;;);
        });
        return [];
      case 'memory-arrays':
        for (;;) keep.push(new Array(1_000_000).fill(7));
      case 'memory-strings':
        // JSON.stringify flattens the rope that repeat() builds, so each string really holds 10 MB.
        for (let i = 0; ; i++) keep.push(JSON.stringify('x'.repeat(10_000_000) + String(i)));
      case 'memory-arraybuffers':
        for (;;) keep.push(new Uint8Array(new ArrayBuffer(10_000_000)).fill(1));
      case 'huge-poll': {
        const value = 'y'.repeat(1000);
        return Array.from({ length: 12_000 }, () => rec(value));
      }
      case 'bigint-record':
        return [rec('fine'), { ...rec('x'), sourceOffset: { seq: 10n } } as unknown as SourceRecord];
      case 'invisible-record':
        return [rec('fine'), { toJSON: () => undefined } as unknown as SourceRecord];
      case 'deep-recursion': {
        const f = (n: number): number => f(n + 1) + 1;
        return [rec(f(0))];
      }
      case 'escape': {
        const found = probe();
        await this.ctx.clock.sleep(50);
        return [rec(found)];
      }
      case 'mutate': {
        const first = (await this.ctx.offsets.get({ p: 0 })) as Record<string, unknown> | null;
        const o = { value: 1 };
        if (first) Object.assign(first, { evil: true });
        const caps = this.ctx as unknown as Record<string, unknown>;
        const results: Record<string, JsonValue> = {};
        for (const [name, f] of Object.entries({
          replaceLog: () => {
            caps['log'] = null;
          },
          replaceHttpFetch: () => {
            (this.ctx.http as unknown as Record<string, unknown>)['fetch'] = () => 'owned';
          },
          pollutePrototype: () => {
            (Object.prototype as Record<string, unknown>)['polluted'] = o;
          },
        })) {
          try {
            f();
            results[name] = 'allowed';
          } catch (err) {
            results[name] = `threw ${(err as Error).name}`;
          }
        }
        const second = await this.ctx.offsets.get({ p: 0 });
        await this.ctx.clock.sleep(50);
        return [rec({ results, second: second as JsonValue, logIsFunction: typeof this.ctx.log.info })];
      }
      case 'flood':
        await Promise.all(Array.from({ length: 5000 }, () => this.ctx.offsets.get({ p: 1 })));
        return [];
      case 'denied-http':
        await this.ctx.http.fetch('http://169.254.169.254/latest/meta-data/');
        return [];
      default:
        throw new Error(`unknown mode ${this.mode}`);
    }
  }

  async stop(): Promise<void> {
    if (this.mode !== 'call-after-stop') return;
    const url = String(this.ctx.raw['url']);
    await this.ctx.http.fetch(`${url}/in-stop`);
    // Keeps calling after stop() returned, as a plugin with a stray timer loop would.
    void (async () => {
      for (let i = 0; i < 400; i++) {
        await this.ctx.clock.sleep(5);
        await this.ctx.http.fetch(`${url}/after-stop`).catch(() => undefined);
      }
    })();
  }
}

/** The modes added for the sandbox holes of issue 14 item 10; null when the mode is one of the older ones. */
async function misbehave(mode: string, ctx: TaskContext, polls: number): Promise<SourceRecord[] | null> {
  const g = globalThis as unknown as Record<string, unknown>;
  switch (mode) {
    case 'wasm-absent':
      await ctx.clock.sleep(20);
      return [rec({ webAssembly: typeof g['WebAssembly'] })];
    case 'stray-rejection':
      // Three unhandled rejections, one in the call and one in a capability continuation, then a quiet task.
      if (polls <= 2) void Promise.reject(new Error(`stray rejection ${polls}`));
      if (polls === 3) void ctx.clock.sleep(1).then(() => Promise.reject(new Error('stray rejection in a continuation')));
      await ctx.clock.sleep(20);
      return [rec({ polls })];
    case 'stray-flood':
      void Promise.reject(new Error(`stray rejection ${polls}`));
      await ctx.clock.sleep(5);
      return [];
    case 'log-flood': {
      const line = 'z'.repeat(8192);
      for (let i = 0; i < 40; i++) ctx.log.info(line, { i, polls });
      await ctx.clock.sleep(10);
      return [];
    }
    case 'atomics-wait':
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return [];
    case 'call-after-stop':
      await ctx.clock.sleep(20);
      return [];
    default:
      return wasmMode(mode, g['WebAssembly'] as Wasm | undefined);
  }
}

/** The bits of the WebAssembly API the wasm modes use (the project's lib has no WebAssembly types). */
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface Wasm {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports?: object) => { exports: Record<string, unknown> };
}

const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** (memory (export "m") 1): a module that defines its own memory, with no maximum. */
const OWN_MEMORY_MODULE = new Uint8Array([...WASM_HEADER, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x05, 0x01, 0x01, 0x6d, 0x02, 0x00]);
/** (import "env" "m" (memory 1)): a module that imports its memory. */
const IMPORTED_MEMORY_MODULE = new Uint8Array([...WASM_HEADER, 0x02, 0x0a, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x6d, 0x02, 0x00, 0x01]);

let importedMemory: WasmMemory | undefined;

function wasmMode(mode: string, W: Wasm | undefined): SourceRecord[] | null {
  if (!mode.startsWith('wasm-')) return null;
  if (W === undefined) throw new Error('WebAssembly is not available');
  if (grown) return [];
  switch (mode) {
    case 'wasm-grow': {
      // Grows one memory towards 1 GB, writing every page.
      const m = new W.Memory({ initial: 1, maximum: 65536 });
      keep.push(m);
      for (let i = 0; i < 1024; i++) {
        m.grow(16);
        new Uint8Array(m.buffer).fill(1);
      }
      grown = true;
      return [];
    }
    case 'wasm-many':
      // Many memories, each small and within any single-memory cap, together 1 GB.
      for (let i = 0; i < 100; i++) {
        const m = new W.Memory({ initial: 160, maximum: 160 });
        new Uint8Array(m.buffer).fill(1);
        keep.push(m);
      }
      grown = true;
      return [];
    case 'wasm-own-memory': {
      const instance = new W.Instance(new W.Module(OWN_MEMORY_MODULE));
      const m = instance.exports['m'] as WasmMemory;
      keep.push(m);
      for (let i = 0; i < 1024; i++) m.grow(16);
      new Uint8Array(m.buffer).fill(1);
      grown = true;
      return [];
    }
    case 'wasm-plus-heap': {
      // 48 MB of WebAssembly memory plus 30 MB of ArrayBuffers: each alone is under a 64 MB limit, together not.
      const m = new W.Memory({ initial: 768, maximum: 768 });
      new Uint8Array(m.buffer).fill(1);
      keep.push(m);
      for (let i = 0; i < 3; i++) keep.push(new Uint8Array(10 * 1024 * 1024).fill(1));
      grown = true;
      return [];
    }
    case 'wasm-imported': {
      // One memory for the task, as a real module has: a memory stays in the task's budget until it is collected.
      importedMemory ??= new W.Memory({ initial: 1, maximum: 16 });
      const memory = importedMemory;
      new W.Instance(new W.Module(IMPORTED_MEMORY_MODULE), { env: { m: memory } });
      const ctor = Object.getPrototypeOf(memory) as { constructor: unknown };
      return [rec({ instantiated: true, isMemory: memory instanceof W.Memory, constructorIsMemory: ctor.constructor === W.Memory, bytes: memory.buffer.byteLength })];
    }
    default:
      return null;
  }
}

/** The plugin definition under a class name: the same code is bundled with and without WebAssembly. */
export function hostile(className: string): ReturnType<typeof defineSource> {
  return defineSource({
    className,
    config: [
      { name: 'mode', type: 'string', importance: 'high', documentation: 'How to misbehave.' },
      { name: 'url', type: 'string', importance: 'low', default: '', documentation: 'Where call-after-stop calls.' },
      { name: 'topic', type: 'string', importance: 'low', default: 'hostile-out', documentation: 'Where probe records go.' },
    ],
    task: () => new HostileTask(),
  });
}

export default hostile('HostileSource');
