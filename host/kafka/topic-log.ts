import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicAdmin } from './admin.ts';
import { toConveyorError } from './client.ts';

export interface LogRecord {
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface TopicLogOptions {
  kafka: Kafka;
  admin: TopicAdmin;
  topic: string;
  logger: Logger;
  onRecord: (record: LogRecord) => void;
  /** How long readToEnd may wait (default 30 s). */
  readTimeoutMs?: number;
}

/**
 * Follows a whole topic from its start, like Kafka Connect's KafkaBasedLog. kafkajs cannot assign partitions without
 * a group, so each reader joins a throw-away group of its own and never commits; an empty group without offsets is
 * removed by the broker. Positions come from kafkajs END_BATCH_PROCESS events, which also cover batches made only of
 * transaction markers, so readToEnd cannot stall on a trailing control record.
 */
export class TopicLog {
  readonly #options: TopicLogOptions;
  readonly #log: Logger;
  readonly #positions = new Map<number, bigint>();
  #consumer: Consumer | undefined;
  #waiters: (() => void)[] = [];

  constructor(options: TopicLogOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'topic-log', topic: options.topic });
  }

  async start(): Promise<void> {
    const groupId = `conveyor-log-reader-${randomUUID()}`;
    const consumer = this.#options.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
    this.#consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.topic !== this.#options.topic) return;
      this.#advance(e.payload.partition, BigInt(e.payload.lastOffset) + 1n);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.#options.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: ({ batch }) => {
          for (const m of batch.messages) {
            this.#options.onRecord({ partition: batch.partition, offset: BigInt(m.offset), key: m.key ?? null, value: m.value ?? null });
          }
          return Promise.resolve();
        },
      });
    } catch (e) {
      await consumer.disconnect().catch(() => undefined);
      this.#consumer = undefined;
      throw toConveyorError(e, `cannot read topic ${this.#options.topic}`);
    }
    await this.readToEnd();
  }

  #advance(partition: number, next: bigint): void {
    if ((this.#positions.get(partition) ?? 0n) < next) this.#positions.set(partition, next);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once every record written before the call has been passed to onRecord. */
  async readToEnd(): Promise<void> {
    if (this.#consumer === undefined) throw new ConveyorError(ErrorCode.unavailable, 'topic log is not started', { retriable: true });
    const ends = await this.#options.admin.endOffsets(this.#options.topic);
    const deadline = Date.now() + (this.#options.readTimeoutMs ?? 30_000);
    const behind = (): boolean => [...ends].some(([p, { high, low }]) => high > low && (this.#positions.get(p) ?? low) < high);
    while (behind()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ConveyorError(ErrorCode.timeout, `timed out reading topic ${this.#options.topic} to its end`, { retriable: true });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer !== undefined) await consumer.disconnect();
    this.#log.debug('topic log stopped');
  }
}
