import { randomUUID } from 'node:crypto';
import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes } from '@platformatic/kafka';
import type { Message, MessagesStream } from '@platformatic/kafka';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { within } from '../core/within.ts';
import type { TopicAdmin } from './admin.ts';
import { endpointOf, toConveyorError } from './client.ts';
import type { KafkaClient } from './client.ts';

export interface LogRecord {
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface TopicLogOptions {
  kafka: KafkaClient;
  admin: TopicAdmin;
  topic: string;
  logger: Logger;
  onRecord: (record: LogRecord) => void;
  /** How long readToEnd may wait (default 30 s). */
  readTimeoutMs?: number;
}

const READ_COMMITTED = 1;
const CLOSE_TIMEOUT_MS = 10_000;
const REOPEN_MIN_DELAY_MS = 500;
const REOPEN_MAX_DELAY_MS = 10_000;

type LogStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/**
 * Follows a whole topic from its start, like Kafka Connect's KafkaBasedLog, read_committed. Each reader is the only
 * member of a throw-away group of its own (so it is assigned every partition) and never commits; an empty group
 * without offsets is removed by the broker. Positions advance with each record handed over and, once everything
 * fetched has been handed over, to the client's next fetch offset, which also steps over batches made only of
 * transaction markers: readToEnd cannot stall on a trailing control record.
 */
export class TopicLog {
  readonly #options: TopicLogOptions;
  readonly #log: Logger;
  readonly #positions = new Map<number, bigint>();
  #consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #stream: LogStream | undefined;
  /** Why the reader is down, while it reopens; cleared once a new reader runs. */
  #failure: ConveyorError | undefined;
  #stopped = false;
  #reopenTimer: NodeJS.Timeout | undefined;
  #waiters: (() => void)[] = [];

  constructor(options: TopicLogOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'topic-log', topic: options.topic });
  }

  async start(): Promise<void> {
    try {
      await this.#open();
    } catch (e) {
      await this.stop().catch(() => undefined);
      throw toConveyorError(e, `cannot read topic ${this.#options.topic}`);
    }
    await this.readToEnd();
  }

  /**
   * Opens a reader from the positions reached so far (from the start of partitions not read yet), so a reopened reader
   * hands over only records it has not handed over: the state built from the log never goes back in time.
   */
  async #open(): Promise<void> {
    const { topic } = this.#options;
    const endpoint = endpointOf(this.#options.kafka);
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      clientId: endpoint.clientId,
      bootstrapBrokers: [...endpoint.bootstrapServers],
      groupId: `conveyor-log-reader-${randomUUID()}`,
      autocommit: false,
      maxWaitTime: 250,
      isolationLevel: READ_COMMITTED,
    });
    this.#consumer = consumer;
    consumer.on('error', (e: unknown) => this.#log.warn('topic reader error; the client retries', { error: toConveyorError(e, 'topic reader error') }));
    const offsets = [...this.#positions].map(([partition, offset]) => ({ topic, partition, offset }));
    const stream: LogStream = await consumer.consume({
      topics: [topic],
      autocommit: false,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      ...(offsets.length === 0 ? { mode: MessagesStreamModes.EARLIEST } : { mode: MessagesStreamModes.MANUAL, offsets }),
    });
    this.#stream = stream;
    stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => {
      if (this.#stream !== stream) return;
      this.#options.onRecord({ partition: m.partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null });
      this.#advance(m.partition, m.offset + 1n);
    });
    // Emitted as a fetch response arrives, before its records are pushed: what earlier responses fetched has
    // been handed over once nothing waits in the stream.
    stream.on('fetch', () => {
      if (this.#stream !== stream || stream.readableLength > 0) return;
      const prefix = `${topic}:`;
      for (const [key, next] of stream.offsetsToFetch) {
        if (key.startsWith(prefix)) this.#advance(Number(key.slice(prefix.length)), next);
      }
    });
    stream.on('error', (e: unknown) => this.#failed(stream, e));
  }

  /** A reader that fails (fetches failing through a long broker outage) is replaced, never left failed for good. */
  #failed(stream: LogStream, e: unknown): void {
    if (this.#stream !== stream || this.#stopped) return;
    const cause = toConveyorError(e, `reading topic ${this.#options.topic} failed`);
    this.#failure = new ConveyorError(ErrorCode.unavailable, `${cause.message}; the reader is reopening`, { cause, retriable: true });
    this.#log.error('topic reader failed; reopening it from the positions read', { error: this.#failure });
    this.#wake();
    this.#scheduleReopen(REOPEN_MIN_DELAY_MS);
  }

  #scheduleReopen(delayMs: number): void {
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = setTimeout(() => {
      void this.#reopen(delayMs);
    }, delayMs);
  }

  async #reopen(delayMs: number): Promise<void> {
    if (this.#stopped) return;
    await this.#closeReader();
    if (this.#stopped) return;
    try {
      await this.#open();
    } catch (e) {
      await this.#closeReader();
      const next = Math.min(delayMs * 2, REOPEN_MAX_DELAY_MS);
      this.#log.warn('topic reader cannot reopen yet; retrying', { error: toConveyorError(e, 'reopen failed'), retryInMs: next });
      this.#scheduleReopen(next);
      return;
    }
    if (this.#stopped) {
      await this.#closeReader();
      return;
    }
    this.#failure = undefined;
    this.#log.info('topic reader reopened', { partitions: this.#positions.size });
    this.#wake();
  }

  #advance(partition: number, next: bigint): void {
    if ((this.#positions.get(partition) ?? 0n) >= next) return;
    this.#positions.set(partition, next);
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once every record written before the call has been passed to onRecord. */
  async readToEnd(): Promise<void> {
    if (this.#stopped || (this.#stream === undefined && this.#failure === undefined)) {
      throw new ConveyorError(ErrorCode.unavailable, 'topic log is not started', { retriable: true });
    }
    const ends = await this.#options.admin.endOffsets(this.#options.topic);
    const deadline = Date.now() + (this.#options.readTimeoutMs ?? 30_000);
    const behind = (): boolean => [...ends].some(([p, { high, low }]) => high > low && (this.#positions.get(p) ?? low) < high);
    while (behind()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        // While the reader reopens, the failure is the answer (retriable: the next call may find it running again).
        if (this.#failure !== undefined) throw this.#failure;
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
    this.#stopped = true;
    clearTimeout(this.#reopenTimer);
    this.#wake();
    await this.#closeReader();
    this.#log.debug('topic log stopped');
  }

  async #closeReader(): Promise<void> {
    const consumer = this.#consumer;
    const stream = this.#stream;
    this.#consumer = undefined;
    this.#stream = undefined;
    if (stream !== undefined) await within(stream.close(), CLOSE_TIMEOUT_MS).catch(() => stream.destroy());
    if (consumer !== undefined) await within(consumer.close(true), CLOSE_TIMEOUT_MS).catch((e: unknown) => this.#log.warn('topic reader did not close', { error: toConveyorError(e, 'close failed') }));
  }
}
