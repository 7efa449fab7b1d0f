/**
 * Committable offsets per topic-partition: a partition's offset advances only over a contiguous run of records
 * that are done (acknowledged by Elasticsearch, or deliberately skipped), so a commit never covers a record that
 * could still be lost. Records of one partition are registered in offset order, as Kafka delivers them.
 */
import { topicPartitionKey } from '@conveyor/sdk';
import type { TopicPartitionOffsets } from '@conveyor/sdk';

interface PartitionState {
  readonly pending: number[];
  head: number;
  readonly done: Set<number>;
  /** The next offset to consume: everything below it is done. */
  next: number | null;
}

export class OffsetTracker {
  readonly #partitions = new Map<string, PartitionState>();

  register(topic: string, partition: number, offset: number): void {
    const key = topicPartitionKey(topic, partition);
    let p = this.#partitions.get(key);
    if (p === undefined) {
      p = { pending: [], head: 0, done: new Set(), next: null };
      this.#partitions.set(key, p);
    }
    p.pending.push(offset);
  }

  markDone(topic: string, partition: number, offset: number): void {
    const p = this.#partitions.get(topicPartitionKey(topic, partition));
    if (p === undefined) return;
    p.done.add(offset);
    while (p.head < p.pending.length && p.done.has(p.pending[p.head]!)) {
      const off = p.pending[p.head++]!;
      p.done.delete(off);
      p.next = Math.max(p.next ?? 0, off + 1);
    }
    if (p.head > 1024 && p.head * 2 > p.pending.length) {
      p.pending.splice(0, p.head);
      p.head = 0;
    }
  }

  /** Next offset to consume per "topic/partition" (Kafka's commit convention), for partitions with progress. */
  committable(): TopicPartitionOffsets {
    const out: TopicPartitionOffsets = {};
    for (const [key, p] of this.#partitions) if (p.next !== null) out[key] = p.next;
    return out;
  }

  /** Highest offset acknowledged contiguously per "topic/partition" (committable minus one). */
  highestDurable(): TopicPartitionOffsets {
    const out: TopicPartitionOffsets = {};
    for (const [key, next] of Object.entries(this.committable())) out[key] = next - 1;
    return out;
  }

  /** Forgets partitions no longer assigned to the task. */
  forget(topic: string, partition: number): void {
    this.#partitions.delete(topicPartitionKey(topic, partition));
  }
}
