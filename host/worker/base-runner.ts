/**
 * What the source and sink task runners share: their options, the loop's start and stop, the tenant throttle and the
 * timed offset flush.
 */
import type { RawConfig } from '../../sdk/connector.ts';
import type { SinkCallResult, StartResult, TaskHooks } from '../../sdk/runtime.ts';
import type { Logger } from '../core/logger.ts';
import type { TaskMetrics } from '../metrics/task-metrics.ts';
import type { SandboxInstance } from '../sandbox/sandbox-pool.ts';
import { approximateBytes } from '../tenants/throttle.ts';
import type { TenantThrottle } from '../tenants/throttle.ts';

export interface RunnerOptions {
  connector: string;
  taskId: number;
  config: RawConfig;
  instance: SandboxInstance;
  log: Logger;
  commitIntervalMs?: number;
  /** Called once when the task stops on an error (not on a requested stop). */
  onFailure(error: unknown): void;
  /** A tenant's records/s and bytes/s quotas: a batch waits its turn before it moves on (host/tenants/throttle.ts). */
  throttle?: TenantThrottle;
  /** Kafka Connect's task metrics, bumped once per batch and per offset commit. */
  metrics?: TaskMetrics;
}

export interface TaskRunner {
  readonly records: number;
  readonly batches: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A batch fetched one turn ahead may fail while the current one is handled: it is awaited on the next turn, so its
 * rejection is marked handled here rather than reported as unhandled meanwhile.
 */
export function ahead<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export abstract class BaseRunner implements TaskRunner {
  records = 0;
  batches = 0;
  protected readonly o: RunnerOptions;
  protected stopping = false;
  /** The optional hooks the task implements, as its start reported them. */
  protected hooks: TaskHooks = { open: false, close: false, commitRecord: false };
  /** What a sink task's context asked for during start. */
  protected startRequests: SinkCallResult = null;
  private loop: Promise<void> | null = null;

  constructor(o: RunnerOptions) {
    this.o = o;
  }

  /** Waits out the tenant's rate quotas for a batch; a stop ends the wait early. */
  protected async throttled(records: readonly { key?: unknown; value?: unknown }[]): Promise<void> {
    const t = this.o.throttle;
    if (t === undefined) return;
    let wait = t.admit(records.length, t.countsBytes ? approximateBytes(records) : 0);
    while (wait > 0 && !this.stopping) {
      const step = Math.min(wait, 100);
      await sleep(step);
      wait -= step;
    }
  }

  async start(): Promise<void> {
    const started = await this.o.instance.invoke<StartResult | null>('start', { raw: this.o.config, connector: this.o.connector, taskId: this.o.taskId });
    if (started?.hooks !== undefined) this.hooks = started.hooks;
    this.startRequests = started?.requests ?? null;
    // Stopped while start() ran (a reconfiguration or delete does not wait for a start): no loop to run.
    if (this.stopping) return;
    this.loop = this.run().catch((err: unknown) => {
      if (!this.stopping) this.o.onFailure(err);
    });
  }

  protected abstract run(): Promise<void>;
  protected abstract flush(): Promise<void>;

  /** flush(), timed for offset-commit-avg/max-time-ms. */
  protected async timedFlush(): Promise<void> {
    const at = performance.now();
    try {
      await this.flush();
      this.o.metrics?.committed(performance.now() - at, true);
    } catch (err) {
      this.o.metrics?.committed(performance.now() - at, false);
      throw err;
    }
  }

  /** Runs after the loop ended and before the final flush and the task's stop (a sink closes its partitions). */
  protected async beforeStop(): Promise<void> {}

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    try {
      await this.beforeStop();
    } catch (err) {
      this.o.log.warn('task did not close its partitions cleanly', { error: err });
    }
    try {
      await this.flush();
      await this.o.instance.invoke('stop');
    } catch (err) {
      this.o.log.warn('task did not stop cleanly', { error: err });
    }
  }
}

