/**
 * Exactly-once source support (Kafka Connect's exactly.once.source.support=enabled, KIP-618): one transactional
 * producer per source task, whose transactional.id is derived from cluster, connector and task. Each batch of records
 * and the source offsets that batch reached commit in ONE Kafka transaction; read_committed consumers (and the
 * offset store) never see an aborted one.
 *
 * The producer is @platformatic/kafka's, which speaks the current transaction APIs, so the broker fences: when a newer
 * producer initialises the same transactional.id, this one's next send, commit or abort fails with
 * PRODUCER_FENCED or INVALID_PRODUCER_EPOCH, its open transaction is aborted by the broker, and the task fails with a
 * conflict. The producer id and epoch are initialised from -1/-1, as the Java client does: a task restarted under
 * the same transactional.id then takes over (bumping the epoch) instead of being refused as a zombie. The pipeline's
 * etcd ownership check before every commit stays as a second wall.
 */
import { findErrorBy, Producer } from '@platformatic/kafka';
import type { MessageToProduce } from '@platformatic/kafka';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicAdmin } from './admin.ts';
import { Partitioning } from './partitioning.ts';
import { endpointOf, toConveyorError } from './client.ts';
import type { KafkaClient } from './client.ts';
import { toMessage } from './messages.ts';
import type { ProducerRecord } from './producer.ts';

/** transaction.timeout.ms: how long a crashed task's open transaction can hold back read_committed readers. */
export const TRANSACTION_TIMEOUT_MS = 15_000;

/** A record written inside the transaction as is (the source offsets, keyed for the offsets topic). */
export interface RawRecord {
  topic: string;
  key: Buffer;
  value: Buffer | null;
}

export interface TransactionalProducerOptions {
  /** The cluster's client (made by createKafka): the producer connects where it does. */
  kafka: KafkaClient;
  transactionalId: string;
  admin: TopicAdmin;
  logger: Logger;
}

function isFenced(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return findErrorBy(e, 'apiId', 'PRODUCER_FENCED') !== null || findErrorBy(e, 'apiId', 'INVALID_PRODUCER_EPOCH') !== null;
}

export class TransactionalProducer {
  readonly transactionalId: string;
  readonly #producer: Producer;
  readonly #partitioning: Partitioning;
  readonly #log: Logger;
  #queue: Promise<unknown> = Promise.resolve();
  #fenced: ConveyorError | undefined;

  private constructor(producer: Producer, o: TransactionalProducerOptions) {
    this.#producer = producer;
    this.transactionalId = o.transactionalId;
    this.#partitioning = new Partitioning(o.admin);
    this.#log = o.logger.child({ component: 'transactional-producer', transactionalId: o.transactionalId });
  }

  /** Initialises the transactional id, which fences any older producer holding it. */
  static async create(o: TransactionalProducerOptions): Promise<TransactionalProducer> {
    const endpoint = endpointOf(o.kafka);
    const producer = new Producer({
      clientId: endpoint.clientId,
      bootstrapBrokers: [...endpoint.bootstrapServers],
      transactionalId: o.transactionalId,
      idempotent: true,
      autocreateTopics: false,
      // Also the transaction timeout the broker is told: a crashed worker's open transaction blocks
      // read_committed readers of its partitions until it expires.
      timeout: TRANSACTION_TIMEOUT_MS,
    });
    const self = new TransactionalProducer(producer, o);
    try {
      // Starting a transaction with no producer yet runs InitProducerId; -1/-1 asks for a new epoch of whatever
      // producer id the transactional.id has, which fences the previous holder. The transaction object is only
      // dropped locally: the broker knows of no transaction until a partition is added to one.
      const tx = await producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
      await tx.cancel();
    } catch (e) {
      await producer.close().catch(() => undefined);
      throw self.#error(e, `cannot initialise transactional.id ${o.transactionalId}`);
    }
    return self;
  }

  /** Writes the records and the extra records in one transaction; resolves once it committed. Batches run in call order. */
  commit(records: readonly ProducerRecord[], extra: readonly RawRecord[]): Promise<void> {
    const run = this.#queue.then(() => this.#commit(records, extra));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #commit(records: readonly ProducerRecord[], extra: readonly RawRecord[]): Promise<void> {
    if (this.#fenced !== undefined) throw this.#fenced;
    const messages: MessageToProduce[] = [];
    await this.#partitioning.prepare(new Set([...records.filter((r) => r.partition === undefined).map((r) => r.topic), ...extra.map((r) => r.topic)]));
    for (const r of records) messages.push(toMessage(r, this.#partitioning.partitionOf(r.topic, r.key, r.partition)));
    for (const r of extra) messages.push(toMessage(r, this.#partitioning.partitionOf(r.topic, r.key)));
    if (messages.length === 0) return;
    let tx;
    try {
      tx = await this.#producer.beginTransaction();
    } catch (e) {
      throw this.#error(e, 'cannot begin a transaction');
    }
    try {
      await tx.send({ messages });
      await tx.commit();
    } catch (e) {
      await tx.abort().catch((abortError: unknown) => {
        this.#log.warn('transaction abort failed', { error: abortError });
        return tx.cancel();
      }).catch(() => undefined);
      throw this.#error(e, `transaction of ${records.length} records aborted`);
    }
  }

  #error(e: unknown, what: string): ConveyorError {
    if (isFenced(e)) {
      // A fenced producer can never write again; the task fails and a restart initialises a new one.
      this.#fenced = new ConveyorError(ErrorCode.conflict, `fenced: another producer took transactional.id ${this.transactionalId} (${what})`, { cause: e, retriable: false });
      return this.#fenced;
    }
    return toConveyorError(e, what);
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#producer.close();
  }
}
