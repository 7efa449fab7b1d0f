import kafkajs from 'kafkajs';
import type { IHeaders, Kafka, Message, PartitionMetadata, Producer } from 'kafkajs';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicAdmin } from './admin.ts';
import { toConveyorError } from './client.ts';

const { CompressionTypes, Partitioners } = kafkajs;

/** kafkajs ships gzip only; snappy, lz4 and zstd are registered from @platformatic/kafka's codecs (codecs.ts). */
export const SUPPORTED_COMPRESSION = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionCodec = (typeof SUPPORTED_COMPRESSION)[number];

export function parseCompression(value: string | undefined): CompressionCodec {
  const v = (value ?? 'none').trim().toLowerCase();
  if ((SUPPORTED_COMPRESSION as readonly string[]).includes(v)) return v as CompressionCodec;
  throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${value} for configuration compression.type: String must be one of: ${SUPPORTED_COMPRESSION.join(', ')}`);
}

const KAFKAJS_CODEC = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
} as const;

export interface ProducerRecord {
  topic: string;
  /** Unset: the Java client's default partitioner (murmur2 of the key; spread when there is no key). */
  partition?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
  /** Milliseconds since the epoch. */
  timestamp?: number;
}

/** What the broker acknowledged for one record. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface SourceProducerOptions {
  kafka: Kafka;
  admin: TopicAdmin;
  logger: Logger;
  compression?: CompressionCodec;
  /** Kafka Connect's producers are idempotent by default (acks=all); so is this one unless turned off. */
  idempotent?: boolean;
}

/** The source pipeline's producer: sends a batch, resolves one RecordMetadata per record in input order. */
export class SourceProducer {
  readonly #producer: Producer;
  readonly #admin: TopicAdmin;
  readonly #log: Logger;
  readonly #compression: CompressionCodec;
  readonly #partitioner = Partitioners.DefaultPartitioner();
  readonly #metadata = new Map<string, PartitionMetadata[]>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(producer: Producer, options: SourceProducerOptions) {
    this.#producer = producer;
    this.#admin = options.admin;
    this.#log = options.logger.child({ component: 'source-producer' });
    this.#compression = options.compression ?? 'none';
  }

  static async create(options: SourceProducerOptions): Promise<SourceProducer> {
    const idempotent = options.idempotent ?? true;
    const producer = options.kafka.producer({
      idempotent,
      // kafkajs keeps idempotent ordering only with one request in flight per broker.
      maxInFlightRequests: idempotent ? 1 : 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
    } catch (e) {
      throw toConveyorError(e, 'cannot connect the Kafka producer');
    }
    return new SourceProducer(producer, options);
  }

  /**
   * Sends the records; resolves when the broker acknowledged all of them (acks=all), rejects with a ConveyorError
   * (retriable when kafkajs says so) when any failed. Batches go out in call order.
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
    const partitions = await Promise.all(records.map((r) => this.#partitionOf(r)));
    const byTopic = new Map<string, Message[]>();
    const slot: { topic: string; partition: number; index: number }[] = [];
    const counters = new Map<string, number>();
    records.forEach((r, i) => {
      const partition = partitions[i] as number;
      const tp = `${r.topic}\u0000${partition}`;
      const index = counters.get(tp) ?? 0;
      counters.set(tp, index + 1);
      slot.push({ topic: r.topic, partition, index });
      const list = byTopic.get(r.topic) ?? [];
      list.push({
        key: r.key,
        value: r.value,
        partition,
        ...(r.headers === undefined ? {} : { headers: r.headers }),
        ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
      });
      byTopic.set(r.topic, list);
    });
    let acks;
    try {
      acks = await this.#producer.sendBatch({
        acks: -1,
        compression: KAFKAJS_CODEC[this.#compression],
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (e) {
      if (hasUnknownTopic(e)) for (const t of byTopic.keys()) this.#metadata.delete(t);
      throw toConveyorError(e, `cannot produce ${records.length} records`);
    }
    const base = new Map(acks.map((a) => [`${a.topicName}\u0000${a.partition}`, BigInt(a.baseOffset ?? '-1')]));
    return slot.map(({ topic, partition, index }) => {
      const b = base.get(`${topic}\u0000${partition}`);
      if (b === undefined || b < 0n) throw new ConveyorError(ErrorCode.internal, `no acknowledgement for ${topic}-${partition}`);
      return { topic, partition, offset: b + BigInt(index) };
    });
  }

  async #partitionOf(r: ProducerRecord): Promise<number> {
    if (r.partition !== undefined) return r.partition;
    let md = this.#metadata.get(r.topic);
    if (md === undefined) {
      md = await this.#admin.partitions(r.topic);
      if (md.length === 0) throw new ConveyorError(ErrorCode.unavailable, `topic ${r.topic} does not exist`, { retriable: true });
      this.#metadata.set(r.topic, md);
    }
    return this.#partitioner({ topic: r.topic, partitionMetadata: md, message: { key: r.key, value: r.value } });
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#producer.disconnect();
    this.#log.debug('producer closed');
  }
}

function hasUnknownTopic(e: unknown): boolean {
  const type = (e as { type?: unknown } | null)?.type;
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE';
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
