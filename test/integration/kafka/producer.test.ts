import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceProducer } from '../../../host/kafka/producer.ts';
import { TopicLog } from '../../../host/kafka/topic-log.ts';
import type { LogRecord } from '../../../host/kafka/topic-log.ts';
import { TopicCreator, parseTopicCreationRules } from '../../../host/kafka/topic-creation.ts';
import { kafkaFixture, logger, uniqueName } from './helpers.ts';
import type { KafkaFixture } from './helpers.ts';

let fx: KafkaFixture;

before(async () => {
  fx = await kafkaFixture();
});

after(async () => {
  await fx.cleanup();
});

async function readAll(topic: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const log = new TopicLog({ kafka: fx.kafka, admin: fx.admin, topic, logger, onRecord: (r) => records.push(r) });
  await log.start();
  await log.stop();
  return records;
}

for (const compression of ['none', 'gzip'] as const) {
  void test(`idempotent ${compression} batches resolve each record's partition and offset`, async () => {
    const topic = await fx.topic('produce', 3);
    const other = await fx.topic('produce-other', 1);
    const producer = await SourceProducer.create({ kafka: fx.kafka, admin: fx.admin, logger, compression });
    try {
      const records = Array.from({ length: 30 }, (_, i) => ({ topic: i % 5 === 0 ? other : topic, key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) } }));
      const acks = await producer.send(records);
      const second = await producer.send([{ topic, key: null, value: 'no key' }]);
      assert.equal(acks.length, 30);
      const byPlace = new Map([...(await readAll(topic)), ...(await readAll(other)).map((r) => ({ ...r, other: true }))].map((r) => [
        `${'other' in r ? other : topic}/${r.partition}/${r.offset}`,
        r.value?.toString(),
      ]));
      acks.forEach((a, i) => assert.equal(byPlace.get(`${a.topic}/${a.partition}/${a.offset}`), `v${i}`));
      assert.equal(byPlace.get(`${topic}/${second[0]?.partition}/${second[0]?.offset}`), 'no key');
      // Same key, same partition (murmur2, as the Java client).
      const k0 = acks.filter((_, i) => i % 7 === 0 && i % 5 !== 0).map((a) => a.partition);
      assert.equal(new Set(k0).size, 1);
    } finally {
      await producer.close();
    }
  });
}

void test('sending to a missing topic fails with a retriable error when auto creation is off', async () => {
  const producer = await SourceProducer.create({ kafka: fx.kafka, admin: fx.admin, logger });
  try {
    await assert.rejects(producer.send([{ topic: uniqueName('missing'), key: null, value: 'x' }]), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'CONVEYOR_UNAVAILABLE');
      assert.equal((e as { retriable?: boolean }).retriable, true);
      return true;
    });
  } finally {
    await producer.close();
  }
});

void test('topic.creation rules create missing topics with the matching group settings', async () => {
  const compacted = uniqueName('tc-compacted');
  const plain = uniqueName('tc-plain');
  fx.topics.push(compacted, plain);
  const rules = parseTopicCreationRules({
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '2',
    'topic.creation.groups': 'compacted',
    'topic.creation.compacted.include': 'tc-compacted-.*',
    'topic.creation.compacted.partitions': '4',
    'topic.creation.compacted.cleanup.policy': 'compact',
  });
  const creator = new TopicCreator(rules, fx.admin, logger);
  await Promise.all([creator.ensure(compacted), creator.ensure(compacted), creator.ensure(plain)]);
  assert.equal((await fx.admin.partitions(compacted)).length, 4);
  assert.deepEqual(await fx.admin.topicConfig(compacted, ['cleanup.policy']), { 'cleanup.policy': 'compact' });
  assert.equal((await fx.admin.partitions(plain)).length, 2);
  assert.deepEqual(await fx.admin.topicConfig(plain, ['cleanup.policy']), { 'cleanup.policy': 'delete' });
  const producer = await SourceProducer.create({ kafka: fx.kafka, admin: fx.admin, logger });
  try {
    const [ack] = await producer.send([{ topic: plain, key: 'a', value: 'b' }]);
    assert.equal(ack?.offset, 0n);
  } finally {
    await producer.close();
  }
});
