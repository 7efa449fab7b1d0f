/**
 * The capability broker of one task: checks that the manifest requests the capability, routes the call to its
 * host-side implementation (which checks the policy and the arguments), bounds its time and counts it.
 */
import type { CapabilityName } from '../../sdk/capabilities.ts';
import type { SourceOffset, SourcePartition } from '../../sdk/records.ts';
import { ConveyorError, ErrorCode, isConveyorError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TaskPluginMetrics } from '../metrics/plugin-metrics.ts';
import { elasticsearchCapability } from './elasticsearch.ts';
import { errantCapability } from './errant.ts';
import type { ErrantTarget } from './errant.ts';
import { filesCapability } from './files.ts';
import { httpCapability } from './http.ts';
import type { CapabilityMetrics } from './metrics.ts';
import { mysqlCapability } from './mysql.ts';
import type { CapabilityPolicy } from './policy.ts';
import type { CapabilityMethods, Closeable } from './types.ts';
import { denied, invalid, obj, withTimeout } from './validate.ts';

export interface BrokerOptions {
  connector: string;
  taskId: number;
  plugin: string;
  requested: readonly CapabilityName[];
  policy: CapabilityPolicy;
  /** Reads this task's committed source offsets. */
  offsets: (partition: SourcePartition) => Promise<SourceOffset | null>;
  metrics: CapabilityMetrics;
  log: Logger;
  timeoutMs?: number;
  /** Where errantRecordReporter.report sends records: the task's sink pipeline, once it exists. */
  errant?: () => ErrantTarget | undefined;
  /** Where the task's ctx.metrics reports go (checked there against the manifest); without it they are refused. */
  pluginMetrics?: TaskPluginMetrics;
  /** The tenant's capability-call quotas: each call waits its turn (rate, concurrency) before it runs. */
  throttle?: { call(): Promise<() => void> };
}

export interface CapabilityBroker {
  handle(cap: string, method: string, args: unknown[]): Promise<unknown>;
  /** From now on every call is refused before it reaches its target (the task's stop() returned, or it failed). */
  revoke(): void;
  release(): Promise<void>;
}

export function createCapabilityBroker(o: BrokerOptions): CapabilityBroker {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const made = new Map<string, CapabilityMethods & Partial<Closeable>>();
  const factories: Partial<Record<CapabilityName, () => CapabilityMethods & Partial<Closeable>>> = {
    offsets: () => ({
      get: async (args) => o.offsets(obj('offsets.get', args, 0, 'partition') as SourcePartition),
    }),
    http: () => httpCapability(o.policy),
    files: () => filesCapability(o.policy),
    mysql: () => mysqlCapability(o.policy),
    elasticsearch: () => elasticsearchCapability(o.policy),
    errantRecordReporter: () => errantCapability(() => o.errant?.(), o.log),
    metrics: () => ({
      report: (args) => {
        if (o.pluginMetrics === undefined) return Promise.reject(denied('metrics.report', 'metrics', 'only a running task reports metrics'));
        o.pluginMetrics.apply(args[0]);
        return Promise.resolve(null);
      },
    }),
  };
  const always = new Set<string>(['offsets', 'metrics']);
  let revoked = false;

  async function handle(cap: string, method: string, args: unknown[]): Promise<unknown> {
    const call = `${cap}.${method}`;
    const started = performance.now();
    if (revoked) {
      // Counted, not logged: a plugin still calling after its stop would otherwise write a warning per call.
      o.metrics.record(o.connector, o.taskId, call, 'denied', 0);
      throw new ConveyorError(ErrorCode.capabilityDenied, `capability denied: ${call} (the task's capabilities were revoked when it stopped)`);
    }
    try {
      const factory = factories[cap as CapabilityName];
      if (factory === undefined) throw invalid(call, `unknown capability ${cap}`);
      if (!always.has(cap) && !o.requested.includes(cap as CapabilityName)) {
        throw denied(call, cap, `plugin ${o.plugin} does not request capability '${cap}' in its manifest`);
      }
      let impl = made.get(cap);
      if (impl === undefined) {
        impl = factory();
        made.set(cap, impl);
      }
      const fn = Object.hasOwn(impl, method) && method !== 'release' ? impl[method] : undefined;
      if (typeof fn !== 'function') throw invalid(call, `unknown method ${method}`);
      const done = o.throttle === undefined ? undefined : await o.throttle.call();
      try {
        const result = await withTimeout(call, timeoutMs, fn(args));
        o.metrics.record(o.connector, o.taskId, call, 'ok', performance.now() - started);
        return result;
      } finally {
        done?.();
      }
    } catch (err) {
      const isDenied = isConveyorError(err) && err.code === ErrorCode.capabilityDenied;
      o.metrics.record(o.connector, o.taskId, call, isDenied ? 'denied' : 'error', performance.now() - started);
      if (isDenied) o.log.warn('capability denied', { call, error: err });
      if (isConveyorError(err)) throw err;
      throw new ConveyorError(ErrorCode.unavailable, `${call} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err, retriable: true });
    }
  }

  return {
    handle,
    revoke() {
      revoked = true;
    },
    async release() {
      revoked = true;
      o.pluginMetrics?.drop();
      await Promise.all([...made.values()].map(async (m) => { await m.release?.().catch(() => undefined); }));
      made.clear();
    },
  };
}
