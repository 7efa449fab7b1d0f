/**
 * Buffers bulk operations and writes them: batches close at batch.size records, bulk.size.bytes or after
 * linger.ms; at most max.in.flight.requests requests run at once; add() waits while max.buffered.records are
 * buffered. Failed requests and retriable items are retried (only the failed items) with exponential backoff
 * and jitter, capped; malformed items follow behavior.on.malformed.documents. Operations whose retries ran out on
 * a retriable failure (429, 5xx, no connection) are parked: resendParked() tries them again, and the task's put
 * throws a RetriableError while they still fail, so the worker backs off and redelivers instead of failing the task.
 * Anything else fails the writer, and every later call throws that error. Offsets advance only for records
 * Elasticsearch acknowledged (or that were deliberately skipped or reported as malformed): parked ones hold them back.
 */
import type { JsonValue, TopicPartitionOffsets } from '@conveyor/sdk';
import { classifyItem, isRetriableRequestError } from './classify.ts';
import type { ItemResult } from './classify.ts';
import type { MalformedBehavior } from './config.ts';
import { EsSinkError, EsSinkErrorCode } from './errors.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { operationLines } from './operations.ts';
import type { BulkOperation } from './operations.ts';

/** The one call the writer needs; the SDK's ElasticsearchCapability and a thin client adapter both fit. */
export interface BulkClient {
  /** One _bulk request over its NDJSON body (every line, the last one too, ends with a newline). */
  bulk(ndjson: string): Promise<{ errors: boolean; items: JsonValue[] }>;
}

export interface WriterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface WriterEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly operation: BulkOperation;
}

export type RecordOutcome =
  | { readonly kind: 'durable' }
  | { readonly kind: 'malformed'; readonly result: ItemResult }
  | { readonly kind: 'fatal'; readonly error: EsSinkError };

export interface BulkWriterOptions {
  readonly client: BulkClient;
  readonly clock: WriterClock;
  readonly batchSize: number;
  /** -1 for no byte limit. */
  readonly bulkSizeBytes: number;
  readonly maxInFlightRequests: number;
  readonly maxBufferedRecords: number;
  readonly lingerMs: number;
  readonly flushTimeoutMs: number;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly maxBackoffMs?: number;
  readonly behaviorOnMalformedDocuments: MalformedBehavior;
  /** Called for malformed items under ignore/warn: log, send to the dead-letter queue. Awaited before the offset moves. */
  readonly onMalformed?: (entry: WriterEntry, result: ItemResult, behavior: MalformedBehavior) => void | Promise<void>;
  /** Every record's final outcome, for metrics and tests. */
  readonly onOutcome?: (entry: WriterEntry, outcome: RecordOutcome) => void;
  /** Every bulk request's figures, for metrics (es-metrics.ts). */
  readonly onBulk?: (figures: BulkFigures) => void;
  /** [0, 1); Math.random by default. */
  readonly random?: () => number;
}

/** One bulk request: how long it took, how many operations it carried, whether it failed as a whole, items refused. */
export interface BulkFigures {
  readonly ms: number;
  readonly operations: number;
  readonly failed: boolean;
  readonly failedItems: number;
}

export type WriterState = 'open' | 'failed' | 'closed';

interface Pending {
  readonly entry: WriterEntry;
  /** The operation's NDJSON lines, serialised once: they size the batch and are the request body. */
  readonly text: string;
  readonly bytes: number;
  readonly addedAt: number;
}

interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export const DEFAULT_MAX_BACKOFF_MS = 10_000;

/** Delay before retry `attempt` (0-based): uniformly in [d/2, d] where d = min(cap, base * 2^attempt). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const d = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + (random() * d) / 2);
}

export class BulkWriter {
  readonly #o: BulkWriterOptions;
  readonly #offsets = new OffsetTracker();
  #queue: Pending[] = [];
  #queuedBytes = 0;
  #inFlight = 0;
  #buffered = 0;
  #forcing = 0;
  #timerArmed = false;
  #state: WriterState = 'open';
  #failure: EsSinkError | null = null;
  #waiters: Waiter[] = [];
  /** Operations whose retries ran out on a retriable failure, waiting for resendParked(); and that failure. */
  #parked: Pending[] = [];
  #parkedBy: EsSinkError | null = null;

  constructor(options: BulkWriterOptions) {
    this.#o = options;
  }

  get state(): WriterState {
    return this.#state;
  }

  get failure(): EsSinkError | null {
    return this.#failure;
  }

  /** Records queued or in flight. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Queues one operation; waits while the buffer is full (failing after flush.timeout.ms). */
  async add(entry: WriterEntry): Promise<void> {
    this.#throwIfUnusable();
    if (this.#buffered >= this.#o.maxBufferedRecords) {
      await this.#waitFor(() => this.#buffered < this.#o.maxBufferedRecords, 'Could not make space in the buffer in time; consider increasing max.buffered.records or flush.timeout.ms');
    }
    const lines = operationLines(entry.operation);
    let text = '';
    for (const l of lines) text += JSON.stringify(l) + '\n';
    const bytes = text.length;
    this.#offsets.register(entry.topic, entry.partition, entry.offset);
    this.#queue.push({ entry, text, bytes, addedAt: this.#o.clock.now() });
    this.#queuedBytes += bytes;
    this.#buffered++;
    this.#pump();
  }

  /** A record that needs no request (an ignored tombstone, a dropped invalid message) but must not hold offsets back. */
  skip(topic: string, partition: number, offset: number): void {
    this.#offsets.register(topic, partition, offset);
    this.#offsets.markDone(topic, partition, offset);
  }

  /** Sends what is buffered (up to max.in.flight.requests at once) without waiting; throws the writer's failure. */
  dispatch(): void {
    this.#throwIfUnusable();
    this.#forcing++;
    try {
      this.#pump();
    } finally {
      this.#forcing--;
    }
  }

  /** Sends everything buffered and waits until it is settled; throws the writer's failure if there is one. */
  async flush(): Promise<void> {
    this.#throwIfUnusable();
    this.#forcing++;
    try {
      this.#pump();
      await this.#waitFor(() => this.#buffered === 0, 'Flush did not finish in time; consider increasing flush.timeout.ms');
    } finally {
      this.#forcing--;
    }
  }

  /** Operations parked after a retriable failure outlasted max.retries. */
  get parked(): number {
    return this.#parked.length;
  }

  /**
   * Sends the parked operations once more (one attempt: the worker's redelivery backoff spaces the attempts) and
   * returns the retriable error they still fail with, or null when none is left parked.
   */
  async resendParked(): Promise<EsSinkError | null> {
    this.#throwIfUnusable();
    if (this.#parked.length === 0) return null;
    const batch = this.#parked;
    this.#parked = [];
    this.#buffered += batch.length;
    this.#inFlight++;
    try {
      await this.#send(batch, this.#o.maxRetries);
    } finally {
      this.#inFlight--;
      this.#pump();
      this.#notify();
    }
    this.#throwIfUnusable();
    return this.#parked.length === 0 ? null : this.#parkedBy;
  }

  /** Next offset to consume per "topic/partition", over records that are settled. */
  committableOffsets(): TopicPartitionOffsets {
    return this.#offsets.committable();
  }

  /** Stops tracking partitions the task no longer holds: no offsets are reported for them from now on. */
  forgetPartitions(partitions: readonly { topic: string; partition: number }[]): void {
    for (const tp of partitions) this.#offsets.forget(tp.topic, tp.partition);
  }

  highestDurableOffsets(): TopicPartitionOffsets {
    return this.#offsets.highestDurable();
  }

  /** Flushes what is buffered (when not failed), then refuses further use. */
  async close(): Promise<void> {
    if (this.#state === 'open') await this.flush();
    this.#state = this.#state === 'failed' ? 'failed' : 'closed';
  }

  #throwIfUnusable(): void {
    if (this.#failure !== null) throw this.#failure;
    if (this.#state === 'closed') throw new EsSinkError(EsSinkErrorCode.bulkFailed, 'the bulk writer is closed');
  }

  #pump(): void {
    while (this.#state === 'open' && this.#queue.length > 0 && this.#inFlight < this.#o.maxInFlightRequests) {
      if (!this.#batchDue()) {
        this.#armLinger();
        return;
      }
      const batch = this.#takeBatch();
      this.#inFlight++;
      void this.#send(batch, 0).finally(() => {
        this.#inFlight--;
        this.#pump();
        this.#notify();
      });
    }
  }

  #batchDue(): boolean {
    if (this.#forcing > 0 || this.#queue.length >= this.#o.batchSize) return true;
    if (this.#o.bulkSizeBytes > 0 && this.#queuedBytes >= this.#o.bulkSizeBytes) return true;
    return this.#o.clock.now() - this.#queue[0]!.addedAt >= this.#o.lingerMs;
  }

  #armLinger(): void {
    if (this.#timerArmed) return;
    this.#timerArmed = true;
    const wait = Math.max(0, this.#queue[0]!.addedAt + this.#o.lingerMs - this.#o.clock.now());
    void this.#o.clock.sleep(wait).then(() => {
      this.#timerArmed = false;
      this.#pump();
    });
  }

  #takeBatch(): Pending[] {
    let n = 0;
    let bytes = 0;
    while (n < this.#queue.length && n < this.#o.batchSize) {
      const b = this.#queue[n]!.bytes;
      if (n > 0 && this.#o.bulkSizeBytes > 0 && bytes + b > this.#o.bulkSizeBytes) break;
      bytes += b;
      n++;
    }
    const batch = this.#queue.slice(0, n);
    this.#queue = this.#queue.slice(n);
    this.#queuedBytes -= bytes;
    return batch;
  }

  async #send(batch: Pending[], attempt: number): Promise<void> {
    if (this.#state === 'failed') return;
    let response: { errors: boolean; items: JsonValue[] };
    const started = this.#o.clock.now();
    try {
      let body = '';
      for (const p of batch) body += p.text;
      response = await this.#o.client.bulk(body);
    } catch (err) {
      this.#o.onBulk?.({ ms: this.#o.clock.now() - started, operations: batch.length, failed: true, failedItems: 0 });
      const retriable = isRetriableRequestError(err);
      if (retriable && attempt < this.#o.maxRetries) {
        await this.#backoff(attempt);
        return this.#send(batch, attempt + 1);
      }
      if (retriable) {
        this.#park(batch, new EsSinkError(EsSinkErrorCode.bulkFailed, `bulk request of ${batch.length} operations failed after ${attempt + 1} attempts: ${(err as Error)?.message ?? String(err)}`, { cause: err, retriable: true }));
        return;
      }
      const why = attempt >= this.#o.maxRetries ? `failed after ${attempt + 1} attempts` : 'failed and cannot be retried';
      this.#fail(batch, new EsSinkError(EsSinkErrorCode.bulkFailed, `bulk request of ${batch.length} operations ${why}: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
      return;
    }
    const results = batch.map((p, i) => classifyItem(response.items[i], p.entry.operation.conflictMeansApplied));
    this.#o.onBulk?.({ ms: this.#o.clock.now() - started, operations: batch.length, failed: false, failedItems: results.filter((r) => r.kind !== 'ok').length });
    const retry: Pending[] = [];
    let last: ItemResult | null = null;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      const result = results[i]!;
      switch (result.kind) {
        case 'ok':
          this.#settle(p, { kind: 'durable' });
          break;
        case 'malformed':
          if (!(await this.#malformed(p, result))) return;
          break;
        case 'retriable':
          retry.push(p);
          last = result;
          break;
        case 'fatal':
          this.#fail(batch, itemError(p, result, 'was refused'));
          return;
      }
    }
    if (retry.length === 0) return;
    if (attempt >= this.#o.maxRetries) {
      this.#park(retry, itemError(retry[0]!, last!, `still failed after ${attempt + 1} attempts`, true));
      return;
    }
    await this.#backoff(attempt);
    return this.#send(retry, attempt + 1);
  }

  /** false when the writer failed because of it. */
  async #malformed(p: Pending, result: ItemResult): Promise<boolean> {
    const behavior = this.#o.behaviorOnMalformedDocuments;
    if (behavior === 'fail') {
      const e = new EsSinkError(
        EsSinkErrorCode.malformedDocument,
        `${describe(p.entry)} was refused as malformed (${result.errorType}: ${result.reason}); set behavior.on.malformed.documents=warn or ignore to skip such documents (they go to the dead-letter queue when one is configured)`,
      );
      this.#fail([p], e);
      return false;
    }
    try {
      await this.#o.onMalformed?.(p.entry, result, behavior);
    } catch (err) {
      this.#fail([p], new EsSinkError(EsSinkErrorCode.bulkFailed, `could not report malformed ${describe(p.entry)}: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
      return false;
    }
    this.#settle(p, { kind: 'malformed', result });
    return true;
  }

  #settle(p: Pending, outcome: RecordOutcome): void {
    this.#offsets.markDone(p.entry.topic, p.entry.partition, p.entry.offset);
    this.#buffered--;
    this.#o.onOutcome?.(p.entry, outcome);
  }

  /** Retriable operations out of retries: kept (their offsets held back) for resendParked. */
  #park(batch: readonly Pending[], error: EsSinkError): void {
    this.#parked.push(...batch);
    this.#parkedBy = error;
    this.#buffered -= batch.length;
    this.#notify();
  }

  #fail(batch: readonly Pending[], error: EsSinkError): void {
    for (const p of batch) this.#o.onOutcome?.(p.entry, { kind: 'fatal', error });
    if (this.#failure !== null) return;
    this.#failure = error;
    this.#state = 'failed';
    this.#notify();
  }

  async #backoff(attempt: number): Promise<void> {
    await this.#o.clock.sleep(backoffMs(attempt, this.#o.retryBackoffMs, this.#o.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, this.#o.random ?? Math.random));
  }

  #waitFor(ready: () => boolean, timeoutMessage: string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = { ready, resolve, reject };
      this.#waiters.push(waiter);
      void this.#o.clock.sleep(this.#o.flushTimeoutMs).then(() => {
        if (!this.#waiters.includes(waiter)) return;
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const e = new EsSinkError(EsSinkErrorCode.flushTimeout, timeoutMessage);
        this.#fail([], e);
        reject(this.#failure ?? e);
      });
    });
  }

  #notify(): void {
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (this.#failure !== null) w.reject(this.#failure);
      else if (w.ready()) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }
}

function describe(entry: WriterEntry): string {
  return `${entry.operation.action} of document ${entry.operation.id} in ${entry.operation.index} (topic=${entry.topic} partition=${entry.partition} offset=${entry.offset})`;
}

function itemError(p: Pending, result: ItemResult, what: string, retriable = false): EsSinkError {
  return new EsSinkError(EsSinkErrorCode.bulkFailed, `${describe(p.entry)} ${what}: ${result.status} ${result.errorType} ${result.reason}`.trim(), { retriable });
}
