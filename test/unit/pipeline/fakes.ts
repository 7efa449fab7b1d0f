import { createJsonLogger } from '../../../host/core/logger.ts';
import type { Logger } from '../../../host/core/logger.ts';
import type { Clock } from '../../../host/errors/retry.ts';
import type { DurableOffset, SinkBatch, TopicPartition } from '../../../host/kafka/sink-records.ts';
import type { ProducerRecord, RecordMetadata } from '../../../host/kafka/producer.ts';
import type { ConsumerHandlers, RecordConsumer, RecordProducer } from '../../../host/pipeline/types.ts';
import type { IntervalScheduler } from '../../../host/storage/offset-writer.ts';
import type { OffsetBackingStore, OffsetEntry } from '../../../host/storage/offset-store.ts';

export const logger: Logger = createJsonLogger({ level: 'error', write: () => undefined });

/** Collects log lines, for asserting that failures are logged. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createJsonLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }), lines };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A producer whose sends are acknowledged when the test says so (or at once with autoAck). */
export class FakeProducer implements RecordProducer {
  readonly sent: ProducerRecord[][] = [];
  readonly gates: Deferred<void>[] = [];
  autoAck = true;
  /** Errors thrown by the next sends, in order. */
  failures: Error[] = [];
  closed = false;
  #offset = 0n;

  async send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    if (!this.autoAck) {
      const gate = deferred<void>();
      this.gates.push(gate);
      await gate.promise;
    }
    this.sent.push([...records]);
    return records.map((r) => ({ topic: r.topic, partition: r.partition ?? 0, offset: this.#offset++ }));
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

export class MemoryOffsetStore implements OffsetBackingStore {
  readonly writes: OffsetEntry[][] = [];
  start = (): Promise<void> => Promise.resolve();
  stop = (): Promise<void> => Promise.resolve();
  get = (): Promise<OffsetEntry[]> => Promise.resolve([]);
  getAll = (): Promise<OffsetEntry[]> => Promise.resolve(this.writes.flat());
  flush = (): Promise<void> => Promise.resolve();
  set(entries: readonly OffsetEntry[]): Promise<void> {
    this.writes.push([...entries]);
    return Promise.resolve();
  }
}

export class ManualScheduler implements IntervalScheduler {
  readonly fns = new Map<number, () => void>();
  #next = 1;
  setInterval(fn: () => void): unknown {
    this.fns.set(this.#next, fn);
    return this.#next++;
  }
  clearInterval(h: unknown): void {
    this.fns.delete(h as number);
  }
  tick(): void {
    for (const fn of this.fns.values()) fn();
  }
}

/** Time that moves only when something sleeps, so retry loops run instantly and deterministically. */
export function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
  };
}

/** A consumer the test drives: deliver batches, rebalance, and inspect pauses and commits. */
export class FakeConsumer implements RecordConsumer {
  handlers!: ConsumerHandlers;
  assigned: TopicPartition[] = [];
  readonly paused = new Set<string>();
  readonly pauseCalls: TopicPartition[][] = [];
  readonly resumeCalls: TopicPartition[][] = [];
  readonly durable = new Map<string, bigint>();
  readonly committed: Map<string, bigint>[] = [];
  closed = false;

  open = (handlers: ConsumerHandlers): Promise<RecordConsumer> => {
    this.handlers = handlers;
    return Promise.resolve(this);
  };

  assign(tps: TopicPartition[]): void {
    const key = (tp: TopicPartition): string => `${tp.topic}/${tp.partition}`;
    const next = new Set(tps.map(key));
    const revoked = this.assigned.filter((tp) => !next.has(key(tp)));
    const prev = new Set(this.assigned.map(key));
    const added = tps.filter((tp) => !prev.has(key(tp)));
    this.assigned = tps;
    if (revoked.length > 0) this.handlers.onRevoked(revoked);
    if (added.length > 0) this.handlers.onAssigned(added);
  }

  deliver(batch: SinkBatch): Promise<void> {
    return this.handlers.onBatch(batch);
  }

  assignment(): TopicPartition[] {
    return this.assigned;
  }
  markDurable(offsets: readonly DurableOffset[]): void {
    for (const o of offsets) this.durable.set(`${o.topic}/${o.partition}`, o.offset);
  }
  commit(): Promise<void> {
    this.committed.push(new Map(this.durable));
    return Promise.resolve();
  }
  pause(tps: readonly TopicPartition[]): void {
    this.pauseCalls.push([...tps]);
    for (const tp of tps) this.paused.add(`${tp.topic}/${tp.partition}`);
  }
  resume(tps: readonly TopicPartition[]): void {
    this.resumeCalls.push([...tps]);
    for (const tp of tps) this.paused.delete(`${tp.topic}/${tp.partition}`);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** A batch of messages with string keys/values at consecutive offsets. */
export function batch(topic: string, partition: number, from: number, values: (string | null)[], headers: Record<string, string> = {}): SinkBatch {
  return {
    topic,
    partition,
    messages: values.map((v, i) => ({
      offset: BigInt(from + i),
      key: Buffer.from(`k${from + i}`),
      value: v === null ? null : Buffer.from(v),
      headers: { ...headers },
      timestamp: 1_700_000_000_000 + from + i,
    })),
  };
}
