import type { Consumer, Kafka } from 'kafkajs';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { toConveyorError } from './client.ts';
import { describeStall, ProgressGuard, stallBoundMs } from './progress-guard.ts';
import type { Stall } from './progress-guard.ts';
import type { DurableOffset, SinkBatch, SinkMessage, TopicPartition, TopicSubscription } from './sink-records.ts';

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
  /** The consumer stopped for good (kafkajs crashed without restarting, or a stall outlived every recovery). */
  onFailure?: (error: ConveyorError) => void;
  /**
   * Commit as soon as offsets are declared durable (default true), as Kafka Connect commits right after a
   * task's flush. When false the caller calls commit() itself.
   */
  commitOnDurable?: boolean;
  /** Checked before every commit (distributed mode: does this worker still own the task?); a throw commits nothing. */
  beforeCommit?: () => Promise<void>;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** fetch.max.wait.ms (default 500, the Java consumer's), fetch.min.bytes, fetch.max.bytes, max.partition.fetch.bytes. */
  maxWaitTimeMs?: number;
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  /** isolation.level=read_uncommitted (kafkajs reads committed by default). */
  readUncommitted?: boolean;
  /** How long without a completed fetch, or with offsets waiting for a commit, counts as a stall (default session + rebalance timeout). */
  stallTimeoutMs?: number;
  /** How long one commit (ownership check and request, with kafkajs's own retries) may take (default 30 s). */
  commitTimeoutMs?: number;
  /** Recreations of a stalled consumer, without progress in between, before it gives up through onFailure (default 3). */
  maxRecoveries?: number;
}

/** kafkajs's defaults, named here because the stall bound is derived from them. */
const DEFAULT_SESSION_TIMEOUT_MS = 30_000;
const DEFAULT_REBALANCE_TIMEOUT_MS = 60_000;
const DISCONNECT_TIMEOUT_MS = 10_000;
/** Kafka Connect's offset.flush.timeout.ms is 5 s; kafkajs retries a commit itself, so allow it a request timeout. */
const DEFAULT_COMMIT_TIMEOUT_MS = 30_000;

const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

/**
 * The sink pipeline's consumer, group `connect-<connector>`. Nothing is committed automatically: the caller declares
 * offsets durable (after the task flushed them) and the consumer commits those; before it gives partitions up in
 * a rebalance it commits whatever is still pending, so a new owner starts after them. kafkajs has no revoke
 * callback, so that last commit races the re-join; committing on every durable declaration keeps the window small.
 *
 * Two kafkajs behaviours are guarded against here. Its commitOffsets resolves without sending anything while the
 * consumer is not running (between a crash and the end of the re-join that follows), so an offset counts as
 * committed only once the broker's acknowledgement was seen (the COMMIT_OFFSETS event). And its crash-restart
 * builds a new consumer group object that has forgotten which partitions were paused, so the paused set is kept
 * here and applied again on every join. A consumer that completes no fetch, or gets no commit acknowledged, for
 * longer than the stall bound is logged as stalled and recreated; past maxRecoveries it fails through onFailure.
 */
export class SinkConsumer {
  readonly groupId: string;
  readonly #options: SinkConsumerOptions;
  readonly #log: Logger;
  readonly #guard: ProgressGuard;
  readonly #durable = new Map<string, DurableOffset>();
  readonly #committed = new Map<string, bigint>();
  /** Offsets the broker acknowledged, from kafkajs's COMMIT_OFFSETS events. */
  readonly #acked = new Map<string, bigint>();
  readonly #paused = new Map<string, TopicPartition>();
  /** kafkajs consumers this one has disconnected or given up on: kafkajs must not restart them. */
  readonly #retired = new WeakSet<Consumer>();
  #consumer: Consumer | undefined;
  #assigned = new Map<string, TopicPartition>();
  #commitChain: Promise<void> = Promise.resolve();
  #removers: (() => void)[] = [];
  #watch: NodeJS.Timeout | undefined;
  #recovering = false;
  #recoveries = 0;
  #closed = false;

  private constructor(groupId: string, options: SinkConsumerOptions) {
    this.groupId = groupId;
    this.#options = options;
    this.#log = options.logger.child({ component: 'sink-consumer', connector: options.connector });
    const bound = options.stallTimeoutMs ?? stallBoundMs(options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS, options.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS);
    this.#guard = new ProgressGuard(bound, Date.now());
  }

  static async create(options: SinkConsumerOptions): Promise<SinkConsumer> {
    const self = new SinkConsumer(`connect-${options.connector}`, options);
    await self.#start();
    self.#watch = setInterval(() => self.#checkProgress(), Math.max(100, Math.min(5000, Math.floor(self.#guard.boundMs / 4))));
    self.#watch.unref();
    return self;
  }

  async #start(): Promise<void> {
    const o = this.#options;
    const consumer: Consumer = o.kafka.consumer({
      groupId: this.groupId,
      // kafkajs restarts a crashed consumer on a timer it sets after the crash handlers ran, even when the consumer
      // was disconnected meanwhile: that restart would join the group as a member nobody reads, holding partitions
      // that are then never consumed or committed. A retired consumer is never restarted.
      retry: { restartOnFailure: () => Promise.resolve(!this.#retired.has(consumer)) },
      allowAutoTopicCreation: false,
      // The Java consumer's fetch.max.wait.ms; kafkajs defaults to 5 s, which also delays every disconnect.
      maxWaitTimeInMs: o.maxWaitTimeMs ?? 500,
      ...(o.minBytes === undefined ? {} : { minBytes: o.minBytes }),
      ...(o.maxBytes === undefined ? {} : { maxBytes: o.maxBytes }),
      ...(o.maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition: o.maxBytesPerPartition }),
      ...(o.readUncommitted === undefined ? {} : { readUncommitted: o.readUncommitted }),
      sessionTimeout: o.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      rebalanceTimeout: o.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS,
      ...(o.heartbeatIntervalMs === undefined ? {} : { heartbeatInterval: o.heartbeatIntervalMs }),
    });
    this.#consumer = consumer;
    this.#listen(consumer);
    try {
      await consumer.connect();
      const sub = o.subscription;
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
          if (messages.length > 0) await o.onBatch({ topic: batch.topic, partition: batch.partition, messages });
        },
      });
    } catch (e) {
      this.#unlisten();
      this.#retired.add(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw toConveyorError(e, `cannot start the consumer of group ${this.groupId}`);
    }
  }

  #listen(consumer: Consumer): void {
    const { REBALANCING, GROUP_JOIN, CRASH, COMMIT_OFFSETS, FETCH } = consumer.events;
    this.#removers = [
      // kafkajs has no revoke callback; REBALANCING fires before it re-joins, while the old generation can still commit.
      consumer.on(REBALANCING, () => {
        this.#log.info('group is rebalancing; committing durable offsets');
        this.commit().catch((e: unknown) => this.#log.warn('commit before rebalance failed', { error: e }));
      }),
      consumer.on(GROUP_JOIN, (event) => this.#onJoin(event.payload.memberAssignment)),
      consumer.on(COMMIT_OFFSETS, (event) => this.#onAcked(event.payload.topics)),
      consumer.on(FETCH, () => {
        this.#guard.fetched(Date.now());
        if (!this.#hasUncommitted()) this.#recoveries = 0;
      }),
      consumer.on(CRASH, (event) => {
        const error = toConveyorError(event.payload.error, `consumer of group ${this.groupId} crashed`);
        this.#guard.failed(error.message);
        this.#log.error('consumer crashed', { error, restart: event.payload.restart });
        // kafkajs gives up on errors it deems final (no broker available, say); a broker outage is not final for
        // a sink task, so the consumer is recreated, within the same bounded number of recoveries as a stall.
        if (!event.payload.restart && !this.#retired.has(consumer) && !this.#recovering && !this.#closed) {
          void this.#recover({ kind: 'fetch', forMs: 0, boundMs: this.#guard.boundMs, lastError: error.message }, `kafkajs stopped the consumer of group ${this.groupId} after: ${error.message}`);
        }
      }),
    ];
  }

  #unlisten(): void {
    for (const remove of this.#removers) remove();
    this.#removers = [];
  }

  #onAcked(topics: readonly { topic: string; partitions: readonly { partition: number; offset: unknown }[] }[]): void {
    for (const t of topics) {
      for (const p of t.partitions) {
        const k = key({ topic: t.topic, partition: p.partition });
        const offset = BigInt(String(p.offset));
        if ((this.#acked.get(k) ?? -1n) < offset) this.#acked.set(k, offset);
      }
    }
    this.#recoveries = 0;
  }

  #onJoin(assignment: Record<string, number[]>): void {
    const next = new Map<string, TopicPartition>();
    for (const [topic, partitions] of Object.entries(assignment)) for (const partition of partitions) next.set(key({ topic, partition }), { topic, partition });
    const revoked = [...this.#assigned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const added = [...next].filter(([k]) => !this.#assigned.has(k)).map(([, tp]) => tp);
    this.#assigned = next;
    // What a lost partition had durable was committed on REBALANCING; never commit it from here on. kafkajs keeps
    // pause state across assignments, so a lost partition is resumed there: if it comes back it must be fetched.
    this.resume(revoked);
    for (const tp of revoked) this.#forget(key(tp));
    // After a crash-restart kafkajs has a new group object with nothing paused: pause again what should be.
    this.#applyPaused();
    this.#log.info('partitions assigned', { assigned: next.size, revoked: revoked.length, added: added.length, paused: this.#paused.size });
    if (revoked.length > 0) this.#options.onRevoked?.(revoked);
    if (added.length > 0) this.#options.onAssigned?.(added);
  }

  #forget(k: string): void {
    this.#durable.delete(k);
    this.#committed.delete(k);
    this.#acked.delete(k);
    this.#paused.delete(k);
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
    if (this.#hasUncommitted()) this.#guard.pending(Date.now());
    if (this.#options.commitOnDurable !== false) {
      this.commit().catch((e: unknown) => this.#log.warn('commit of durable offsets failed; retried on the next one', { error: e }));
    }
  }

  #uncommitted(): DurableOffset[] {
    return [...this.#durable.values()].filter((o) => (this.#committed.get(key(o)) ?? -1n) < o.offset);
  }

  #hasUncommitted(): boolean {
    for (const o of this.#durable.values()) if ((this.#committed.get(key(o)) ?? -1n) < o.offset) return true;
    return false;
  }

  /**
   * Commits durable offsets not yet committed. Commits run one at a time, in order; one that has not finished
   * within the commit timeout is reported as failed, so a hung request never holds up the next commits.
   */
  commit(): Promise<void> {
    const timeoutMs = this.#options.commitTimeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
    const run = this.#commitChain.then(() =>
      withTimeout(this.#commitNow(), timeoutMs).catch((e: unknown) => {
        const error = toConveyorError(e, `commit of group ${this.groupId} failed`);
        this.#guard.failed(error.message);
        throw error;
      }),
    );
    this.#commitChain = run.catch(() => undefined);
    return run;
  }

  async #commitNow(): Promise<void> {
    const todo = this.#uncommitted();
    const consumer = this.#consumer;
    if (todo.length === 0) {
      this.#guard.settled();
      return;
    }
    this.#guard.pending(Date.now());
    if (consumer === undefined) throw new ConveyorError(ErrorCode.unavailable, `the consumer of group ${this.groupId} is being recreated`, { retriable: true });
    await this.#options.beforeCommit?.();
    try {
      await consumer.commitOffsets(todo.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() })));
    } catch (e) {
      throw toConveyorError(e, `cannot commit offsets of group ${this.groupId}`);
    }
    let unsent = 0;
    for (const o of todo) {
      if ((this.#acked.get(key(o)) ?? -1n) < o.offset) unsent++;
      else this.#committed.set(key(o), o.offset);
    }
    if (unsent > 0) {
      const message = `offsets of group ${this.groupId} were not committed (${unsent} partitions): the consumer is re-joining the group; the next commit retries`;
      throw new ConveyorError(ErrorCode.unavailable, message, { retriable: true });
    }
    if (!this.#hasUncommitted()) this.#guard.settled();
    this.#log.debug('committed offsets', { partitions: todo.length });
  }

  /** Stops fetching these partitions (backpressure); fetched batches already delivered are unaffected. */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) if (this.#assigned.has(key(tp))) this.#paused.set(key(tp), tp);
    this.#applyPaused();
  }

  resume(partitions: readonly TopicPartition[]): void {
    const resumed = partitions.filter((tp) => this.#paused.delete(key(tp)));
    this.#toKafkajs((c) => {
      for (const [topic, ps] of groupByTopic(resumed)) c.resume([{ topic, partitions: ps }]);
    });
  }

  paused(): TopicPartition[] {
    return [...this.#paused.values()];
  }

  #applyPaused(): void {
    this.#toKafkajs((c) => {
      for (const [topic, ps] of groupByTopic([...this.#paused.values()])) c.pause([{ topic, partitions: ps }]);
    });
  }

  /** kafkajs throws from pause/resume while it restarts after a crash; the paused set is applied again on the next join. */
  #toKafkajs(apply: (c: Consumer) => void): void {
    const c = this.#consumer;
    if (c === undefined) return;
    try {
      apply(c);
    } catch (e) {
      this.#log.debug('pause state kept for the next join', { error: e });
    }
  }

  #checkProgress(): void {
    if (this.#closed || this.#recovering) return;
    const stall = this.#guard.check(Date.now());
    if (stall !== undefined) void this.#recover(stall);
  }

  /** Recreates a stalled consumer: its partitions are given up (read again from the committed offsets) and it re-joins. */
  async #recover(stall: Stall, why?: string): Promise<void> {
    this.#recovering = true;
    const reason = why ?? describeStall(this.groupId, stall);
    const limit = this.#options.maxRecoveries ?? 3;
    try {
      if (this.#recoveries >= limit) {
        this.#log.error('consumer cannot recover; giving up', { reason, recoveries: this.#recoveries });
        this.#closed = true;
        this.#options.onFailure?.(new ConveyorError(ErrorCode.unavailable, `${reason}; recreated ${this.#recoveries} times without progress`, { retriable: true }));
        return;
      }
      this.#recoveries++;
      this.#log.error(why === undefined ? 'consumer stalled; recreating it' : 'consumer stopped; recreating it', { reason, attempt: this.#recoveries, of: limit });
      const old = this.#consumer;
      if (old !== undefined) this.#retired.add(old);
      this.#consumer = undefined;
      this.#unlisten();
      const lost = this.assignment();
      this.#assigned = new Map();
      for (const tp of lost) this.#forget(key(tp));
      if (lost.length > 0) this.#options.onRevoked?.(lost);
      await withTimeout(old?.disconnect() ?? Promise.resolve(), DISCONNECT_TIMEOUT_MS).catch((e: unknown) => this.#log.warn('the stalled consumer did not disconnect cleanly', { error: e }));
      if (this.#closed) return;
      await this.#start();
      this.#log.info('consumer recreated', { assigned: this.#assigned.size });
    } catch (e) {
      const error = toConveyorError(e, `cannot recreate the consumer of group ${this.groupId}`);
      this.#guard.failed(error.message);
      this.#log.error('consumer recreation failed; retried after the stall bound', { error });
    } finally {
      this.#guard.reset(Date.now());
      this.#recovering = false;
    }
  }

  /** Commits what is durable, then leaves the group. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#consumer !== undefined) this.#retired.add(this.#consumer);
    clearInterval(this.#watch);
    try {
      await this.commit();
    } finally {
      this.#unlisten();
      const consumer = this.#consumer;
      if (consumer !== undefined) {
        this.#retired.add(consumer);
        await consumer.disconnect();
      }
      this.#log.info('consumer closed');
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const tp of partitions) out.set(tp.topic, [...(out.get(tp.topic) ?? []), tp.partition]);
  return out;
}
