/** The @platformatic/kafka candidate: Producer.send with acks=all and idempotence, Consumer.consume's stream. */
import { Consumer, type MessageToProduce, MessagesStreamFallbackModes, MessagesStreamModes, ProduceAcks, Producer } from '@platformatic/kafka';
import { type BenchSpec, type Candidate, type ConsumeResult, deadline, keyOf, pipelinedSend } from './common.ts';

export function platformaticCandidate(): Candidate {
  return {
    name: '@platformatic/kafka',
    async produce(spec: BenchSpec): Promise<number> {
      // idempotent forces acks=all and one request in flight per connection (the library sets both).
      const producer = new Producer({
        clientId: 'kafka-bench-platformatic-p', bootstrapBrokers: [spec.bootstrap],
        idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false,
      });
      try {
        // The kafkajs producer gets its producer id and metadata in connect(); do the same before the clock starts.
        await producer.initIdempotentProducer({});
        await producer.metadata({ topics: [spec.topic] });
        const started = performance.now();
        await pipelinedSend(spec.records, spec.batch, spec.inflight, (start, count) => {
          const messages: MessageToProduce[] = new Array<MessageToProduce>(count);
          for (let k = 0; k < count; k++) messages[k] = { topic: spec.topic, key: keyOf(start + k), value: spec.value };
          return producer.send({ messages });
        });
        return performance.now() - started;
      } finally {
        await producer.close();
      }
    },

    async consume(spec: BenchSpec): Promise<ConsumeResult> {
      const consumer = new Consumer({
        clientId: 'kafka-bench-platformatic-c', bootstrapBrokers: [spec.bootstrap], groupId: spec.group,
        maxBytes: spec.fetch.maxBytes, maxBytesPerPartition: spec.fetch.maxBytesPerPartition,
        maxWaitTime: spec.fetch.maxWaitMs, autocommit: spec.autocommitMs,
      });
      let count = 0;
      let bytes = 0;
      const created = performance.now();
      let joined = created;
      let last = created;
      const finished = deadline(spec.timeoutMs, '@platformatic/kafka consume', () => `${count} of ${spec.records} records`);
      consumer.on('consumer:group:join', () => { joined = performance.now(); });
      try {
        const stream = await consumer.consume({
          topics: [spec.topic], mode: MessagesStreamModes.COMMITTED, fallbackMode: MessagesStreamFallbackModes.EARLIEST,
        });
        stream.on('error', (e) => finished.fail(e));
        stream.on('data', (m) => {
          bytes += m.value.length;
          if (++count >= spec.records) {
            last = performance.now();
            finished.done();
          }
        });
        await finished.promise;
        await stream.close();
        return { ms: last - joined, joinMs: joined - created, count, bytes };
      } finally {
        await consumer.close(true);
      }
    },
  };
}
