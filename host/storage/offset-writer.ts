import type { Logger } from '../core/logger.ts';
import { canonicalKey } from './offset-format.ts';
import type { OffsetBackingStore, OffsetEntry, SourceOffset, SourcePartition } from './offset-store.ts';

/** A record handed to the producer; ack() once the broker acknowledged it (or the record was filtered out). */
export interface SubmittedRecord {
  ack(): void;
}

export interface IntervalScheduler {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realScheduler: IntervalScheduler = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

export interface OffsetWriterOptions {
  connector: string;
  store: OffsetBackingStore;
  logger: Logger;
  /** offset.flush.interval.ms (Kafka Connect default 60000). */
  flushIntervalMs?: number;
  scheduler?: IntervalScheduler;
  /** Checked before every write (distributed mode: does this worker still own the task?); a throw writes nothing. */
  beforeFlush?: () => Promise<void>;
}

interface Tracked {
  offset: SourceOffset;
  acked: boolean;
}

interface PartitionQueue {
  partition: SourcePartition;
  records: Tracked[];
}

/**
 * Kafka Connect's OffsetStorageWriter with SubmittedRecords semantics: a source offset becomes committable only when
 * its record and every earlier record of the same source partition were acknowledged, so a flush never records
 * progress past a record that could still be lost.
 */
export class OffsetWriter {
  readonly #connector: string;
  readonly #store: OffsetBackingStore;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #scheduler: IntervalScheduler;
  readonly #queues = new Map<string, PartitionQueue>();
  /** Committable offsets not yet handed to the store. */
  readonly #pending = new Map<string, OffsetEntry>();
  #flushing: Promise<boolean> | undefined;
  #timer: unknown;
  readonly #beforeFlush: (() => Promise<void>) | undefined;

  constructor(options: OffsetWriterOptions) {
    this.#connector = options.connector;
    this.#store = options.store;
    this.#log = options.logger.child({ component: 'offset-writer' });
    this.#intervalMs = options.flushIntervalMs ?? 60_000;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#beforeFlush = options.beforeFlush;
  }

  /** Tracks a record in send order; records without a source partition or offset need no tracking. */
  submit(partition: SourcePartition | null, offset: SourceOffset | null): SubmittedRecord {
    if (partition === null || offset === null) return { ack: () => undefined };
    const id = canonicalKey(this.#connector, partition);
    let queue = this.#queues.get(id);
    if (queue === undefined) {
      queue = { partition, records: [] };
      this.#queues.set(id, queue);
    }
    const tracked: Tracked = { offset, acked: false };
    queue.records.push(tracked);
    return {
      ack: () => {
        tracked.acked = true;
      },
    };
  }

  /** Records submitted but not yet acknowledged. */
  outstanding(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.records.filter((r) => !r.acked).length;
    return n;
  }

  /** Moves acknowledged prefixes into the pending snapshot. */
  #collect(): void {
    for (const [id, queue] of this.#queues) {
      let last: Tracked | undefined;
      let i = 0;
      while (i < queue.records.length && queue.records[i]?.acked === true) last = queue.records[i++];
      if (last === undefined) continue;
      queue.records.splice(0, i);
      this.#pending.set(id, { connector: this.#connector, partition: queue.partition, offset: last.offset });
      if (queue.records.length === 0) this.#queues.delete(id);
    }
  }

  /**
   * Writes every committable offset. Resolves true when something was written, false when there was nothing to do.
   * Concurrent calls share one flush. A failed flush keeps its offsets for the next attempt unless newer ones arrived.
   */
  flush(): Promise<boolean> {
    if (this.#flushing !== undefined) return this.#flushing.then(() => this.flush());
    this.#collect();
    if (this.#pending.size === 0) return Promise.resolve(false);
    const snapshot = new Map(this.#pending);
    this.#pending.clear();
    const check = this.#beforeFlush?.() ?? Promise.resolve();
    const run = check.then(() => this.#store.set([...snapshot.values()])).then(
      () => {
        this.#log.debug('flushed source offsets', { partitions: snapshot.size });
        return true;
      },
      (e: unknown) => {
        for (const [id, entry] of snapshot) if (!this.#pending.has(id)) this.#pending.set(id, entry);
        this.#log.error('failed to flush source offsets', { partitions: snapshot.size, error: e });
        throw e;
      },
    );
    this.#flushing = run.finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** Flushes every offset.flush.interval.ms. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#scheduler.setInterval(() => {
      this.flush().catch(() => undefined);
    }, this.#intervalMs);
  }

  /** Stops the timer and flushes what is committable (records acked by now). */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) this.#scheduler.clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
