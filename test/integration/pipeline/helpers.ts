import type { IHeaders } from 'kafkajs';
import { createPipelineFactory } from '../../../host/pipeline/factory.ts';
import type { PipelineFactory } from '../../../host/pipeline/factory.ts';
import type { OffsetBackingStore } from '../../../host/storage/offset-store.ts';
import { BOOTSTRAP, eventually, logger, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';

export interface RawRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
}

function headerText(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  return out;
}

/** Reads the first n records of a topic (every partition) with a throw-away group, sorted by partition and offset. */
export async function readTopic(fx: KafkaFixture, topic: string, n: number): Promise<RawRecord[]> {
  const groupId = uniqueName('pipeline-reader');
  fx.groups.push(groupId);
  const got: RawRecord[] = [];
  const consumer = fx.reference.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        got.push({
          partition,
          offset: BigInt(message.offset),
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          headers: headerText(message.headers),
          timestamp: Number(message.timestamp),
        });
        return Promise.resolve();
      },
    });
    await eventually(() => (got.length >= n ? true : undefined), `${n} records on ${topic}`, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return got.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
}

export function factory(offsetStore: OffsetBackingStore, worker: Record<string, string> = {}): PipelineFactory {
  return createPipelineFactory({ kafka: { bootstrapServers: BOOTSTRAP, clientId: uniqueName('pipeline-test') }, worker, offsetStore, logger, sinkSessionTimeoutMs: 10_000 });
}

/** An offset store for sink-only tests, which never touch source offsets. */
export const noOffsets: OffsetBackingStore = {
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  get: () => Promise.resolve([]),
  getAll: () => Promise.resolve([]),
  set: () => Promise.reject(new Error('sink pipelines do not write source offsets')),
  flush: () => Promise.resolve(),
};
