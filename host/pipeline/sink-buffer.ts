/**
 * The sink pipeline's bounded buffer of consumed, not yet converted messages, in arrival order (which keeps each
 * partition's order). It tracks what it holds per partition so a partition's re-delivered messages (the client
 * restarts fetching from the committed offset after every rebalance) are not buffered twice.
 */
import type { SinkBatch, SinkMessage, TopicPartition } from '../kafka/sink-records.ts';
import { topicPartitionKey } from '../../sdk/records.ts';

export interface Buffered extends TopicPartition {
  key: string;
  message: SinkMessage;
}

export function tpKey(tp: TopicPartition): string {
  return topicPartitionKey(tp.topic, tp.partition);
}

/** "topic/partition" back into its parts; topic names cannot contain '/'. */
export function parseTpKey(key: string): TopicPartition | undefined {
  const i = key.lastIndexOf('/');
  const partition = Number(key.slice(i + 1));
  if (i <= 0 || !Number.isInteger(partition) || partition < 0) return undefined;
  return { topic: key.slice(0, i), partition };
}

export class SinkBuffer {
  readonly #queue: Buffered[] = [];
  #head = 0;
  /** Per partition: the offset after the last message accepted. */
  readonly #next = new Map<string, bigint>();

  get size(): number {
    return this.#queue.length - this.#head;
  }

  /** Appends the batch's messages not seen before; returns how many were accepted. */
  push(batch: SinkBatch): number {
    const key = tpKey(batch);
    let next = this.#next.get(key) ?? -1n;
    let accepted = 0;
    for (const message of batch.messages) {
      if (message.offset < next) continue;
      this.#queue.push({ topic: batch.topic, partition: batch.partition, key, message });
      next = message.offset + 1n;
      accepted++;
    }
    this.#next.set(key, next);
    return accepted;
  }

  shift(): Buffered | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const item = this.#queue[this.#head];
    this.#queue[this.#head++] = undefined as unknown as Buffered;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Forgets everything of these partitions (revoked: their next owner reads them from the committed offset). */
  drop(keys: ReadonlySet<string>): number {
    const keep = this.#queue.slice(this.#head).filter((b) => !keys.has(b.key));
    const dropped = this.size - keep.length;
    this.#queue.length = 0;
    this.#queue.push(...keep);
    this.#head = 0;
    for (const k of keys) this.#next.delete(k);
    return dropped;
  }
}
