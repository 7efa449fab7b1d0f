/**
 * Modes that misuse ctx.metrics: names the manifest does not declare (or the worker's own), labels the worker sets,
 * too many series, and a guest whose checks are subverted (Map.prototype.get patched so the bootstrap's buffer
 * accepts a forged declaration): then the worker's own check must refuse the report. null for other modes.
 */
import type { JsonValue, SourceRecord, TaskContext } from '../../../../../sdk/index.ts';

export async function metricsMode(mode: string, ctx: TaskContext, polls: number, rec: (v: JsonValue) => SourceRecord): Promise<SourceRecord[] | null> {
  switch (mode) {
    case 'metrics-ok':
      ctx.metrics.set('hostile_probe', polls, { kind: 'ok' });
      await ctx.clock.sleep(20);
      return polls === 1 ? [rec({ reported: true })] : [];
    case 'metrics-undeclared':
      ctx.metrics.set('hostile_undeclared', 1);
      return [];
    case 'metrics-host-prefix':
      ctx.metrics.set('conveyor_sandbox_processes', 99);
      return [];
    case 'metrics-forged-label':
      ctx.metrics.set('hostile_probe', 1, { kind: 'x', connector: 'someone-else' });
      return [];
    case 'metrics-too-many-series':
      for (let i = 0; i < 5000; i++) ctx.metrics.set('hostile_probe', i, { kind: `k${i}` });
      return [];
    case 'metrics-forged-declaration':
      if (polls === 1) forgeDeclaration();
      ctx.metrics.set(polls === 1 ? 'conveyor_forged' : 'hostile_probe', polls, polls === 1 ? { connector: 'someone-else' } : { kind: 'after' });
      await ctx.clock.sleep(50);
      return [];
    default:
      return null;
  }
}

function forgeDeclaration(): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to delegate to with call()
  const get = Map.prototype.get;
  Map.prototype.get = function forged(this: Map<unknown, unknown>, key: unknown): unknown {
    if (key === 'conveyor_forged') return { name: 'conveyor_forged', type: 'gauge', help: 'forged', labels: ['connector'] };
    return get.call(this, key);
  };
}
