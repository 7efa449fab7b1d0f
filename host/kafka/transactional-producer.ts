/**
 * Exactly-once source support (Kafka Connect's exactly.once.source.support=enabled, KIP-618): one transactional
 * producer per source task, whose transactional.id is derived from cluster, connector and task. Each batch of records
 * and the source offsets that batch reached commit in ONE Kafka transaction; read_committed consumers (and the
 * offset store) never see an aborted one. Should the broker report this producer fenced (a newer one with the same
 * transactional.id), the transaction aborts and the task fails. Measured: kafkajs 2.2.4 against Kafka 4.1 is NOT
 * fenced by a newer producer's initialisation, so the pipeline also checks task ownership (etcd) before every commit.
 */
import kafkajs from 'kafkajs';
import type { Kafka, Message, Producer } from 'kafkajs';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { toConveyorError } from './client.ts';
import type { ProducerRecord } from './producer.ts';

const { Partitioners } = kafkajs;

/** transaction.timeout.ms: how long a crashed task's open transaction can hold back read_committed readers. */
export const TRANSACTION_TIMEOUT_MS = 15_000;

/** A record written inside the transaction as is (the source offsets, keyed for the offsets topic). */
export interface RawRecord {
  topic: string;
  key: Buffer;
  value: Buffer | null;
}

const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'INVALID_TXN_STATE']);

function isFenced(e: unknown): boolean {
  for (let c: unknown = e; c !== undefined && c !== null; c = (c as { cause?: unknown }).cause) {
    const type = (c as { type?: unknown }).type;
    if (typeof type === 'string' && FENCED.has(type)) return true;
  }
  return false;
}

export class TransactionalProducer {
  readonly transactionalId: string;
  readonly #producer: Producer;
  readonly #log: Logger;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(producer: Producer, transactionalId: string, log: Logger) {
    this.#producer = producer;
    this.transactionalId = transactionalId;
    this.#log = log;
  }

  /** Connects and initialises the transactional id, which fences any older producer holding it. */
  static async create(options: { kafka: Kafka; transactionalId: string; logger: Logger }): Promise<TransactionalProducer> {
    const producer = options.kafka.producer({
      transactionalId: options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      // A crashed worker's open transaction blocks read_committed readers of its partitions until it times out.
      transactionTimeout: TRANSACTION_TIMEOUT_MS,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
    } catch (e) {
      throw toConveyorError(e, `cannot connect the transactional producer ${options.transactionalId}`);
    }
    return new TransactionalProducer(producer, options.transactionalId, options.logger.child({ component: 'transactional-producer', transactionalId: options.transactionalId }));
  }

  /** Writes the records and the extra records in one transaction; resolves once it committed. Batches run in call order. */
  commit(records: readonly ProducerRecord[], extra: readonly RawRecord[]): Promise<void> {
    const run = this.#queue.then(() => this.#commit(records, extra));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #commit(records: readonly ProducerRecord[], extra: readonly RawRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const add = (topic: string, m: Message): void => {
      const list = byTopic.get(topic) ?? [];
      list.push(m);
      byTopic.set(topic, list);
    };
    for (const r of records) {
      add(r.topic, {
        key: r.key,
        value: r.value,
        ...(r.partition === undefined ? {} : { partition: r.partition }),
        ...(r.headers === undefined ? {} : { headers: r.headers }),
        ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
      });
    }
    for (const r of extra) add(r.topic, { key: r.key, value: r.value });
    let tx;
    try {
      tx = await this.#producer.transaction();
    } catch (e) {
      throw this.#error(e, 'cannot begin a transaction');
    }
    try {
      await tx.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      await tx.commit();
    } catch (e) {
      await tx.abort().catch((abortError: unknown) => this.#log.warn('transaction abort failed', { error: abortError }));
      throw this.#error(e, `transaction of ${records.length} records aborted`);
    }
  }

  #error(e: unknown, what: string): ConveyorError {
    if (isFenced(e)) {
      return new ConveyorError(ErrorCode.conflict, `fenced: another worker owns transactional.id ${this.transactionalId} (${what})`, { cause: e, retriable: false });
    }
    return toConveyorError(e, what);
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#producer.disconnect();
  }
}
