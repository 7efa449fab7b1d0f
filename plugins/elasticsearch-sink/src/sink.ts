/**
 * What the plugin's SinkTask delegates to: put() plans each record, makes sure its index exists, and queues it
 * on the BulkWriter; preCommit() flushes and returns the offsets Elasticsearch has acknowledged. Records that
 * cannot be converted are dropped (drop.invalid.message=true) or reported to `onInvalid`, which fails the task
 * unless it sends them to the dead-letter queue.
 */
import { RetriableError } from '@conveyor/sdk';
import type { TopicPartitionOffsets } from '@conveyor/sdk';
import type { EsSinkConfig } from './config.ts';
import { ignoresSchema } from './config.ts';
import { BulkWriter } from './bulk-writer.ts';
import { isRetriableRequestError } from './classify.ts';
import type { BulkClient, BulkWriterOptions, WriterClock } from './bulk-writer.ts';
import { isEsSinkError } from './errors.ts';
import { IndexManager } from './index-manager.ts';
import type { IndexAdmin } from './index-manager.ts';
import { IndexNameResolver } from './index-name.ts';
import { planRecord } from './operations.ts';
import type { EsSinkRecord } from './types.ts';

export interface ElasticsearchSinkOptions {
  readonly config: EsSinkConfig;
  readonly client: BulkClient & IndexAdmin;
  readonly clock: WriterClock;
  readonly onMalformed?: BulkWriterOptions['onMalformed'];
  readonly onOutcome?: BulkWriterOptions['onOutcome'];
  readonly onBulk?: BulkWriterOptions['onBulk'];
  /** A record that cannot become a document; throw to fail the task, return to skip it (after reporting it). */
  readonly onInvalid?: (record: EsSinkRecord, error: Error) => void | Promise<void>;
  /** Notes skipped records (ignored tombstones, dropped invalid messages). */
  readonly onSkip?: (record: EsSinkRecord, reason: string) => void;
  readonly random?: () => number;
}

export class ElasticsearchSink {
  readonly #o: ElasticsearchSinkOptions;
  readonly #names: IndexNameResolver;
  readonly #indices: IndexManager;
  readonly writer: BulkWriter;

  constructor(options: ElasticsearchSinkOptions) {
    const c = options.config;
    this.#o = options;
    this.#names = new IndexNameResolver(c);
    this.#indices = new IndexManager(options.client, {
      compactMapEntries: c.compactMapEntries,
      dataStream: c.dataStream !== null,
      maxRetries: c.maxRetries,
      retryBackoffMs: c.retryBackoffMs,
      clock: options.clock,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
    this.writer = new BulkWriter({
      client: options.client,
      clock: options.clock,
      batchSize: c.batchSize,
      bulkSizeBytes: c.bulkSizeBytes,
      maxInFlightRequests: c.maxInFlightRequests,
      maxBufferedRecords: c.maxBufferedRecords,
      lingerMs: c.lingerMs,
      flushTimeoutMs: c.flushTimeoutMs,
      maxRetries: c.maxRetries,
      retryBackoffMs: c.retryBackoffMs,
      behaviorOnMalformedDocuments: c.behaviorOnMalformedDocuments,
      ...(options.onMalformed === undefined ? {} : { onMalformed: options.onMalformed }),
      ...(options.onOutcome === undefined ? {} : { onOutcome: options.onOutcome }),
      ...(options.onBulk === undefined ? {} : { onBulk: options.onBulk }),
      ...(options.random === undefined ? {} : { random: options.random }),
    });
  }

  /** Creates the indices of the topics named in topic.to.external.resource.mapping (auto.create.indices.at.start). */
  async start(): Promise<void> {
    if (!this.#o.config.autoCreateIndicesAtStart) return;
    for (const index of new Set(this.#o.config.topicToIndex.values())) await this.#indices.ensure(index, null);
  }

  /**
   * Plans and queues the batch. Operations parked after a retriable failure go first; while they still fail, the
   * batch is not taken and a RetriableError asks the worker to deliver it again after a backoff. The batch's indices
   * are made sure of before anything of it is taken, one attempt per put (as parked operations: the worker's
   * redelivery backoff spaces the attempts, and put never outlasts the call deadline retrying): an index that cannot
   * be checked or created because Elasticsearch does not answer is a RetriableError too, so an outage never fails
   * the task and a redelivered batch is never taken twice.
   */
  async put(records: readonly EsSinkRecord[]): Promise<void> {
    const stillFailing = await this.writer.resendParked();
    if (stillFailing !== null) {
      throw new RetriableError(`${this.writer.parked} operations still wait for Elasticsearch: ${stillFailing.message}`, { cause: stillFailing });
    }
    const plans = records.map((record) => {
      try {
        return { record, plan: planRecord(record, this.#o.config, this.#names) };
      } catch (err) {
        if (!isEsSinkError(err)) throw err;
        return { record, invalid: err };
      }
    });
    for (const { record, plan } of plans) {
      if (plan === undefined || plan.kind === 'skip' || this.#indices.isReady(plan.operation.index)) continue;
      const schema = ignoresSchema(this.#o.config, record.topic) ? null : record.valueSchema;
      try {
        await this.#indices.ensure(plan.operation.index, plan.operation.action === 'delete' ? null : schema, 0);
      } catch (err) {
        if (!isRetriableRequestError(err)) throw err;
        throw new RetriableError(`index ${plan.operation.index} cannot be checked or created while Elasticsearch does not answer: ${(err as Error).message}`, { cause: err });
      }
    }
    for (const { record, plan, invalid } of plans) {
      if (plan === undefined) {
        await this.#invalid(record, invalid);
        continue;
      }
      if (plan.kind === 'skip') {
        this.#o.onSkip?.(record, plan.reason);
        this.writer.skip(record.topic, record.partition, record.offset);
        continue;
      }
      await this.writer.add({ topic: record.topic, partition: record.partition, offset: record.offset, operation: plan.operation });
    }
  }

  /**
   * The offsets Elasticsearch has acknowledged. Buffered records are sent on, but preCommit does not wait for them
   * (as Confluent's sink with flush.synchronously=false): an outage longer than the sandbox's call deadline then
   * only holds the committed offsets back, and the task keeps retrying instead of failing. Operations parked after
   * a retriable failure are sent once more first (one attempt per commit: offset.flush.interval.ms spaces them).
   */
  async preCommit(): Promise<TopicPartitionOffsets> {
    // Parked operations are tried again here too: no put comes while no new record arrives.
    if (this.writer.parked > 0) await this.writer.resendParked();
    if (this.#o.config.flushSynchronously) await this.writer.flush();
    else this.writer.dispatch();
    return this.writer.committableOffsets();
  }

  /**
   * Partitions the task lost (Confluent's closePartitions): operations already queued still go out (linger.ms sends
   * them), but the offsets of these partitions are no longer tracked or reported; their next owner reads them from
   * the group's committed offset.
   */
  close(partitions: readonly { topic: string; partition: number }[]): void {
    this.writer.forgetPartitions(partitions);
  }

  async stop(): Promise<void> {
    await this.writer.close();
  }

  async #invalid(record: EsSinkRecord, err: Error): Promise<void> {
    if (this.#o.config.dropInvalidMessage) {
      this.#o.onSkip?.(record, `dropped invalid message (drop.invalid.message=true): ${err.message}`);
    } else if (this.#o.onInvalid !== undefined) {
      await this.#o.onInvalid(record, err);
    } else {
      throw err;
    }
    this.writer.skip(record.topic, record.partition, record.offset);
  }
}
