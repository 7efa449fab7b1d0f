/**
 * Zombie fencing enforced by the broker (Kafka 4.1, real): two producers with the same transactional.id; once the
 * second one initialised, the first one's next transaction fails as fenced and nothing it wrote is visible to a
 * read_committed reader. A producer started again under a transactional.id whose previous holder died in the middle
 * of a transaction takes over at once, and that transaction's records are never visible.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Producer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { TransactionalProducer } from '../../../host/kafka/transactional-producer.ts';
import type { ProducerRecord } from '../../../host/kafka/producer.ts';
import { BOOTSTRAP, eventually, kafkaFixture, logger, uniqueName } from './helpers.ts';
import type { KafkaFixture } from './helpers.ts';

let fx: KafkaFixture;

before(async () => {
  fx = await kafkaFixture();
});

after(async () => {
  await fx.cleanup();
});

function open(transactionalId: string): Promise<TransactionalProducer> {
  return TransactionalProducer.create({ kafka: fx.kafka, transactionalId, admin: fx.admin, logger });
}

const rec = (topic: string, v: string): ProducerRecord => ({ topic, key: v, value: v });

/** Every value in the topic as a read_committed consumer sees it, once it has read up to the last stable offset. */
async function committedValues(topic: string, expected: number): Promise<string[]> {
  const kafka = new Kafka({ brokers: [BOOTSTRAP], clientId: uniqueName('fencing-reader'), logLevel: logLevel.NOTHING });
  const groupId = uniqueName('fencing-reader');
  fx.groups.push(groupId);
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 200 });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void seen.push(message.value?.toString() ?? '')) });
    await eventually(() => (seen.length >= expected ? true : undefined), `${expected} committed records on ${topic}`, 30_000);
    // Anything else visible would arrive within a few more fetches.
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await consumer.disconnect();
  }
  return seen.sort();
}

void test('a second producer with the same transactional.id fences the first: its next commit fails and nothing it wrote is visible', async () => {
  const topic = await fx.topic('fencing', 3);
  const id = uniqueName('tx');
  const first = await open(id);
  await first.commit([rec(topic, 'a1'), rec(topic, 'a2')], []);
  const second = await open(id);
  try {
    await assert.rejects(first.commit([rec(topic, 'zombie')], []), (e: { code?: string; message?: string }) => {
      assert.equal(e.code, 'CONVEYOR_CONFLICT');
      assert.match(String(e.message), /^fenced: another producer took transactional\.id /);
      return true;
    });
    // Fenced for good: a later attempt fails the same way without reaching the broker.
    await assert.rejects(first.commit([rec(topic, 'zombie-2')], []), { code: 'CONVEYOR_CONFLICT' });
    await second.commit([rec(topic, 'b1')], []);
    assert.deepEqual(await committedValues(topic, 3), ['a1', 'a2', 'b1']);
  } finally {
    await first.close().catch(() => undefined);
    await second.close();
  }
});

void test('a task restarted under the same transactional.id takes over while its previous producer has a transaction open', async () => {
  const topic = await fx.topic('fencing-takeover', 2);
  const offsets = await fx.topic('fencing-offsets', 1, { 'cleanup.policy': 'compact' });
  const id = uniqueName('tx');
  const before = await open(id);
  await before.commit([rec(topic, 'before')], [{ topic: offsets, key: Buffer.from('p'), value: Buffer.from('1') }]);
  await before.close();
  // The previous run of the task opened a transaction, wrote to both topics and died: nothing commits or aborts it.
  const dying = new Producer({ clientId: uniqueName('dying'), bootstrapBrokers: [BOOTSTRAP], transactionalId: id, idempotent: true, timeout: 15_000 });
  const tx = await dying.beginTransaction({ producerId: -1n, producerEpoch: -1 });
  await tx.send({ messages: [{ topic, partition: 0, key: Buffer.from('dangling'), value: Buffer.from('dangling') }, { topic: offsets, partition: 0, key: Buffer.from('p'), value: Buffer.from('dangling') }] });
  try {
    const restarted = await open(id);
    try {
      await restarted.commit([rec(topic, 'after')], [{ topic: offsets, key: Buffer.from('p'), value: Buffer.from('2') }]);
    } finally {
      await restarted.close();
    }
    assert.deepEqual(await committedValues(topic, 2), ['after', 'before']);
    assert.deepEqual(await committedValues(offsets, 2), ['1', '2']);
  } finally {
    await dying.close(true).catch(() => undefined);
  }
});
