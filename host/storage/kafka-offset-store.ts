import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicAdmin } from '../kafka/admin.ts';
import type { KafkaClient } from '../kafka/client.ts';
import type { SourceProducer } from '../kafka/producer.ts';
import { TopicLog } from '../kafka/topic-log.ts';
import type { LogRecord } from '../kafka/topic-log.ts';
import { canonicalKey, decodeOffsetRecord, serializeOffsetKey, serializeOffsetValue } from './offset-format.ts';
import type { OffsetBackingStore, OffsetEntry, OffsetKey } from './offset-store.ts';

export interface KafkaOffsetStoreOptions {
  kafka: KafkaClient;
  admin: TopicAdmin;
  /** A producer with acks=all; the store does not own it. */
  producer: SourceProducer;
  logger: Logger;
  /** offset.storage.topic */
  topic: string;
  /** offset.storage.partitions (Kafka Connect default 25) */
  partitions?: number;
  /** offset.storage.replication.factor (Kafka Connect default 3; -1 for the broker default) */
  replicationFactor?: number;
  readTimeoutMs?: number;
}

/**
 * Distributed-mode source offsets in a compacted topic, in Kafka Connect's format, so offsets written by Kafka
 * Connect are read here and the other way round. The store reads the topic to its end on start and before each get,
 * so it sees what other workers wrote.
 */
export class KafkaOffsetBackingStore implements OffsetBackingStore {
  readonly #options: KafkaOffsetStoreOptions;
  readonly #log: Logger;
  readonly #data = new Map<string, OffsetEntry>();
  #reader: TopicLog | undefined;
  #writes = new Set<Promise<unknown>>();

  constructor(options: KafkaOffsetStoreOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'kafka-offset-store', topic: options.topic });
  }

  /** offset.storage.topic: exactly-once source tasks write their offsets here inside their own transactions. */
  get topic(): string {
    return this.#options.topic;
  }

  async start(): Promise<void> {
    const { admin, topic } = this.#options;
    await admin.ensureTopic({
      topic,
      partitions: this.#options.partitions ?? 25,
      replicationFactor: this.#options.replicationFactor ?? 3,
      configs: { 'cleanup.policy': 'compact' },
    });
    const policy = (await admin.topicConfig(topic, ['cleanup.policy']))['cleanup.policy'] ?? '';
    if (!policy.split(',').includes('compact')) {
      throw new ConveyorError(ErrorCode.configInvalid, `offset.storage.topic ${topic} must have cleanup.policy=compact, found ${policy}`);
    }
    this.#reader = new TopicLog({
      kafka: this.#options.kafka,
      admin,
      topic,
      logger: this.#options.logger,
      onRecord: (r) => this.#apply(r),
      ...(this.#options.readTimeoutMs === undefined ? {} : { readTimeoutMs: this.#options.readTimeoutMs }),
    });
    try {
      await this.#reader.start();
    } catch (e) {
      // A new topic's partitions may not have leaders yet: leave nothing behind, so start can be tried again.
      await this.#reader.stop().catch(() => undefined);
      this.#reader = undefined;
      throw e;
    }
    this.#log.info('offset store started', { partitions: this.#data.size });
  }

  #apply(r: LogRecord): void {
    const entry = decodeOffsetRecord(r.key, r.value);
    if (entry === undefined) {
      this.#log.warn('ignoring a record of unexpected shape in the offsets topic', { partition: r.partition, offset: r.offset });
      return;
    }
    const id = canonicalKey(entry.connector, entry.partition);
    if (entry.offset === null) this.#data.delete(id);
    else this.#data.set(id, entry);
  }

  async stop(): Promise<void> {
    await this.flush();
    await this.#reader?.stop();
    this.#reader = undefined;
  }

  async get(keys: readonly OffsetKey[]): Promise<OffsetEntry[]> {
    await this.#requireReader().readToEnd();
    return keys.map((k) => this.#data.get(canonicalKey(k.connector, k.partition))).filter((e): e is OffsetEntry => e !== undefined);
  }

  async getAll(connector: string): Promise<OffsetEntry[]> {
    await this.#requireReader().readToEnd();
    return [...this.#data.values()].filter((e) => e.connector === connector);
  }

  async set(entries: readonly OffsetEntry[]): Promise<void> {
    this.#requireReader();
    if (entries.length === 0) return;
    const write = this.#options.producer.send(
      entries.map((e) => ({ topic: this.#options.topic, key: serializeOffsetKey(e.connector, e.partition), value: serializeOffsetValue(e.offset) })),
    );
    this.#writes.add(write);
    try {
      await write;
    } finally {
      this.#writes.delete(write);
    }
    // Visible to get() at once; the reader applies the same records again when it reaches them.
    for (const e of entries) {
      const id = canonicalKey(e.connector, e.partition);
      if (e.offset === null) this.#data.delete(id);
      else this.#data.set(id, e);
    }
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.#writes]);
  }

  #requireReader(): TopicLog {
    if (this.#reader === undefined) throw new ConveyorError(ErrorCode.unavailable, 'offset store is not started', { retriable: true });
    return this.#reader;
  }
}
