/**
 * Where a record goes when it names no partition, as the Java client's default partitioner places it: murmur2 of
 * the key made positive, modulo the partition count; keyless records spread round-robin. Partition counts come
 * from the admin client's metadata and are cached per topic until forgotten (a topic that was just created or
 * deleted). Every producer of ours partitions here, so the same key always lands in the same partition.
 */
import { murmur2 } from '@platformatic/kafka';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { TopicAdmin } from './admin.ts';

export function javaPartition(key: Buffer, partitions: number): number {
  return (murmur2(key, false) & 0x7fffffff) % partitions;
}

export class Partitioning {
  readonly #admin: TopicAdmin;
  readonly #counts = new Map<string, number>();
  #next = 0;

  constructor(admin: TopicAdmin) {
    this.#admin = admin;
  }

  /** Reads (once) the partition counts of these topics; call before partitionOf for a batch. */
  async prepare(topics: Iterable<string>): Promise<void> {
    for (const topic of topics) {
      if (this.#counts.has(topic)) continue;
      const n = (await this.#admin.partitions(topic)).length;
      if (n === 0) throw new ConveyorError(ErrorCode.unavailable, `topic ${topic} does not exist`, { retriable: true });
      this.#counts.set(topic, n);
    }
  }

  /** The partition of one record of a prepared topic: plain synchronous code, called per record. */
  partitionOf(topic: string, key: Buffer | string | null, given?: number): number {
    if (given !== undefined) return given;
    const n = this.#counts.get(topic);
    if (n === undefined) throw new ConveyorError(ErrorCode.internal, `partitions of ${topic} were not prepared`);
    if (key === null) return this.#next++ % n;
    return javaPartition(typeof key === 'string' ? Buffer.from(key) : key, n);
  }

  forget(topic: string): void {
    this.#counts.delete(topic);
  }
}
