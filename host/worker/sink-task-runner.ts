/**
 * Drives one sandboxed sink task (Kafka Connect's WorkerSinkTask): batches come in from a RecordSource, one crossing
 * per put, and only what preCommit reports durable is committed. Assignment changes reach the task as open/close
 * before any record of an opened partition and after the last of a closed one; a put that throws a RetriableError
 * gets the same batch again after a backoff, with the partitions paused, instead of failing the task; the requests of
 * the task's context (requestCommit, offset, timeout) come back with each call's result.
 */
import type { SinkRecord, TopicPartition, TopicPartitionOffsets } from '../../sdk/records.ts';
import type { SinkCallResult, TaskRequests } from '../../sdk/runtime.ts';
import { parseErrorHandlingConfig } from '../errors/error-config.ts';
import type { RecordSource } from '../pipeline/record-ports.ts';
import { ahead, BaseRunner, sleep } from './base-runner.ts';
import type { RunnerOptions } from './base-runner.ts';

/** The first redelivery waits this long (Kafka Connect's errors.retry minimum), doubling up to errors.retry.delay.max.ms. */
export const REDELIVERY_MIN_DELAY_MS = 300;

/** Delay before redelivery `attempt` (0-based): the task's context.timeout when it set one, else exponential. */
export function redeliveryDelayMs(attempt: number, maxMs: number, taskTimeoutMs: unknown): number {
  // What the isolate sent is checked, not trusted: a duration in ms, at most a day.
  if (typeof taskTimeoutMs === 'number' && Number.isFinite(taskTimeoutMs) && taskTimeoutMs >= 0) return Math.min(taskTimeoutMs, 86_400_000);
  return Math.min(maxMs, REDELIVERY_MIN_DELAY_MS * 2 ** Math.min(attempt, 30));
}

type ConsumedRecord = SinkRecord & { originalTopic?: string; originalPartition?: number };

/** Where a record was consumed from ("topic/partition"), whatever transforms renamed. */
const consumedFrom = (r: ConsumedRecord): string => `${r.originalTopic ?? r.topic}/${r.originalPartition ?? r.partition}`;

export class SinkTaskRunner extends BaseRunner {
  private readonly source: RecordSource;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  /** The source's position after the last batch put() took: what preCommit may report durable. */
  private handed: TopicPartitionOffsets = {};
  /** Partitions the task has open ("topic/partition"), so a stop closes exactly these. */
  private readonly open = new Map<string, TopicPartition>();
  private commitRequested = false;
  /** The batch fetched ahead has arrived (it holds records taken before anything that happens from now on). */
  private aheadArrived = false;
  /**
   * Rewinds ("topic/partition" → offset) made after the batch fetched ahead arrived: its records at or past the offset
   * are read again from Kafka, so they are not put. (A fetch still running at a rewind gets only records read after it.)
   */
  private cutAhead = new Map<string, number>();
  /** Partitions were revoked since the batch in hand was checked: filter it by ownership. */
  private revoked = false;
  /** Partitions rewound while the batch in hand was delivered: its position for them is stale. */
  private readonly rewoundNow = new Set<string>();

  constructor(o: RunnerOptions, source: RecordSource, maxBatch = 500) {
    super(o);
    this.source = source;
    this.maxBatch = maxBatch;
    let maxDelayMs = 60_000;
    try {
      maxDelayMs = parseErrorHandlingConfig(o.config).retryDelayMaxMs;
    } catch {
      // The pipeline rejects an invalid errors.* config; the default stands here.
    }
    this.maxDelayMs = maxDelayMs;
  }

  /**
   * Fetches one batch ahead: the next batch is taken from the consumer and converted while the task puts this one.
   * Offsets offered to preCommit are the source's position right after the batch that was put, never past it, so a
   * prefetched batch that is dropped at stop was never committed and is read again (at-least-once).
   */
  protected async run(): Promise<void> {
    let lastCommit = performance.now();
    await this.apply(this.startRequests);
    await this.assignmentChanged();
    const prefetch = (): Promise<SinkRecord[]> => {
      this.aheadArrived = false;
      return ahead(this.source.fetch(this.maxBatch, 100).then((records) => {
        this.aheadArrived = true;
        return records;
      }));
    };
    let next = prefetch();
    try {
      while (!this.stopping) {
        let batch = await next;
        const position = this.source.position();
        const cut = this.cutAhead;
        this.cutAhead = new Map();
        for (const k of cut.keys()) delete position[k];
        next = this.stopping ? Promise.resolve([]) : prefetch();
        this.rewoundNow.clear();
        await this.assignmentChanged();
        batch = this.deliverable(batch, cut);
        if (batch.length > 0 && !(await this.deliver(batch))) break;
        for (const k of this.rewoundNow) delete position[k];
        this.handed = position;
        if (this.commitRequested || performance.now() - lastCommit >= (this.o.commitIntervalMs ?? 1000)) {
          this.commitRequested = false;
          await this.timedFlush();
          lastCommit = performance.now();
        }
      }
    } finally {
      await next.catch(() => undefined);
    }
  }

  /**
   * Puts one batch; on a RetriableError puts it again (less the records of partitions revoked or rewound meanwhile)
   * after a backoff, with the partitions paused, for as long as it takes (Kafka Connect's behaviour). False when the
   * runner stopped before the batch was taken.
   */
  private async deliver(first: SinkRecord[]): Promise<boolean> {
    let batch = first;
    for (let attempt = 0; ; attempt++) {
      await this.throttled(batch);
      const at = performance.now();
      const result = await this.o.instance.invoke<SinkCallResult>('put', batch);
      const rewound = await this.apply(result);
      if (result?.retry === undefined) {
        this.o.metrics?.batch(batch.length, performance.now() - at);
        this.records += batch.length;
        this.batches++;
        if (attempt > 0) this.source.hold?.(false);
        return true;
      }
      const delay = redeliveryDelayMs(attempt, this.maxDelayMs, result.timeoutMs);
      this.o.log.warn('put asked for the batch again (RetriableError); pausing the partitions before redelivering it', {
        attempt: attempt + 1, records: batch.length, delayMs: delay, error: String(result.retry.message).slice(0, 4096),
      });
      this.source.hold?.(true);
      if (!(await this.pause(delay))) return false;
      await this.assignmentChanged();
      batch = this.deliverable(batch, rewound);
      if (batch.length === 0) {
        this.source.hold?.(false);
        return true;
      }
    }
  }

  /** Waits out a redelivery backoff, still committing what earlier batches made durable; false once stopping. */
  private async pause(ms: number): Promise<boolean> {
    const until = performance.now() + ms;
    let lastCommit = performance.now();
    while (!this.stopping) {
      const left = until - performance.now();
      if (left <= 0) return true;
      await sleep(Math.min(left, 100));
      if (this.commitRequested || performance.now() - lastCommit >= (this.o.commitIntervalMs ?? 1000)) {
        this.commitRequested = false;
        await this.timedFlush();
        lastCommit = performance.now();
      }
    }
    return false;
  }

  /**
   * The records of a batch the task may still be given: not of a partition it lost (one lost and assigned again
   * keeps them: a duplicate, never a gap), not at or past an offset it rewound to. The plain case (nothing revoked
   * or rewound) costs no pass over the batch.
   */
  private deliverable(batch: ConsumedRecord[], cut: ReadonlyMap<string, number>): SinkRecord[] {
    if (!this.revoked && cut.size === 0) return batch;
    this.revoked = false;
    const owns = this.source.owns?.bind(this.source);
    return batch.filter((r) => {
      const from = consumedFrom(r);
      const at = cut.get(from);
      if (at !== undefined && r.offset >= at) return false;
      return owns === undefined || owns(from.slice(0, from.lastIndexOf('/')), r.originalPartition ?? r.partition);
    });
  }

  /** Hands the task the assignment changes since the last call: close for revoked partitions, open for new ones. */
  private async assignmentChanged(): Promise<void> {
    const changes = this.source.takeAssignmentChanges?.() ?? [];
    for (const change of changes) {
      const keys = change.partitions.map((tp) => `${tp.topic}/${tp.partition}`);
      if (change.kind === 'revoked') {
        const closing = change.partitions.filter((_, i) => this.open.has(keys[i]!));
        for (const k of keys) {
          this.open.delete(k);
          delete this.handed[k];
        }
        this.revoked = true;
        if (closing.length > 0 && this.hooks.close) await this.apply(await this.o.instance.invoke<SinkCallResult>('close', closing));
      } else {
        keys.forEach((k, i) => this.open.set(k, change.partitions[i]!));
        if (this.hooks.open) await this.apply(await this.o.instance.invoke<SinkCallResult>('open', change.partitions));
      }
    }
  }

  /**
   * Acts on what the task's context asked for: a commit soon, partitions read again from an offset. Returns the
   * rewinds it made ("topic/partition" → offset).
   */
  private async apply(requests: TaskRequests | null): Promise<ReadonlyMap<string, number>> {
    if (requests === null) return new Map();
    if (requests.commit === true) this.commitRequested = true;
    const rewinds = new Map(Object.entries(requests.offsets ?? {}));
    if (rewinds.size === 0) return rewinds;
    for (const [k, offset] of rewinds) {
      delete this.handed[k];
      this.rewoundNow.add(k);
      if (this.aheadArrived) this.cutAhead.set(k, Math.min(offset, this.cutAhead.get(k) ?? offset));
    }
    const offsets = Object.fromEntries(rewinds);
    this.o.log.info('the task rewound partitions', { offsets });
    if (this.source.rewind === undefined) {
      this.o.log.warn('this record source cannot rewind; the request is ignored', { offsets });
      return new Map();
    }
    await this.source.rewind(offsets);
    return rewinds;
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

  /** Closes every partition the task has open (Kafka Connect's closeAllPartitions) before the final commit and stop. */
  protected override async beforeStop(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    if (all.length > 0 && this.hooks.close) await this.apply(await this.o.instance.invoke<SinkCallResult>('close', all));
  }

  override async stop(): Promise<void> {
    this.stopping = true;
    this.source.close();
    await super.stop();
  }
}
