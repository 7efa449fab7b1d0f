import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { stack, uniqueName } from '../../helpers/stack.ts';

const MESSAGES = 10_000;

test('Kafka: 10,000 messages produced are consumed intact, in order, exactly once', async (t) => {
  const kafka = new Kafka({ clientId: 'stack-test', brokers: [...stack.kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('stack-kafka');
  t.after(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true }), true);

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const expected = new Map<string, string>();
  for (let batch = 0; batch < MESSAGES; batch += 1000) {
    const messages = [];
    for (let i = batch; i < batch + 1000; i++) {
      const key = `k${i}`;
      const value = JSON.stringify({ i, body: `message-${i}-${'x'.repeat(i % 50)}` });
      expected.set(key, value);
      messages.push({ key, value });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: uniqueName('stack-group') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Map<string, string>();
  const lastIndexPerPartition = new Map<number, number>();
  let outOfOrder = 0;
  let duplicates = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.size} of ${MESSAGES} messages consumed`)), 60_000);
    consumer
      .run({
        eachMessage: ({ partition, message }) => {
          const key = message.key?.toString() ?? '';
          const value = message.value?.toString() ?? '';
          if (seen.has(key)) duplicates++;
          seen.set(key, value);
          const index = (JSON.parse(value) as { i: number }).i;
          if (index < (lastIndexPerPartition.get(partition) ?? -1)) outOfOrder++;
          lastIndexPerPartition.set(partition, index);
          if (seen.size === MESSAGES) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();

  assert.equal(seen.size, MESSAGES);
  assert.equal(duplicates, 0, 'no message was delivered twice');
  assert.equal(outOfOrder, 0, 'messages within a partition arrive in the order they were produced');
  for (const [key, value] of expected) assert.equal(seen.get(key), value, `message ${key} arrived unchanged`);
  assert.equal(lastIndexPerPartition.size, 3, 'keys were spread over the three partitions');
});
