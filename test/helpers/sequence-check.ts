/**
 * Reads a topic that datagen wrote with `value.sequence=true` from the beginning with kafkajs (an independent
 * client) and says which sequence numbers each task's records carry: what is missing (loss) and how many arrived
 * more than once (at-least-once duplicates). The fault tests end with it.
 */
import type { Kafka } from 'kafkajs';
import { uniqueName } from './stack.ts';
import { until } from './until.ts';

/**
 * A datagen source whose values carry (task, seq) for readSequences(): `tasks` tasks at `rate` records/s each into a
 * topic created with `partitions` partitions (replication factor 1 unless given).
 */
export function datagenSequenceConfig(topic: string, o: { tasks: number; rate: number; partitions?: number; replicationFactor?: number; recordSize?: number; batchSize?: number }): Record<string, string> {
  return {
    'connector.class': 'DatagenSource',
    'tasks.max': String(o.tasks),
    topic,
    rate: String(o.rate),
    'value.sequence': 'true',
    'record.size': String(o.recordSize ?? 20),
    'batch.size': String(o.batchSize ?? 20),
    'topic.creation.default.replication.factor': String(o.replicationFactor ?? 1),
    'topic.creation.default.partitions': String(o.partitions ?? o.tasks),
  };
}

export interface SequenceReport {
  /** Tasks that wrote at least one record, ascending. */
  readonly tasks: number[];
  /** Per task, the sequence numbers missing between 1 and the highest one seen (or `expectedPerTask`). */
  readonly missing: Map<number, number[]>;
  /** Distinct records seen. */
  readonly distinct: number;
  readonly duplicates: number;
  /** Per partition, one past the offset of the last record read: where a consumer that read everything stands. */
  readonly nextOffsets: Map<number, number>;
}

/**
 * readCommitted: only committed transactions' records (the high watermark then also counts aborted batches and
 * markers, so the read ends when the topic has been quiet for 3 s rather than at a count).
 */
export async function readSequences(kafka: Kafka, topic: string, expectedPerTask?: number, readCommitted = false): Promise<SequenceReport> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const expected = ends.reduce((n, e) => n + Number(e.high), 0);
  const seen = new Map<number, Map<number, number>>();
  const nextOffsets = new Map<number, number>();
  let read = 0;
  let lastAt = Date.now();
  const consumer = kafka.consumer({ groupId: uniqueName('sequence-check'), readUncommitted: !readCommitted });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        read++;
        nextOffsets.set(partition, Math.max(nextOffsets.get(partition) ?? 0, Number(message.offset) + 1));
        lastAt = Date.now();
        const v = JSON.parse(message.value?.toString() ?? '{}') as { task: number; seq: number };
        const perTask = seen.get(v.task) ?? new Map<number, number>();
        perTask.set(v.seq, (perTask.get(v.seq) ?? 0) + 1);
        seen.set(v.task, perTask);
        await Promise.resolve();
      },
    });
    const done = (): boolean => (readCommitted ? read > 0 && Date.now() - lastAt > 3000 : read >= expected);
    await until(`all ${expected} records of ${topic} read`, () => Promise.resolve(done() ? true : undefined), 60_000);
  } finally {
    await consumer.disconnect();
  }
  const missing = new Map<number, number[]>();
  let distinct = 0;
  let duplicates = 0;
  for (const [task, seqs] of seen) {
    const max = expectedPerTask ?? Math.max(...seqs.keys());
    missing.set(task, Array.from({ length: max }, (_, i) => i + 1).filter((s) => !seqs.has(s)));
    distinct += seqs.size;
    duplicates += [...seqs.values()].reduce((n, c) => n + c - 1, 0);
  }
  return { tasks: [...seen.keys()].sort((a, b) => a - b), missing, distinct, duplicates, nextOffsets };
}
