/* eslint-disable @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/require-await -- this fixture deliberately reaches for the Function constructor chain */
import { defineSource } from '../../../../../sdk/index.ts';
import type { JsonValue, SourceRecord, SourceTask, TaskContext } from '../../../../../sdk/index.ts';

const keep: unknown[] = [];
const rec = (value: JsonValue): SourceRecord => ({ topic: 'hostile-out', value, sourcePartition: { p: 0 }, sourceOffset: { o: 0 } });

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

  start(ctx: TaskContext): Promise<void> | void {
    this.ctx = ctx;
    this.mode = String(ctx.config['mode']);
    if (this.mode === 'never-start') return new Promise<void>(() => undefined);
  }

  async poll(): Promise<SourceRecord[]> {
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

  stop(): void {}
}

export default defineSource({
  className: 'HostileSource',
  config: [{ name: 'mode', type: 'string', importance: 'high', documentation: 'How to misbehave.' }],
  task: () => new HostileTask(),
});
