import './contiguous-responses.ts';
import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes } from '@platformatic/kafka';
import type { GroupAssignment, Message, MessagesStream } from '@platformatic/kafka';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { within } from '../core/within.ts';
import { endpointOf, toConveyorError } from './client.ts';
import { CLOSE_TIMEOUT_MS, DEFAULT_COMMIT_TIMEOUT_MS, DEFAULT_REBALANCE_TIMEOUT_MS, DEFAULT_SESSION_TIMEOUT_MS, JAVA_FETCH_MAX_BYTES, JAVA_MAX_PARTITION_FETCH_BYTES } from './consumer-options.ts';
import type { SinkConsumerOptions } from './consumer-options.ts';
import { describeStall, ProgressGuard, stallBoundMs } from './progress-guard.ts';
import type { Stall } from './progress-guard.ts';
import { toSinkMessage } from './sink-records.ts';
import type { DurableOffset, SinkBatch, TopicPartition } from './sink-records.ts';
import { subscribedTopics } from './subscribed-topics.ts';

export type { SinkConsumerOptions } from './consumer-options.ts';

/** A consumer that failed (its stream broke, say while the broker is away) is recreated after this, doubled per attempt. */
const RESTART_BACKOFF_MS = 1000;
const RESTART_BACKOFF_MAX_MS = 10_000;
const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

type KafkaConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type KafkaStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The sink pipeline's consumer, group `connect-<connector>`, on @platformatic/kafka. Nothing is committed
 * automatically: the caller declares offsets durable (after the task flushed them) and the consumer commits those;
 * when the group rebalances it commits whatever is still pending, so a new owner starts after them.
 *
 * The client re-reads every assigned partition from its committed offset after each join, as the Java consumer
 * does under the eager protocol. Records this consumer already delivered are not delivered again: per partition it
 * keeps the next offset it expects and drops anything below it. A consumer whose stream fails (the broker went away)
 * is recreated with backoff; one that completes no fetch, or gets no commit through, for longer than the stall
 * bound is logged as stalled and recreated; past maxRecoveries stalls without progress it fails through onFailure.
 */
export class SinkConsumer {
  readonly groupId: string;
  readonly #options: SinkConsumerOptions;
  readonly #log: Logger;
  readonly #guard: ProgressGuard;
  readonly #durable = new Map<string, DurableOffset>();
  readonly #committed = new Map<string, bigint>();
  readonly #paused = new Map<string, TopicPartition>();
  /** Per partition, the offset after the last record delivered: anything below it was delivered already. */
  readonly #next = new Map<string, bigint>();
  readonly #arrived = new Map<string, SinkBatch>();
  #deliverScheduled = false;
  #consumer: KafkaConsumer | undefined;
  #stream: KafkaStream | undefined;
  #topics: string[] = [];
  #assigned = new Map<string, TopicPartition>();
  #commitChain: Promise<void> = Promise.resolve();
  #watch: NodeJS.Timeout | undefined;
  #regexTimer: NodeJS.Timeout | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #recovering = false;
  #recoveries = 0;
  #restarts = 0;
  #closed = false;
  /**
   * The client's consume() (its group join) while in flight. The client must not be closed meanwhile: a join that
   * completes on a closed client hands back a stream that fails on its own, before anyone can listen to it, and the
   * unhandled stream error would take the whole worker down. close() leaves such a client to #start, which closes it
   * once consume() settles.
   */
  #consuming: Promise<unknown> | undefined;

  private constructor(groupId: string, options: SinkConsumerOptions) {
    this.groupId = groupId;
    this.#options = options;
    this.#log = options.logger.child({ component: 'sink-consumer', connector: options.connector });
    const bound = options.stallTimeoutMs ?? stallBoundMs(options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS, options.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS);
    this.#guard = new ProgressGuard(bound, Date.now());
  }

  static async create(options: SinkConsumerOptions): Promise<SinkConsumer> {
    const self = new SinkConsumer(`connect-${options.connector}`, options);
    if (options.joinInBackground === true) void self.#restart('first join', false);
    else await self.#start();
    self.#watch = setInterval(() => self.#checkProgress(), Math.max(100, Math.min(5000, Math.floor(self.#guard.boundMs / 4))));
    self.#watch.unref();
    // topics.regex: new matching topics are picked up; topics: listed ones that did not exist yet (checked until all do).
    self.#regexTimer = setInterval(() => void self.#refreshRegex(), 'topicsRegex' in options.subscription ? (options.regexRefreshMs ?? 30_000) : (options.regexRefreshMs ?? 5_000));
    self.#regexTimer.unref();
    return self;
  }

  #resolveTopics(): Promise<string[]> {
    return subscribedTopics(this.#options.kafka, this.#options.subscription, this.#topics, this.#log);
  }

  async #refreshRegex(): Promise<void> {
    if (this.#closed || this.#recovering) return;
    const sub = this.#options.subscription;
    if ('topics' in sub && this.#topics.length === sub.topics.length) return;
    const topics = await this.#resolveTopics().catch(() => undefined);
    if (topics === undefined || topics.join('\u0000') === this.#topics.join('\u0000')) return;
    this.#log.info('topics' in sub ? 'subscribed topics now exist; re-subscribing' : 'topics.regex matches a different set of topics; re-subscribing', { topics: topics.length, before: this.#topics.length });
    await this.#restart('topics' in sub ? 'subscribed topics now exist' : 'the topics matching topics.regex changed');
  }

  async #start(): Promise<void> {
    const o = this.#options;
    const endpoint = endpointOf(o.kafka);
    this.#topics = await this.#resolveTopics();
    // Closed while the topics were being listed (a broker away makes that slow): no client may join the group now.
    if (this.#closed) return;
    if (this.#topics.length === 0) {
      this.#log.info('no subscribed topic exists yet; waiting for one');
      return;
    }
    const consumer: KafkaConsumer = new Consumer({
      clientId: endpoint.clientId,
      bootstrapBrokers: [...endpoint.bootstrapServers],
      groupId: this.groupId,
      autocommit: false,
      sessionTimeout: o.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      rebalanceTimeout: o.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS,
      heartbeatInterval: o.heartbeatIntervalMs ?? 3000,
      maxWaitTime: o.maxWaitTimeMs ?? 500,
      ...(o.minBytes === undefined ? {} : { minBytes: o.minBytes }),
      maxBytes: o.maxBytes ?? JAVA_FETCH_MAX_BYTES,
      // The Java consumer's max.partition.fetch.bytes (1 MiB). @platformatic/kafka would otherwise ask for up to
      // fetch.max.bytes (50 MB) of one partition at once: one response parsed in one turn of the event loop.
      maxBytesPerPartition: o.maxBytesPerPartition ?? JAVA_MAX_PARTITION_FETCH_BYTES,
      isolationLevel: o.readUncommitted === true ? READ_UNCOMMITTED : READ_COMMITTED,
    });
    this.#consumer = consumer;
    consumer.on('error', (e: unknown) => {
      if (this.#consumer === consumer) this.#log.warn('consumer error; the client retries', { error: toConveyorError(e, 'consumer error') });
    });
    consumer.on('consumer:group:rebalance', () => {
      if (this.#consumer !== consumer) return;
      this.#log.info('group is rebalancing; committing durable offsets');
      this.commit().catch((e: unknown) => this.#log.warn('commit before rebalance failed', { error: e }));
    });
    consumer.on('consumer:group:join', (payload: { assignments?: GroupAssignment[] }) => {
      if (this.#consumer === consumer) this.#onJoin(payload.assignments ?? []);
    });
    try {
      const consuming = consumer.consume({
        topics: this.#topics,
        // Kafka Connect sets auto.offset.reset=earliest for sink consumers.
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
        autocommit: false,
      });
      this.#consuming = consuming;
      let stream: KafkaStream;
      try {
        stream = await consuming;
      } finally {
        this.#consuming = undefined;
      }
      if (this.#closed) {
        // Closed while joining: close() left this client to be closed here, now that consume() has settled.
        stream.on('error', () => undefined);
        stream.destroy();
        if (this.#consumer === consumer) this.#consumer = undefined;
        await within(consumer.close(true), CLOSE_TIMEOUT_MS).catch(() => undefined);
        return;
      }
      this.#stream = stream;
      stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => {
        if (this.#stream === stream) this.#onMessage(m);
      });
      stream.on('fetch', () => {
        if (this.#stream !== stream) return;
        this.#guard.fetched(Date.now());
        this.#restarts = 0;
        if (!this.#hasUncommitted()) this.#recoveries = 0;
      });
      stream.on('error', (e: unknown) => {
        if (this.#stream === stream) void this.#onStreamError(e);
      });
      if (this.#paused.size > 0) stream.pause();
    } catch (e) {
      if (this.#consumer === consumer) this.#consumer = undefined;
      this.#stream = undefined;
      await within(consumer.close(true), CLOSE_TIMEOUT_MS).catch(() => undefined);
      if (this.#closed) return;
      throw toConveyorError(e, `cannot start the consumer of group ${this.groupId}`);
    }
  }

  #onMessage(m: Message<Buffer, Buffer, Buffer, Buffer>): void {
    const k = key(m.topic, m.partition);
    if (!this.#assigned.has(k)) return;
    const next = this.#next.get(k);
    if (next !== undefined && m.offset < next) return;
    this.#next.set(k, m.offset + 1n);
    let batch = this.#arrived.get(k);
    if (batch === undefined) {
      batch = { topic: m.topic, partition: m.partition, messages: [] };
      this.#arrived.set(k, batch);
    }
    batch.messages.push(toSinkMessage(m));
    if (!this.#deliverScheduled) {
      this.#deliverScheduled = true;
      queueMicrotask(() => this.#deliver());
    }
  }

  /** Hands over what arrived since the last delivery, one batch per partition. */
  #deliver(): void {
    this.#deliverScheduled = false;
    const batches = [...this.#arrived.values()];
    this.#arrived.clear();
    for (const b of batches) {
      if (!this.#assigned.has(key(b.topic, b.partition))) continue;
      this.#options.onBatch(b).catch((e: unknown) => this.#log.error('a delivered batch was not taken', { error: e, topic: b.topic, partition: b.partition }));
    }
  }

  async #onStreamError(e: unknown): Promise<void> {
    const error = toConveyorError(e, `consumer of group ${this.groupId} failed`);
    this.#guard.failed(error.message);
    this.#log.error('consumer crashed', { error });
    if (this.#closed || this.#recovering) return;
    await this.#restart(`the consumer of group ${this.groupId} failed: ${error.message}`);
  }

  #onJoin(assignments: readonly GroupAssignment[]): void {
    const next = new Map<string, TopicPartition>();
    for (const a of assignments) for (const partition of a.partitions) next.set(key(a.topic, partition), { topic: a.topic, partition });
    const revoked = [...this.#assigned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const added = [...next].filter(([k]) => !this.#assigned.has(k)).map(([, tp]) => tp);
    this.#assigned = next;
    // What a lost partition had durable was committed when the rebalance began; never commit it from here on.
    for (const tp of revoked) this.#forget(key(tp.topic, tp.partition));
    for (const tp of added) this.#next.delete(key(tp.topic, tp.partition));
    this.#applyPaused();
    this.#log.info('partitions assigned', { assigned: next.size, revoked: revoked.length, added: added.length, paused: this.#paused.size });
    if (revoked.length > 0) this.#options.onRevoked?.(revoked);
    if (added.length > 0) this.#options.onAssigned?.(added);
  }

  #forget(k: string): void {
    this.#durable.delete(k);
    this.#committed.delete(k);
    this.#paused.delete(k);
    this.#next.delete(k);
    this.#arrived.delete(k);
  }

  /** Currently assigned partitions. */
  assignment(): TopicPartition[] {
    return [...this.#assigned.values()];
  }

  /** Declares offsets durable (the task flushed everything before them); only these are ever committed. */
  markDurable(offsets: readonly DurableOffset[]): void {
    for (const o of offsets) {
      const k = key(o.topic, o.partition);
      const prev = this.#durable.get(k);
      if (prev === undefined || prev.offset < o.offset) this.#durable.set(k, { ...o });
    }
    if (this.#hasUncommitted()) this.#guard.pending(Date.now());
    if (this.#options.commitOnDurable !== false) {
      this.commit().catch((e: unknown) => this.#log.warn('commit of durable offsets failed; retried on the next one', { error: e }));
    }
  }

  #uncommitted(): DurableOffset[] {
    return [...this.#durable.values()].filter((o) => (this.#committed.get(key(o.topic, o.partition)) ?? -1n) < o.offset);
  }

  #hasUncommitted(): boolean {
    for (const o of this.#durable.values()) if ((this.#committed.get(key(o.topic, o.partition)) ?? -1n) < o.offset) return true;
    return false;
  }

  /**
   * Commits durable offsets not yet committed. Commits run one at a time, in order; one that has not finished
   * within the commit timeout is reported as failed, so a hung request never holds up the next commits.
   */
  commit(): Promise<void> {
    const timeoutMs = this.#options.commitTimeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
    const run = this.#commitChain.then(() =>
      within(this.#commitNow(), timeoutMs).catch((e: unknown) => {
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
      await consumer.commit({ offsets: todo.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: -1 })) });
    } catch (e) {
      throw toConveyorError(e, `cannot commit offsets of group ${this.groupId}`);
    }
    for (const o of todo) {
      const k = key(o.topic, o.partition);
      if ((this.#committed.get(k) ?? -1n) < o.offset) this.#committed.set(k, o.offset);
    }
    if (!this.#hasUncommitted()) this.#guard.settled();
    this.#recoveries = 0;
    this.#log.debug('committed offsets', { partitions: todo.length });
  }

  /**
   * Reads these partitions from the given offsets next (SinkTaskContext.offset). The client has no seek: the offsets
   * are committed as they are, even backwards, and the client is recreated, which reads every partition from its
   * committed offset once it joined (this member's partitions are revoked and assigned again on the way).
   */
  async seek(offsets: readonly DurableOffset[]): Promise<void> {
    const consumer = this.#consumer;
    if (consumer === undefined) throw new ConveyorError(ErrorCode.unavailable, `the consumer of group ${this.groupId} is being recreated`, { retriable: true });
    await this.commit();
    await this.#options.beforeCommit?.();
    try {
      await consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: -1 })) });
    } catch (e) {
      throw toConveyorError(e, `cannot commit the offsets to seek to in group ${this.groupId}`);
    }
    this.#log.info('seeking: partitions are read again from the given offsets', { partitions: offsets.length });
    await this.#restart('the task asked to read partitions from other offsets');
  }

  /**
   * Stops fetching (backpressure). The client pauses a consumer as a whole, not per partition: while any
   * partition is paused, none is fetched; records already fetched are still delivered.
   */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const k = key(tp.topic, tp.partition);
      if (this.#assigned.has(k)) this.#paused.set(k, tp);
    }
    this.#applyPaused();
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.delete(key(tp.topic, tp.partition));
    this.#applyPaused();
  }

  paused(): TopicPartition[] {
    return [...this.#paused.values()];
  }

  #applyPaused(): void {
    const s = this.#stream;
    if (s === undefined || s.destroyed) return;
    if (this.#paused.size > 0) {
      if (!s.isPaused()) s.pause();
    } else if (s.isPaused()) {
      s.resume();
    }
  }

  #checkProgress(): void {
    if (this.#closed || this.#recovering) return;
    // A consumer paused on purpose, or waiting for a topic to match its regex, fetches nothing and is not stalled.
    if (this.#paused.size > 0 || this.#consumer === undefined) this.#guard.fetched(Date.now());
    const stall = this.#guard.check(Date.now());
    if (stall !== undefined) void this.#recover(stall);
  }

  /** Recreates a stalled consumer, counting towards maxRecoveries. */
  async #recover(stall: Stall): Promise<void> {
    const reason = describeStall(this.groupId, stall);
    const limit = this.#options.maxRecoveries ?? 3;
    if (this.#recoveries >= limit) {
      this.#log.error('consumer cannot recover; giving up', { reason, recoveries: this.#recoveries });
      this.#closed = true;
      this.#options.onFailure?.(new ConveyorError(ErrorCode.unavailable, `${reason}; recreated ${this.#recoveries} times without progress`, { retriable: true }));
      return;
    }
    this.#recoveries++;
    this.#log.error('consumer stalled; recreating it', { reason, attempt: this.#recoveries, of: limit });
    await this.#restart(reason);
  }

  /**
   * Replaces the client: its partitions are given up (read again from the committed offsets) and a new member
   * joins. A start that fails (the broker is away) is tried again with backoff.
   */
  async #restart(reason: string, recreate = true): Promise<void> {
    if (this.#recovering || this.#closed) return;
    this.#recovering = true;
    clearTimeout(this.#restartTimer);
    try {
      await this.#retire();
      if (this.#closed) return;
      await this.#start();
      if (this.#closed) {
        await this.#retire();
        return;
      }
      if (recreate) this.#log.info('consumer recreated', { reason });
    } catch (e) {
      if (this.#closed) return;
      const error = toConveyorError(e, `cannot recreate the consumer of group ${this.groupId}`);
      this.#guard.failed(error.message);
      const delay = Math.min(RESTART_BACKOFF_MAX_MS, RESTART_BACKOFF_MS * 2 ** this.#restarts++);
      this.#log.error('consumer recreation failed; trying again', { error, inMs: delay });
      this.#restartTimer = setTimeout(() => void this.#restart(reason), delay);
      this.#restartTimer.unref();
    } finally {
      this.#guard.reset(Date.now());
      this.#recovering = false;
    }
  }

  /** Closes the current client, if any, and forgets its partitions (the pipeline drops what it buffered of them). */
  async #retire(): Promise<void> {
    const consumer = this.#consumer;
    const stream = this.#stream;
    this.#consumer = undefined;
    this.#stream = undefined;
    const lost = this.assignment();
    this.#assigned = new Map();
    for (const tp of lost) this.#forget(key(tp.topic, tp.partition));
    if (lost.length > 0) this.#options.onRevoked?.(lost);
    stream?.destroy();
    if (consumer !== undefined) {
      await within(consumer.close(true), CLOSE_TIMEOUT_MS).catch((e: unknown) => this.#log.warn('the old consumer did not close cleanly', { error: e }));
    }
  }

  /** Commits what is durable, then leaves the group. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watch);
    clearInterval(this.#regexTimer);
    clearTimeout(this.#restartTimer);
    try {
      if (this.#consumer !== undefined && this.#consuming === undefined) await this.commit();
    } finally {
      const joining = this.#consuming;
      const consumer = this.#consumer;
      const stream = this.#stream;
      this.#consumer = undefined;
      this.#stream = undefined;
      if (stream !== undefined) await within(stream.close(), CLOSE_TIMEOUT_MS).catch(() => stream.destroy());
      if (joining !== undefined) {
        // Still joining: #start closes the client once consume() settles; wait for that a while.
        await within(joining, CLOSE_TIMEOUT_MS).catch(() => undefined);
      } else if (consumer !== undefined) await within(consumer.close(true), CLOSE_TIMEOUT_MS);
      this.#log.info('consumer closed');
    }
  }
}
