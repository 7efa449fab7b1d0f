/**
 * One sink task's path from Kafka (Kafka Connect's WorkerSinkTask): consumer group connect-<connector> → key,
 * value and header converters → transforms → SDK records served by fetch(). Consumed messages wait in a bounded
 * buffer (partitions are paused while it is full) and are converted as the task fetches them. Only offsets the
 * task reports durable through commit() are committed; a revoked partition's buffered messages are dropped and read
 * again by its next owner from the committed offset, so a rebalance loses nothing.
 */
import type { SinkRecord, TopicPartitionOffsets } from '../../sdk/records.ts';
import type { ConnectorConverters } from '../connect/converters/from-config.ts';
import type { TransformChain } from '../connect/transforms/chain.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { ErrorHandlingConfig } from '../errors/error-config.ts';
import type { ErrorReporter, OriginalRecord } from '../errors/reporters.ts';
import type { ErrorFigures } from '../metrics/task-metrics.ts';
import type { Clock } from '../errors/retry.ts';
import type { DurableOffset, SinkBatch, TopicPartition } from '../kafka/sink-records.ts';
import type { AssignmentChange, RecordSource } from './record-ports.ts';
import { errorHandling } from './processing.ts';
import type { ErrorHandling } from './processing.ts';
import { SinkConversion } from './sink-conversion.ts';
import { SinkBuffer, parseTpKey, tpKey } from './sink-buffer.ts';
import type { Buffered } from './sink-buffer.ts';
import type { ConsumerHandlers, PipelineState, PipelineStats, RecordConsumer } from './types.ts';

export interface SinkPipelineOptions {
  connector: string;
  taskId: number;
  connectorClass: string;
  converters: ConnectorConverters;
  chain: TransformChain;
  errors: ErrorHandlingConfig;
  /** Opens the consumer (group connect-<connector>) delivering to these handlers; the pipeline closes it. */
  openConsumer(handlers: ConsumerHandlers): Promise<RecordConsumer>;
  /** The dead-letter queue reporter, when errors.deadletterqueue.topic.name is set. */
  openDeadLetterQueue?: () => Promise<ErrorReporter>;
  /** Buffered messages above which partitions are paused (resumed at half). */
  maxBufferedRecords?: number;
  logger: Logger;
  /** Told each topic this pipeline consumed from (Kafka Connect's active topics). */
  onTopicUsed?: (topic: string) => void;
  clock?: Clock;
}

export const DEFAULT_MAX_BUFFERED_RECORDS = 2000;

export class SinkPipeline implements RecordSource {
  readonly stats: PipelineStats & { revokedDropped: number } = { records: 0, filtered: 0, failed: 0, revokedDropped: 0 };
  readonly #o: SinkPipelineOptions;
  readonly #log: Logger;
  readonly #max: number;
  readonly #buffer = new SinkBuffer();
  readonly #conversion: SinkConversion;
  readonly #assigned = new Map<string, TopicPartition>();
  readonly #position = new Map<string, number>();
  readonly #paused = new Map<string, TopicPartition>();
  #errors: ErrorHandling | undefined;
  #consumer: RecordConsumer | undefined;
  #state: PipelineState = 'CREATED';
  #failure: ConveyorError | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  /** Assignment changes the task has not heard of yet (its open/close), oldest first. */
  #changes: AssignmentChange[] = [];
  /** The task asked for a batch again (RetriableError): partitions stay paused whatever the buffer holds. */
  #held = false;
  /** Revocations so far, and per partition the count at its last one: a fetch drops what it took before them. */
  #revocations = 0;
  readonly #revokedAt = new Map<string, number>();

  constructor(options: SinkPipelineOptions) {
    this.#o = options;
    this.#conversion = new SinkConversion(options, this.stats);
    this.#log = options.logger.child({ [LogField.component]: 'sink-pipeline', [LogField.connector]: options.connector, [LogField.task]: options.taskId });
    this.#max = Math.max(1, options.maxBufferedRecords ?? DEFAULT_MAX_BUFFERED_RECORDS);
  }

  get state(): PipelineState {
    return this.#state;
  }

  get buffered(): number {
    return this.#buffer.size;
  }

  failuresByStage(): ReadonlyMap<string, number> {
    return this.#errors?.failures.byStage ?? new Map();
  }

  /** task-error-metrics (GET /metrics). */
  errorFigures(): ErrorFigures | undefined {
    return this.#errors?.figures(this.stats.failed);
  }

  #setState(state: PipelineState): void {
    if (state !== this.#state) this.#log.info('sink pipeline state', { from: this.#state, to: state });
    this.#state = state;
  }

  async start(): Promise<void> {
    if (this.#state !== 'CREATED') throw new ConveyorError(ErrorCode.internal, `sink pipeline cannot start from ${this.#state}`);
    this.#setState('STARTING');
    try {
      const dlq = this.#o.openDeadLetterQueue === undefined ? [] : [await this.#o.openDeadLetterQueue()];
      this.#errors = errorHandling(this.#o.errors, this.#log, dlq, this.#o.clock);
      this.#consumer = await this.#o.openConsumer({
        onBatch: (b) => this.#onBatch(b),
        onAssigned: (tps) => this.#onAssigned(tps),
        onRevoked: (tps) => this.#onRevoked(tps),
        onFailure: (e) => this.#fail(e),
      });
    } catch (e) {
      this.#setState('FAILED');
      throw e;
    }
    if (this.#failure === undefined) this.#setState('RUNNING');
    this.#applyBackpressure();
  }

  #onBatch(batch: SinkBatch): Promise<void> {
    if (this.#closed || this.#failure !== undefined) return Promise.resolve();
    if (!this.#assigned.has(tpKey(batch))) {
      this.#log.debug('ignoring a batch of a partition not assigned to this task', { topic: batch.topic, partition: batch.partition });
      return Promise.resolve();
    }
    this.#o.onTopicUsed?.(batch.topic);
    if (this.#buffer.push(batch) > 0) {
      this.#applyBackpressure();
      this.#notify();
    }
    return Promise.resolve();
  }

  #onAssigned(tps: TopicPartition[]): void {
    for (const tp of tps) this.#assigned.set(tpKey(tp), tp);
    this.#changes.push({ kind: 'assigned', partitions: tps.map((tp) => ({ topic: tp.topic, partition: tp.partition })) });
    if (this.#held) this.hold(true);
  }

  #onRevoked(tps: TopicPartition[]): void {
    const keys = new Set(tps.map(tpKey));
    this.#revocations++;
    for (const k of keys) {
      this.#assigned.delete(k);
      this.#position.delete(k);
      this.#revokedAt.set(k, this.#revocations);
    }
    this.#changes.push({ kind: 'revoked', partitions: tps.map((tp) => ({ topic: tp.topic, partition: tp.partition })) });
    const dropped = this.#buffer.drop(keys);
    this.stats.revokedDropped += dropped;
    // The consumer forgets (and resumes) the pause of a partition it lost; so does the pipeline.
    for (const k of keys) this.#paused.delete(k);
    this.#log.info('partitions revoked; their buffered records are left to the next owner', { partitions: keys.size, dropped });
  }

  #fail(e: ConveyorError): void {
    this.#failure ??= e;
    this.#setState('FAILED');
    this.#notify();
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** Pauses every assigned partition while the buffer is full; resumes them once it drained to half. */
  #applyBackpressure(): void {
    const consumer = this.#consumer;
    if (consumer === undefined) return;
    if (this.#buffer.size >= this.#max) {
      const more = [...this.#assigned].filter(([k]) => !this.#paused.has(k));
      if (more.length === 0) return;
      for (const [k, tp] of more) this.#paused.set(k, tp);
      consumer.pause(more.map(([, tp]) => tp));
      this.#log.debug('buffer full; paused partitions', { buffered: this.#buffer.size, paused: this.#paused.size });
    } else if (this.#paused.size > 0 && !this.#held && this.#buffer.size <= this.#max / 2) {
      const all = [...this.#paused.values()];
      this.#paused.clear();
      consumer.resume(all);
      this.#log.debug('buffer drained; resumed partitions', { buffered: this.#buffer.size, resumed: all.length });
    }
  }

  takeAssignmentChanges(): AssignmentChange[] {
    const out = this.#changes;
    this.#changes = [];
    return out;
  }

  owns(topic: string, partition: number): boolean {
    return this.#assigned.has(tpKey({ topic, partition }));
  }

  /** Pauses every assigned partition while the task's batch waits for redelivery; false lets backpressure decide again. */
  hold(on: boolean): void {
    this.#held = on;
    const consumer = this.#consumer;
    if (!on || consumer === undefined) {
      this.#applyBackpressure();
      return;
    }
    const more = [...this.#assigned].filter(([k]) => !this.#paused.has(k));
    for (const [k, tp] of more) this.#paused.set(k, tp);
    if (more.length > 0) consumer.pause(more.map(([, tp]) => tp));
  }

  /**
   * SinkTaskContext.offset: the partitions are read from these offsets next. What was buffered of them is dropped and
   * the consumer seeks (a rebalance of this member: the task sees its partitions closed and opened again).
   */
  async rewind(offsets: TopicPartitionOffsets): Promise<void> {
    const seek: DurableOffset[] = [];
    for (const [k, off] of Object.entries(offsets)) {
      const tp = parseTpKey(k);
      if (tp === undefined || !this.#assigned.has(k) || !Number.isSafeInteger(off) || off < 0) continue;
      seek.push({ ...tp, offset: BigInt(off) });
      this.#position.delete(k);
    }
    if (seek.length === 0) return;
    this.stats.revokedDropped += this.#buffer.drop(new Set(seek.map(tpKey)));
    if (this.#consumer?.seek === undefined) throw new ConveyorError(ErrorCode.internal, 'this consumer cannot seek');
    await this.#consumer.seek(seek);
  }

  /** Up to max records, waiting at most waitMs for the first; rejects once the pipeline failed. */
  async fetch(max: number, waitMs: number): Promise<SinkRecord[]> {
    const deadline = performance.now() + Math.max(0, waitMs);
    let out: SinkRecord[] = [];
    let from: string[] = [];
    const advanced = new Map<string, number>();
    let seen = this.#revocations;
    // Partitions revoked (and maybe assigned again) since `seen`: what was taken of them before is stale.
    const purge = (): void => {
      if (seen === this.#revocations) return;
      const since = seen;
      const stale = (k: string): boolean => (this.#revokedAt.get(k) ?? 0) > since;
      out = out.filter((_, i) => !stale(from[i]!));
      from = from.filter((k) => !stale(k));
      for (const k of [...advanced.keys()]) if (stale(k)) advanced.delete(k);
      seen = this.#revocations;
    };
    for (;;) {
      if (this.#failure !== undefined) throw this.#failure;
      purge();
      if (this.#o.chain.batched) {
        const before = this.#revocations;
        const taken = await this.#takeBatch(max - out.length);
        purge();
        for (const { b, record } of taken) {
          // A rebalance may have taken the partition while the batch was converted.
          if ((this.#revokedAt.get(b.key) ?? 0) > before || !this.#assigned.has(b.key)) continue;
          advanced.set(b.key, Number(b.message.offset) + 1);
          if (record !== null) {
            out.push(record);
            from.push(b.key);
          }
        }
      } else while (out.length < max && !this.#closed) {
        const b = this.#buffer.shift();
        if (b === undefined) break;
        let record = this.#conversion.fast(b);
        if (record === undefined) {
          const before = this.#revocations;
          record = await this.#process(b);
          purge();
          if ((this.#revokedAt.get(b.key) ?? 0) > before) continue;
        }
        // A rebalance may have taken the partition while the record was converted.
        if (!this.#assigned.has(b.key)) continue;
        advanced.set(b.key, Number(b.message.offset) + 1);
        if (record !== null) {
          out.push(record);
          from.push(b.key);
        }
      }
      this.#applyBackpressure();
      const left = deadline - performance.now();
      if (out.length > 0 || this.#closed || left <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
      });
      this.#wake = undefined;
    }
    for (const [k, p] of advanced) if (this.#assigned.has(k)) this.#position.set(k, p);
    this.stats.records += out.length;
    return out;
  }

  /** A chain with sandboxed stages: what is buffered (up to max) converted and transformed as one batch. */
  async #takeBatch(max: number): Promise<{ b: Buffered; record: SinkRecord | null }[]> {
    const items: Buffered[] = [];
    while (items.length < max && !this.#closed) {
      const b = this.#buffer.shift();
      if (b === undefined) break;
      items.push(b);
    }
    if (items.length === 0) return [];
    let records: (SinkRecord | null)[];
    try {
      records = await this.#conversion.batch(items, this.#requireErrors().operator);
    } catch (e) {
      const error = e instanceof ConveyorError ? e : new ConveyorError(ErrorCode.taskFailed, String(e), { cause: e });
      this.#fail(error);
      throw error;
    }
    return items.map((b, i) => ({ b, record: records[i] ?? null }));
  }

  /** The task's record, or null when a transform dropped it or a failure was tolerated; an unexpected throw fails the pipeline. */
  async #process(b: Buffered): Promise<SinkRecord | null> {
    try {
      return await this.#conversion.guarded(b, this.#requireErrors().operator);
    } catch (e) {
      const error = e instanceof ConveyorError ? e : new ConveyorError(ErrorCode.taskFailed, String(e), { cause: e });
      this.#fail(error);
      throw error;
    }
  }

  #requireErrors(): ErrorHandling {
    if (this.#errors === undefined) throw new ConveyorError(ErrorCode.unavailable, 'sink pipeline is not started', { retriable: true });
    return this.#errors;
  }

  /** Offsets after the last record handed out (or skipped), per assigned topic-partition. */
  position(): TopicPartitionOffsets {
    return Object.fromEntries(this.#position);
  }

  /**
   * A record the task reported as errant (ErrantRecordReporter): goes through this task's error handling at
   * TASK_PUT (log, dead-letter queue, counters); throws when errors.tolerance does not allow skipping it.
   */
  async reportErrant(record: OriginalRecord, error: Error): Promise<void> {
    const out = await this.#requireErrors().operator.execute('TASK_PUT', this.#o.connectorClass, () => Promise.reject(error), record);
    if (out.ok) throw new ConveyorError(ErrorCode.internal, 'errant record was not reported');
  }

  /**
   * Commits the offsets the task reported durable (preCommit), only for partitions this task still owns and never
   * past what it was handed. A failed commit is logged; the next commit covers it.
   */
  async commit(offsets: TopicPartitionOffsets): Promise<void> {
    const consumer = this.#consumer;
    if (consumer === undefined) return;
    const durable: DurableOffset[] = [];
    for (const [k, off] of Object.entries(offsets)) {
      const tp = parseTpKey(k);
      const handed = this.#position.get(k);
      if (tp === undefined || !this.#assigned.has(k) || handed === undefined || !Number.isSafeInteger(off) || off < 0) continue;
      durable.push({ ...tp, offset: BigInt(Math.min(off, handed)) });
    }
    if (durable.length === 0) return;
    consumer.markDurable(durable);
    try {
      await consumer.commit();
    } catch (e) {
      this.#log.warn('commit of durable offsets failed; the next commit retries', { error: e });
    }
  }

  /** Stops handing out records (wakes a waiting fetch); commit() still works until stop(). */
  close(): void {
    this.#closed = true;
    this.#notify();
  }

  /** Commits what was reported durable and leaves the group. Idempotent. */
  async stop(): Promise<void> {
    if (this.#state === 'STOPPED' || this.#state === 'STOPPING') return;
    const failed = this.#state === 'FAILED';
    this.close();
    this.#setState('STOPPING');
    const consumer = this.#consumer;
    this.#consumer = undefined;
    try {
      await consumer?.close();
    } finally {
      this.#o.chain.close();
      this.#setState(failed ? 'FAILED' : 'STOPPED');
      this.#log.info('sink pipeline stopped', { ...this.stats, failures: this.#errors?.failures.total ?? 0 });
    }
  }
}
