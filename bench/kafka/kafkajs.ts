/** The kafkajs candidate (the baseline): producer.send with acks=all and idempotence, consumer.run with eachBatch. */
import kafkajs from 'kafkajs';
import type { Message } from 'kafkajs';
import type { Logger } from '../../host/core/logger.ts';
import { createKafkajs as createKafka } from '../../test/helpers/kafkajs-client.ts';
import { type BenchSpec, type Candidate, type ConsumeResult, deadline, keyOf, pipelinedSend } from './common.ts';

const { Partitioners } = kafkajs;

export function kafkajsCandidate(log: Logger): Candidate {
  return {
    name: 'kafkajs',
    async produce(spec: BenchSpec): Promise<number> {
      const kafka = createKafka({ bootstrapServers: spec.bootstrap, clientId: `kafka-bench-kafkajs-p`, logger: log });
      // kafkajs keeps idempotent ordering with one produce request in flight per broker (a per-broker lock).
      const producer = kafka.producer({
        idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      try {
        const started = performance.now();
        await pipelinedSend(spec.records, spec.batch, spec.inflight, (start, count) => {
          const messages: Message[] = new Array<Message>(count);
          for (let k = 0; k < count; k++) messages[k] = { key: keyOf(start + k), value: spec.value };
          return producer.send({ topic: spec.topic, acks: -1, messages });
        });
        return performance.now() - started;
      } finally {
        await producer.disconnect();
      }
    },

    async consume(spec: BenchSpec): Promise<ConsumeResult> {
      const kafka = createKafka({ bootstrapServers: spec.bootstrap, clientId: `kafka-bench-kafkajs-c`, logger: log });
      const consumer = kafka.consumer({
        groupId: spec.group, allowAutoTopicCreation: false, maxBytes: spec.fetch.maxBytes,
        maxBytesPerPartition: spec.fetch.maxBytesPerPartition, maxWaitTimeInMs: spec.fetch.maxWaitMs,
      });
      let count = 0;
      let bytes = 0;
      const created = performance.now();
      let joined = created;
      let last = created;
      const finished = deadline(spec.timeoutMs, 'kafkajs consume', () => `${count} of ${spec.records} records`);
      consumer.on(consumer.events.GROUP_JOIN, () => { joined = performance.now(); });
      consumer.on(consumer.events.CRASH, ({ payload }) => finished.fail(payload.error));
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [spec.topic], fromBeginning: true });
        await consumer.run({
          autoCommit: true,
          autoCommitInterval: spec.autocommitMs,
          eachBatchAutoResolve: true,
          eachBatch: ({ batch }) => {
            for (const m of batch.messages) bytes += m.value?.length ?? 0;
            count += batch.messages.length;
            if (count >= spec.records) {
              last = performance.now();
              finished.done();
            }
            return Promise.resolve();
          },
        });
        await finished.promise;
        return { ms: last - joined, joinMs: joined - created, count, bytes };
      } finally {
        await consumer.disconnect();
      }
    },
  };
}
