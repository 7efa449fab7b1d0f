import { findErrorBy, ProduceAcks, Producer } from '@platformatic/kafka';
import type { MessageToProduce } from '@platformatic/kafka';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicAdmin } from './admin.ts';
import { endpointOf } from './client.ts';
import type { KafkaClient } from './client.ts';
import { toMessage } from './messages.ts';
import type { OutgoingRecord } from './messages.ts';
import { Partitioning } from './partitioning.ts';

/** Attempts of one send, a second apart, before it fails (the broker away for good, say). */
const SEND_RETRIES = 30;

/** Kafka's codecs (compression.type). */
export const SUPPORTED_COMPRESSION = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionCodec = (typeof SUPPORTED_COMPRESSION)[number];

export function parseCompression(value: string | undefined): CompressionCodec {
  const v = (value ?? 'none').trim().toLowerCase();
  if ((SUPPORTED_COMPRESSION as readonly string[]).includes(v)) return v as CompressionCodec;
  throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${value} for configuration compression.type: String must be one of: ${SUPPORTED_COMPRESSION.join(', ')}`);
}

export interface ProducerRecord extends OutgoingRecord {
  /** Unset: the Java client's default partitioner (murmur2 of the key; spread when there is no key). */
  partition?: number;
}

/** What the broker acknowledged for one record. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface SourceProducerOptions {
  kafka: KafkaClient;
  admin: TopicAdmin;
  logger: Logger;
  compression?: CompressionCodec;
  /** Kafka Connect's producers are idempotent by default (acks=all); so is this one unless turned off. */
  idempotent?: boolean;
}

/**
 * The source pipeline's producer (also the offset store's and the dead letter queue's): @platformatic/kafka's, which
 * the bake-off (npm run bench -- kafka) measured at about three times kafkajs's produce rate. It sends a batch and
 * resolves one RecordMetadata per record in input order; records without a partition are placed as the Java client
 * places them (partitioning.ts). Idempotent with acks=all unless turned off, as Kafka Connect's producers are.
 */
export class SourceProducer {
  readonly #producer: Producer;
  readonly #partitioning: Partitioning;
  readonly #log: Logger;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(producer: Producer, options: SourceProducerOptions) {
    this.#producer = producer;
    this.#partitioning = new Partitioning(options.admin);
    this.#log = options.logger.child({ component: 'source-producer' });
  }

  static async create(options: SourceProducerOptions): Promise<SourceProducer> {
    const idempotent = options.idempotent ?? true;
    const endpoint = endpointOf(options.kafka);
    const producer = new Producer({
      clientId: endpoint.clientId,
      bootstrapBrokers: [...endpoint.bootstrapServers],
      idempotent,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      compression: options.compression ?? 'none',
      // Bounded, so a broker that stays away fails the send (and the task) instead of holding it forever;
      // together with the request timeout this is about Kafka Connect's delivery.timeout.ms.
      retries: SEND_RETRIES,
      retryDelay: 1000,
      timeout: 30_000,
    });
    try {
      if (idempotent) await producer.initIdempotentProducer({});
    } catch (e) {
      await producer.close().catch(() => undefined);
      throw pltError(e, 'cannot connect the Kafka producer');
    }
    return new SourceProducer(producer, options);
  }

  /**
   * Sends the records; resolves when the broker acknowledged all of them (acks=all), rejects with a ConveyorError
   * (retriable when the client says so) when any failed. Batches go out in call order.
   */
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const run = this.#queue.then(async () => {
      const out: RecordMetadata[] = [];
      for (const chunk of requestChunks(records)) out.push(...(await this.#send(chunk)));
      return out;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const messages: MessageToProduce[] = new Array<MessageToProduce>(records.length);
    const slot: { topic: string; partition: number; index: number }[] = new Array<{ topic: string; partition: number; index: number }>(records.length);
    const counters = new Map<string, number>();
    await this.#partitioning.prepare(new Set(records.filter((r) => r.partition === undefined).map((r) => r.topic)));
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as ProducerRecord;
      const partition = this.#partitioning.partitionOf(r.topic, r.key, r.partition);
      const tp = `${r.topic}\u0000${partition}`;
      const index = counters.get(tp) ?? 0;
      counters.set(tp, index + 1);
      slot[i] = { topic: r.topic, partition, index };
      messages[i] = toMessage(r, partition);
    }
    let result;
    try {
      result = await this.#producer.send({ messages });
    } catch (e) {
      if (e instanceof Error && (findErrorBy(e, 'apiId', 'UNKNOWN_TOPIC_OR_PARTITION') !== null || findErrorBy(e, 'apiId', 'LEADER_NOT_AVAILABLE') !== null)) {
        for (const t of new Set(records.map((r) => r.topic))) this.#partitioning.forget(t);
      }
      throw pltError(e, `cannot produce ${records.length} records`);
    }
    const base = new Map((result.offsets ?? []).map((a) => [`${a.topic}\u0000${a.partition}`, BigInt(a.offset)]));
    return slot.map(({ topic, partition, index }) => {
      const b = base.get(`${topic}\u0000${partition}`);
      if (b === undefined || b < 0n) throw new ConveyorError(ErrorCode.internal, `no acknowledgement for ${topic}-${partition}`);
      return { topic, partition, offset: b + BigInt(index) };
    });
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#producer.close();
    this.#log.debug('producer closed');
  }
}

/** Network errors and retriable broker errors are retriable; the cause is kept. */
function pltError(e: unknown, message: string): ConveyorError {
  const retriable = e instanceof Error && (findErrorBy(e, 'canRetry', true) !== null || findErrorBy(e, 'code', 'PLT_KFK_NETWORK') !== null || findErrorBy(e, 'code', 'PLT_KFK_TIMEOUT') !== null);
  const detail = e instanceof Error ? e.message : String(e);
  return new ConveyorError(ErrorCode.unavailable, `${message}: ${detail}`, { cause: e, retriable });
}

/**
 * One produce request carries one record batch per partition, and the broker refuses a batch over
 * message.max.bytes (1 MiB by default); records are sent in consecutive requests of at most this many bytes.
 */
export const MAX_REQUEST_BYTES = 768 * 1024;

function sizeOf(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Buffer.isBuffer(v)) return v.length;
  return 64;
}

export function requestChunks(records: readonly ProducerRecord[], maxBytes = MAX_REQUEST_BYTES): ProducerRecord[][] {
  const out: ProducerRecord[][] = [];
  let current: ProducerRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    let size = 70 + sizeOf(r.key) + sizeOf(r.value);
    for (const [k, v] of Object.entries(r.headers ?? {})) size += k.length + (Array.isArray(v) ? v.reduce((n: number, x) => n + sizeOf(x), 0) : sizeOf(v));
    if (current.length > 0 && bytes + size > maxBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
