import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { toConveyorError } from './client.ts';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface SinkMessage {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: number;
}

export interface SinkBatch extends TopicPartition {
  messages: SinkMessage[];
}

/** The offset to commit: the next one to read, as Kafka commits (last durable record's offset + 1). */
export interface DurableOffset extends TopicPartition {
  offset: bigint;
}

export type TopicSubscription = { topics: readonly string[] } | { topicsRegex: RegExp };

/** Kafka Connect sink keys: exactly one of `topics` (comma list) and `topics.regex`. */
export function parseSubscription(config: Readonly<Record<string, string>>): TopicSubscription {
  const topics = (config.topics ?? '').split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  const regex = (config['topics.regex'] ?? '').trim();
  if (topics.length > 0 && regex.length > 0) {
    throw new ConveyorError(ErrorCode.configInvalid, 'topics and topics.regex are mutually exclusive');
  }
  if (topics.length > 0) return { topics };
  if (regex.length === 0) throw new ConveyorError(ErrorCode.configInvalid, 'Must configure one of topics or topics.regex');
  try {
    return { topicsRegex: new RegExp(`^(?:${regex})$`) };
  } catch (e) {
    throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${regex} for configuration topics.regex`, { cause: e });
  }
}

export interface SinkConsumerOptions {
  kafka: Kafka;
  connector: string;
  logger: Logger;
  subscription: TopicSubscription;
  /** Called once per fetched partition batch; the next batch of that partition waits for it. */
  onBatch: (batch: SinkBatch) => Promise<void>;
  /** After a rebalance: partitions this member lost (their durable offsets were committed first) and gained. */
  onRevoked?: (partitions: TopicPartition[]) => void;
  onAssigned?: (partitions: TopicPartition[]) => void;
  /** The consumer stopped for good (kafkajs crashed without restarting). */
  onFailure?: (error: ConveyorError) => void;
  /**
   * Commit as soon as offsets are declared durable (default true), as Kafka Connect commits right after a
   * task's flush. When false the caller calls commit() itself.
   */
  commitOnDurable?: boolean;
  /** Checked before every commit (distributed mode: does this worker still own the task?); a throw commits nothing. */
  beforeCommit?: () => Promise<void>;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

/**
 * The sink pipeline's consumer, group `connect-<connector>`. Nothing is committed automatically: the caller declares
 * offsets durable (after the task flushed them) and the consumer commits those; before it gives partitions up in
 * a rebalance it commits whatever is still pending, so a new owner starts after them. kafkajs has no revoke
 * callback, so that last commit races the re-join; committing on every durable declaration keeps the window small.
 */
export class SinkConsumer {
  readonly groupId: string;
  readonly #consumer: Consumer;
  readonly #options: SinkConsumerOptions;
  readonly #log: Logger;
  readonly #durable = new Map<string, DurableOffset>();
  readonly #committed = new Map<string, bigint>();
  #assigned = new Map<string, TopicPartition>();
  #commitChain: Promise<void> = Promise.resolve();
  #removers: (() => void)[] = [];

  private constructor(consumer: Consumer, groupId: string, options: SinkConsumerOptions) {
    this.#consumer = consumer;
    this.groupId = groupId;
    this.#options = options;
    this.#log = options.logger.child({ component: 'sink-consumer', connector: options.connector });
  }

  static async create(options: SinkConsumerOptions): Promise<SinkConsumer> {
    const groupId = `connect-${options.connector}`;
    const consumer = options.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // The Java consumer's fetch.max.wait.ms; kafkajs defaults to 5 s, which also delays every disconnect.
      maxWaitTimeInMs: 500,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatInterval: options.heartbeatIntervalMs }),
    });
    const self = new SinkConsumer(consumer, groupId, options);
    self.#listen();
    try {
      await consumer.connect();
      const sub = options.subscription;
      // Kafka Connect sets auto.offset.reset=earliest for sink consumers.
      await consumer.subscribe({ topics: 'topics' in sub ? [...sub.topics] : [sub.topicsRegex], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          const messages: SinkMessage[] = batch.messages.map((m) => ({
            offset: BigInt(m.offset),
            key: m.key ?? null,
            value: m.value ?? null,
            headers: m.headers ?? {},
            timestamp: Number(m.timestamp),
          }));
          if (messages.length > 0) await options.onBatch({ topic: batch.topic, partition: batch.partition, messages });
        },
      });
    } catch (e) {
      self.#unlisten();
      await consumer.disconnect().catch(() => undefined);
      throw toConveyorError(e, `cannot start the consumer of group ${groupId}`);
    }
    return self;
  }

  #listen(): void {
    const { REBALANCING, GROUP_JOIN, CRASH } = this.#consumer.events;
    this.#removers = [
      // kafkajs has no revoke callback; REBALANCING fires before it re-joins, while the old generation can still commit.
      this.#consumer.on(REBALANCING, () => {
        this.#log.info('group is rebalancing; committing durable offsets');
        this.commit().catch((e: unknown) => this.#log.warn('commit before rebalance failed', { error: e }));
      }),
      this.#consumer.on(GROUP_JOIN, (event) => this.#onJoin(event.payload.memberAssignment)),
      this.#consumer.on(CRASH, (event) => {
        const error = toConveyorError(event.payload.error, `consumer of group ${this.groupId} crashed`);
        this.#log.error('consumer crashed', { error, restart: event.payload.restart });
        if (!event.payload.restart) this.#options.onFailure?.(error);
      }),
    ];
  }

  #unlisten(): void {
    for (const remove of this.#removers) remove();
    this.#removers = [];
  }

  #onJoin(assignment: Record<string, number[]>): void {
    const next = new Map<string, TopicPartition>();
    for (const [topic, partitions] of Object.entries(assignment)) for (const partition of partitions) next.set(key({ topic, partition }), { topic, partition });
    const revoked = [...this.#assigned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const added = [...next].filter(([k]) => !this.#assigned.has(k)).map(([, tp]) => tp);
    this.#assigned = next;
    // What a lost partition had durable was committed on REBALANCING; never commit it from here on.
    for (const tp of revoked) {
      this.#durable.delete(key(tp));
      this.#committed.delete(key(tp));
    }
    this.#log.info('partitions assigned', { assigned: [...next.keys()].length, revoked: revoked.length, added: added.length });
    if (revoked.length > 0) this.#options.onRevoked?.(revoked);
    if (added.length > 0) this.#options.onAssigned?.(added);
  }

  /** Currently assigned partitions. */
  assignment(): TopicPartition[] {
    return [...this.#assigned.values()];
  }

  /** Declares offsets durable (the task flushed everything before them); only these are ever committed. */
  markDurable(offsets: readonly DurableOffset[]): void {
    for (const o of offsets) {
      const k = key(o);
      const prev = this.#durable.get(k);
      if (prev === undefined || prev.offset < o.offset) this.#durable.set(k, { ...o });
    }
    if (this.#options.commitOnDurable !== false) {
      this.commit().catch((e: unknown) => this.#log.warn('commit of durable offsets failed; retried on the next one', { error: e }));
    }
  }

  /** Commits durable offsets not yet committed. Commits run one at a time, in order. */
  commit(): Promise<void> {
    const run = this.#commitChain.then(() => this.#commitNow());
    this.#commitChain = run.catch(() => undefined);
    return run;
  }

  async #commitNow(): Promise<void> {
    const todo = [...this.#durable.values()].filter((o) => (this.#committed.get(key(o)) ?? -1n) < o.offset);
    if (todo.length === 0) return;
    await this.#options.beforeCommit?.();
    try {
      await this.#consumer.commitOffsets(todo.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() })));
    } catch (e) {
      throw toConveyorError(e, `cannot commit offsets of group ${this.groupId}`);
    }
    for (const o of todo) this.#committed.set(key(o), o.offset);
    this.#log.debug('committed offsets', { partitions: todo.length });
  }

  /** Stops fetching these partitions (backpressure); fetched batches already delivered are unaffected. */
  pause(partitions: readonly TopicPartition[]): void {
    for (const [topic, ps] of groupByTopic(partitions)) this.#consumer.pause([{ topic, partitions: ps }]);
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const [topic, ps] of groupByTopic(partitions)) this.#consumer.resume([{ topic, partitions: ps }]);
  }

  paused(): TopicPartition[] {
    return this.#consumer.paused().flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
  }

  /** Commits what is durable, then leaves the group. */
  async close(): Promise<void> {
    try {
      await this.commit();
    } finally {
      this.#unlisten();
      await this.#consumer.disconnect();
      this.#log.info('consumer closed');
    }
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const tp of partitions) out.set(tp.topic, [...(out.get(tp.topic) ?? []), tp.partition]);
  return out;
}
