/**
 * Drives one sandboxed task: source tasks poll batches out to a RecordSink and commit offsets; sink tasks get
 * batches in from a RecordSource and commit only what preCommit reports durable. One crossing per batch.
 */
import type { RawConfig } from '../../sdk/connector.ts';
import type { SinkRecord, SourceOffset, SourcePartition, SourceRecord, TopicPartitionOffsets } from '../../sdk/records.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TaskMetrics } from '../metrics/task-metrics.ts';
import type { SandboxInstance } from '../sandbox/sandbox-pool.ts';
import { approximateBytes } from '../tenants/throttle.ts';
import type { TenantThrottle } from '../tenants/throttle.ts';
import type { SourceOffsetStore } from './offset-store.ts';
import type { RecordSink, RecordSource } from '../pipeline/record-ports.ts';

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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A batch fetched one turn ahead may fail while the current one is handled: it is awaited on the next turn, so its
 * rejection is marked handled here rather than reported as unhandled meanwhile.
 */
function ahead<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

function checkSourceRecords(records: unknown): SourceRecord[] {
  if (!Array.isArray(records)) throw new ConveyorError(ErrorCode.taskFailed, 'poll() returned something other than an array');
  for (const [i, r] of (records as Partial<SourceRecord>[]).entries()) {
    if (typeof r?.topic !== 'string' || r.topic === '') throw new ConveyorError(ErrorCode.taskFailed, `poll() record ${i} has no topic`);
    if (typeof r.sourcePartition !== 'object' || r.sourcePartition === null) throw new ConveyorError(ErrorCode.taskFailed, `poll() record ${i} has no sourcePartition object`);
    if (typeof r.sourceOffset !== 'object' || r.sourceOffset === null) throw new ConveyorError(ErrorCode.taskFailed, `poll() record ${i} has no sourceOffset object`);
  }
  return records as SourceRecord[];
}

abstract class BaseRunner implements TaskRunner {
  records = 0;
  batches = 0;
  protected readonly o: RunnerOptions;
  protected stopping = false;
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
    await this.o.instance.invoke('start', { raw: this.o.config, connector: this.o.connector, taskId: this.o.taskId });
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

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    try {
      await this.flush();
      await this.o.instance.invoke('stop');
    } catch (err) {
      this.o.log.warn('task did not stop cleanly', { error: err });
    }
  }
}

export class SourceTaskRunner extends BaseRunner {
  private readonly sink: RecordSink;
  /** Null when the sink commits each record's offset itself once it is durable (the Kafka pipelines). */
  private readonly offsets: SourceOffsetStore | null;
  private readonly pending = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();
  /** Batches appended since the task's commit() was last called. */
  private appended = false;

  constructor(o: RunnerOptions, sink: RecordSink, offsets: SourceOffsetStore | null) {
    super(o);
    this.sink = sink;
    this.offsets = offsets;
  }

  /**
   * Polls one batch ahead: the next poll runs in the sandbox while this batch is checked and appended here.
   * A prefetched batch that is never appended is dropped uncommitted, so delivery stays at-least-once.
   */
  protected async run(): Promise<void> {
    let lastCommit = performance.now();
    const prefetch = (): Promise<unknown> => {
      const at = performance.now();
      return ahead(this.o.instance.invoke('poll').then((b) => {
        if (Array.isArray(b) && b.length > 0) this.o.metrics?.batch(b.length, performance.now() - at);
        return b;
      }));
    };
    let next: Promise<unknown> = prefetch();
    try {
      while (!this.stopping) {
        const batch = await next;
        next = this.stopping ? Promise.resolve([]) : prefetch();
        await this.handleBatch(checkSourceRecords(batch));
        if (performance.now() - lastCommit >= (this.o.commitIntervalMs ?? 1000)) {
          await this.timedFlush();
          lastCommit = performance.now();
        }
      }
    } finally {
      await next.catch(() => undefined);
    }
  }

  private async handleBatch(records: SourceRecord[]): Promise<void> {
    if (records.length === 0) {
      await sleep(5);
      return;
    }
    await this.throttled(records);
    await this.sink.append(records);
    if (this.offsets !== null) for (const r of records) this.pending.set(JSON.stringify(r.sourcePartition), { partition: r.sourcePartition, offset: r.sourceOffset });
    this.appended = true;
    this.records += records.length;
    this.batches++;
  }

  /** Writes the offsets reached (when this runner owns them) and calls the task's commit() after new batches. */
  protected async flush(): Promise<void> {
    if (!this.appended) return;
    this.appended = false;
    if (this.offsets !== null && this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending.clear();
      await this.offsets.commit(this.o.connector, batch);
    }
    await this.o.instance.invoke('commit');
  }
}

export class SinkTaskRunner extends BaseRunner {
  private readonly source: RecordSource;
  private readonly maxBatch: number;
  /** The source's position after the last batch put() took: what preCommit may report durable. */
  private handed: TopicPartitionOffsets = {};

  constructor(o: RunnerOptions, source: RecordSource, maxBatch = 500) {
    super(o);
    this.source = source;
    this.maxBatch = maxBatch;
  }

  /**
   * Fetches one batch ahead: the next batch is taken from the consumer and converted while the task puts this one.
   * Offsets offered to preCommit are the source's position right after the batch that was put, never past it, so a
   * prefetched batch that is dropped at stop was never committed and is read again (at-least-once).
   */
  protected async run(): Promise<void> {
    let lastCommit = performance.now();
    const prefetch = (): Promise<SinkRecord[]> => ahead(this.source.fetch(this.maxBatch, 100));
    let next = prefetch();
    try {
      while (!this.stopping) {
        const batch = await next;
        const position = this.source.position();
        next = this.stopping ? Promise.resolve([]) : prefetch();
        if (batch.length > 0) {
          await this.throttled(batch);
          const at = performance.now();
          await this.o.instance.invoke('put', batch);
          this.o.metrics?.batch(batch.length, performance.now() - at);
          this.records += batch.length;
          this.batches++;
        }
        this.handed = position;
        if (performance.now() - lastCommit >= (this.o.commitIntervalMs ?? 1000)) {
          await this.timedFlush();
          lastCommit = performance.now();
        }
      }
    } finally {
      await next.catch(() => undefined);
    }
  }

  protected async flush(): Promise<void> {
    const position = this.handed;
    const durable = await this.o.instance.invoke<TopicPartitionOffsets>('preCommit', position);
    const safe: TopicPartitionOffsets = {};
    for (const [tp, off] of Object.entries(durable ?? {})) {
      const max = position[tp];
      if (typeof off === 'number' && Number.isInteger(off) && max !== undefined && off >= 0 && off <= max) safe[tp] = off;
    }
    await this.source.commit(safe);
  }

  override async stop(): Promise<void> {
    this.stopping = true;
    this.source.close();
    await super.stop();
  }
}
