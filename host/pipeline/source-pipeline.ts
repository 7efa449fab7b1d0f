/**
 * One source task's path to Kafka (Kafka Connect's AbstractWorkerSourceTask.sendRecords): SDK record → Connect
 * record → transforms → key/value/header converters → producer. Every record's source offset is submitted in poll
 * order and acknowledged only once Kafka acknowledged the record (or a transform dropped it, or its failure was
 * tolerated), so the OffsetWriter never flushes progress past a record that could still be lost.
 */
import type { KafkaHeaders } from '../kafka/messages.ts';
import type { RecordMetadata, SourceRecord } from '../../sdk/records.ts';
import type { ConnectorConverters } from '../connect/converters/from-config.ts';
import type { SourceRecord as ConnectSourceRecord } from '../connect/record.ts';
import type { TransformChain } from '../connect/transforms/chain.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { ErrorHandlingConfig } from '../errors/error-config.ts';
import type { ErrorFigures } from '../metrics/task-metrics.ts';
import { retryWithBackoff } from '../errors/retry.ts';
import type { Clock } from '../errors/retry.ts';
import type { ProducerRecord } from '../kafka/producer.ts';
import type { TransactionalProducer } from '../kafka/transactional-producer.ts';
import { internalTopicError } from './internal-topics.ts';
import type { InternalTopicCheck } from './internal-topics.ts';
import { canonicalKey, serializeOffsetKey, serializeOffsetValue } from '../storage/offset-format.ts';
import type { SourceOffset, SourcePartition } from '../storage/offset-store.ts';
import type { OffsetWriter, SubmittedRecord } from '../storage/offset-writer.ts';
import type { RecordSink } from './record-ports.ts';
import { errorHandling, guarded, guardedAsync, transform, transformSync } from './processing.ts';
import type { ErrorHandling } from './processing.ts';
import { jsonTextRecord, sourceRecordToConnect } from './records.ts';
import { transformBatch } from './transform-batch.ts';
import type { SchemaSourceRecord } from './records.ts';
import type { PipelineState, PipelineStats, RecordProducer, TopicEnsurer } from './types.ts';

const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** The class named in error reports for the produce stage, as Kafka Connect names it. */
export const PRODUCER_CLASS = 'org.apache.kafka.clients.producer.KafkaProducer';

export interface SourcePipelineOptions {
  connector: string;
  taskId: number;
  /** connector.class, named in reports of records the task handed over malformed. */
  connectorClass: string;
  converters: ConnectorConverters;
  chain: TransformChain;
  errors: ErrorHandlingConfig;
  offsets: OffsetWriter;
  topics: TopicEnsurer;
  /** Opens the task's producer on start; the pipeline closes it on stop. */
  openProducer(): Promise<RecordProducer>;
  logger: Logger;
  /** Told each topic this pipeline wrote to (Kafka Connect's active topics). */
  onTopicUsed?: (topic: string) => void;
  clock?: Clock;
  /**
   * Exactly-once source: each batch's records and the source offsets it reached commit in one Kafka transaction
   * (the offsets in offsetsTopic); openProducer and the OffsetWriter's flushing are then not used.
   */
  transactions?: { open(): Promise<TransactionalProducer>; offsetsTopic: string; fence?: () => Promise<void> };
  /** Topics no record may reach (internal-topics.ts); such a record fails the task. */
  internalTopic?: InternalTopicCheck;
}

interface Outgoing {
  record: ProducerRecord;
  submitted: SubmittedRecord;
}

export class SourcePipeline implements RecordSink {
  readonly stats: PipelineStats = { records: 0, filtered: 0, failed: 0 };
  readonly #o: SourcePipelineOptions;
  readonly #log: Logger;
  readonly #errors: ErrorHandling;
  #state: PipelineState = 'CREATED';
  #producer: RecordProducer | undefined;
  #tx: TransactionalProducer | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  /** Topics topic.creation has seen to exist: later batches to them skip the check. */
  readonly #ensured = new Set<string>();

  constructor(options: SourcePipelineOptions) {
    this.#o = options;
    this.#log = options.logger.child({ [LogField.component]: 'source-pipeline', [LogField.connector]: options.connector, [LogField.task]: options.taskId });
    this.#errors = errorHandling(options.errors, this.#log, [], options.clock);
  }

  get state(): PipelineState {
    return this.#state;
  }

  /** Failures seen by stage (tolerated or not). */
  failuresByStage(): ReadonlyMap<string, number> {
    return this.#errors.failures.byStage;
  }

  /** task-error-metrics (GET /metrics). */
  errorFigures(): ErrorFigures {
    return this.#errors.figures(this.stats.failed);
  }

  #setState(state: PipelineState): void {
    if (state !== this.#state) this.#log.info('source pipeline state', { from: this.#state, to: state });
    this.#state = state;
  }

  async start(): Promise<void> {
    if (this.#state !== 'CREATED') throw new ConveyorError(ErrorCode.internal, `source pipeline cannot start from ${this.#state}`);
    this.#setState('STARTING');
    try {
      if (this.#o.transactions !== undefined) this.#tx = await this.#o.transactions.open();
      else this.#producer = await this.#o.openProducer();
    } catch (e) {
      this.#setState('FAILED');
      throw e;
    }
    if (this.#tx === undefined) this.#o.offsets.start();
    this.#setState('RUNNING');
  }

  /** Resolves once every record of the batch was acknowledged by Kafka (or dropped/tolerated); batches run in call order. */
  append(records: readonly SourceRecord[]): Promise<(RecordMetadata | null)[]> {
    const run = this.#tail.then(() => this.#append(records));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Where each record was written (null: dropped by a transform, tolerated send failure, or a transaction). */
  async #append(records: readonly SchemaSourceRecord[]): Promise<(RecordMetadata | null)[]> {
    const written: (RecordMetadata | null)[] = new Array<RecordMetadata | null>(records.length).fill(null);
    if (this.#tx !== undefined) {
      await this.#appendTransaction(this.#tx, records);
      return written;
    }
    const producer = this.#producer;
    if (this.#state !== 'RUNNING' || producer === undefined) {
      throw new ConveyorError(ErrorCode.unavailable, `source pipeline of ${this.#o.connector}-${this.#o.taskId} is ${this.#state}`, { retriable: true });
    }
    const out: Outgoing[] = [];
    const at: number[] = [];
    try {
      const prepared = this.#o.chain.batched ? await this.#prepareBatch(records) : null;
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        const submitted = this.#o.offsets.submit(r.sourcePartition, r.sourceOffset);
        let record = prepared === null ? this.#prepareFast(r) : prepared[i];
        if (record === undefined) record = await this.#prepare(r);
        if (record === null) submitted.ack();
        else {
          out.push({ record, submitted });
          at.push(i);
        }
      }
      if (out.length === 0) return written;
      const topics = new Set(out.map((x) => x.record.topic));
      for (const topic of topics) await this.#ensureTopic(topic);
      const sent = await guardedAsync(this.#errors.operator, 'KAFKA_PRODUCE', PRODUCER_CLASS, () => producer.send(out.map((x) => x.record)));
      if (sent.ok) {
        for (let j = 0; j < sent.value.length; j++) {
          const m = sent.value[j]!;
          written[at[j]!] = { topic: m.topic, partition: m.partition, offset: m.offset > MAX_SAFE_OFFSET ? m.offset.toString() : Number(m.offset) };
        }
        this.stats.records += out.length;
        if (this.#o.onTopicUsed !== undefined) for (const topic of topics) this.#o.onTopicUsed(topic);
      } else this.stats.failed += out.length;
      // Kafka Connect with errors.tolerance=all acknowledges records whose send failed, so offsets move past them.
      for (const x of out) x.submitted.ack();
      return written;
    } catch (e) {
      this.#setState('FAILED');
      throw e;
    }
  }

  /** Exactly-once: the batch's records and the last source offset of each source partition, in one transaction. */
  async #appendTransaction(tx: TransactionalProducer, records: readonly SchemaSourceRecord[]): Promise<void> {
    const t = this.#o.transactions;
    if (this.#state !== 'RUNNING' || t === undefined) {
      throw new ConveyorError(ErrorCode.unavailable, `source pipeline of ${this.#o.connector}-${this.#o.taskId} is ${this.#state}`, { retriable: true });
    }
    try {
      const out: ProducerRecord[] = [];
      const reached = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();
      const prepared = this.#o.chain.batched ? await this.#prepareBatch(records) : null;
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        if (r.sourcePartition !== null && r.sourcePartition !== undefined && r.sourceOffset !== null && r.sourceOffset !== undefined) {
          reached.set(canonicalKey(this.#o.connector, r.sourcePartition), { partition: r.sourcePartition, offset: r.sourceOffset });
        }
        let record = prepared === null ? this.#prepareFast(r) : prepared[i];
        if (record === undefined) record = await this.#prepare(r);
        if (record !== null) out.push(record);
      }
      if (out.length === 0 && reached.size === 0) return;
      const topics = new Set(out.map((x) => x.topic));
      for (const topic of topics) await this.#ensureTopic(topic);
      await t.fence?.();
      const offsets = [...reached.values()].map((e) => ({ topic: t.offsetsTopic, key: serializeOffsetKey(this.#o.connector, e.partition), value: serializeOffsetValue(e.offset) }));
      await tx.commit(out, offsets);
      this.stats.records += out.length;
      if (this.#o.onTopicUsed !== undefined) for (const topic of topics) this.#o.onTopicUsed(topic);
    } catch (e) {
      this.#setState('FAILED');
      throw e;
    }
  }

  /**
   * The happy path, synchronously: the producer record, null when a transform dropped it, or undefined when a stage
   * threw — then #prepare runs the record again with error handling (conversion and transforms are pure).
   */
  #prepareFast(r: SchemaSourceRecord): ProducerRecord | null | undefined {
    const { converters } = this.#o;
    try {
      if (r.format === 'json-text') return jsonTextRecord(r);
      const rec = transformSync(this.#o.chain, sourceRecordToConnect(r));
      if (rec === null) {
        this.stats.filtered++;
        return null;
      }
      return this.#producerRecord(rec, this.#headers(rec), converters.key.fromConnectData(rec.topic, rec.keySchema, rec.key), converters.value.fromConnectData(rec.topic, rec.valueSchema, rec.value));
    } catch {
      return undefined;
    }
  }

  #producerRecord(rec: ConnectSourceRecord, headers: KafkaHeaders, key: Buffer | null, value: Buffer | null): ProducerRecord {
    return {
      topic: rec.topic,
      key,
      value,
      headers,
      ...(rec.kafkaPartition === null ? {} : { partition: rec.kafkaPartition }),
      ...(rec.timestamp === null ? {} : { timestamp: rec.timestamp }),
    };
  }

  /** The producer record, or null when a transform dropped the record or a tolerated stage failed. */
  async #prepare(r: SchemaSourceRecord): Promise<ProducerRecord | null> {
    if (r.format === 'json-text') return jsonTextRecord(r);
    const op = this.#errors.operator;
    const connect = await guarded(op, 'TASK_POLL', this.#o.connectorClass, () => sourceRecordToConnect(r));
    if (!connect.ok) return this.#failed();
    const t = await transform(this.#o.chain, op, connect.value);
    if (!t.ok) return this.#failed();
    const rec: ConnectSourceRecord | null = t.value;
    if (rec === null) {
      this.stats.filtered++;
      return null;
    }
    return this.#convert(rec);
  }

  /**
   * A chain with sandboxed stages: the batch as Connect records, through the chain with one crossing per sandboxed
   * stage (transform-batch.ts), then each record converted; a slot is null when the record was dropped or tolerated.
   */
  async #prepareBatch(records: readonly SchemaSourceRecord[]): Promise<(ProducerRecord | null)[]> {
    const op = this.#errors.operator;
    const out = new Array<ProducerRecord | null>(records.length).fill(null);
    const connect = new Array<ConnectSourceRecord | null>(records.length).fill(null);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r.format === 'json-text') {
        out[i] = jsonTextRecord(r);
        continue;
      }
      try {
        connect[i] = sourceRecordToConnect(r);
      } catch {
        const c = await guarded(op, 'TASK_POLL', this.#o.connectorClass, () => sourceRecordToConnect(r));
        connect[i] = c.ok ? c.value : this.#failed();
      }
    }
    const done = await transformBatch(this.#o.chain, op, connect);
    for (let i = 0; i < records.length; i++) {
      if (connect[i] === null) continue;
      const t = done[i]!;
      if (!t.ok) this.#failed();
      else if (t.value === null) this.stats.filtered++;
      else out[i] = await this.#convert(t.value);
    }
    return out;
  }

  /** A transformed record through the header, key and value converters: synchronously, or guarded when one throws. */
  async #convert(rec: ConnectSourceRecord): Promise<ProducerRecord | null> {
    const { converters } = this.#o;
    try {
      return this.#producerRecord(rec, this.#headers(rec), converters.key.fromConnectData(rec.topic, rec.keySchema, rec.key), converters.value.fromConnectData(rec.topic, rec.valueSchema, rec.value));
    } catch {
      return this.#convertGuarded(rec);
    }
  }

  async #convertGuarded(rec: ConnectSourceRecord): Promise<ProducerRecord | null> {
    const op = this.#errors.operator;
    const { converters } = this.#o;
    const headers = await guarded(op, 'HEADER_CONVERTER', converters.classes.header, () => this.#headers(rec));
    if (!headers.ok) return this.#failed();
    const key = await guarded(op, 'KEY_CONVERTER', converters.classes.key, () => converters.key.fromConnectData(rec.topic, rec.keySchema, rec.key));
    if (!key.ok) return this.#failed();
    const value = await guarded(op, 'VALUE_CONVERTER', converters.classes.value, () => converters.value.fromConnectData(rec.topic, rec.valueSchema, rec.value));
    if (!value.ok) return this.#failed();
    return this.#producerRecord(rec, headers.value, key.value, value.value);
  }

  #failed(): null {
    this.stats.failed++;
    return null;
  }

  #headers(rec: ConnectSourceRecord): KafkaHeaders {
    const out: Record<string, Buffer[]> = {};
    for (const h of rec.headers) {
      const bytes = this.#o.converters.header.fromConnectHeader(rec.topic, h.key, h.schema, h.value);
      (out[h.key] ??= []).push(bytes ?? Buffer.alloc(0));
    }
    const headers: KafkaHeaders = {};
    for (const [k, list] of Object.entries(out)) headers[k] = list.length === 1 ? list[0] : list;
    return headers;
  }

  /** topic.creation.* before the first send to a topic; retriable admin errors are retried per errors.retry.*. */
  async #ensureTopic(topic: string): Promise<void> {
    if (this.#ensured.has(topic)) return;
    const internal = this.#o.internalTopic?.(topic);
    if (internal !== undefined) throw internalTopicError(this.#o.connector, topic, internal);
    const { retryTimeoutMs, retryDelayMaxMs } = this.#o.errors;
    try {
      await retryWithBackoff(() => this.#o.topics.ensure(topic), { timeoutMs: retryTimeoutMs, maxDelayMs: retryDelayMaxMs, ...(this.#o.clock === undefined ? {} : { clock: this.#o.clock }) });
      this.#ensured.add(topic);
    } catch (e) {
      throw new ConveyorError(ErrorCode.taskFailed, `cannot create topic ${topic} for connector ${this.#o.connector}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  /** Waits for the batch in flight, flushes committable offsets, closes the producer. Idempotent. */
  async stop(): Promise<void> {
    if (this.#state === 'STOPPED' || this.#state === 'STOPPING') return;
    const failed = this.#state === 'FAILED';
    this.#setState('STOPPING');
    await this.#tail;
    let error: Error | undefined;
    try {
      if (this.#tx === undefined) await this.#o.offsets.stop();
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
      this.#log.error('final flush of source offsets failed', { error: e });
    }
    await this.#producer?.close().catch((e: unknown) => this.#log.warn('producer did not close cleanly', { error: e }));
    await this.#tx?.close().catch((e: unknown) => this.#log.warn('transactional producer did not close cleanly', { error: e }));
    this.#producer = undefined;
    this.#tx = undefined;
    this.#o.chain.close();
    this.#setState(failed ? 'FAILED' : 'STOPPED');
    if (error !== undefined) throw error;
  }
}
