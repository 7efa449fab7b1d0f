import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaSourceRecord } from '../../../host/pipeline/records.ts';
import { KafkaOffsetBackingStore } from '../../../host/storage/kafka-offset-store.ts';
import type { ConnectSchema } from '../../../sdk/schema.ts';
import { eventually, producingFixture, logger, uniqueName } from '../kafka/helpers.ts';
import type { ProducingFixture } from '../kafka/helpers.ts';
import { factory, readTopic } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

async function offsetStore(topic: string): Promise<KafkaOffsetBackingStore> {
  const store = new KafkaOffsetBackingStore({ kafka: fx.kafka, admin: fx.admin, producer: fx.producer, logger, topic, partitions: 1, replicationFactor: 1 });
  await store.start();
  return store;
}

const VALUE_SCHEMA: ConnectSchema = {
  type: 'struct',
  name: 'shop.orders.Value',
  optional: false,
  fields: [
    { field: 'id', type: 'int64', optional: false },
    { field: 'amount', type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' } },
  ],
};

function order(topic: string, id: number): SchemaSourceRecord {
  return {
    topic,
    keySchema: { type: 'int64', optional: false },
    key: id,
    valueSchema: VALUE_SCHEMA,
    // 12.34 as a Decimal(scale 2): unscaled 1234 = 0x04D2, base64 "BNI=".
    value: { id, amount: 'BNI=' },
    headers: { origin: 'test' },
    sourcePartition: { table: 'orders' },
    sourceOffset: { pos: id },
  };
}

const CONFIG = {
  'connector.class': 'io.conveyor.Datagen',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  transforms: 'stamp,rename',
  'transforms.stamp.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
  'transforms.stamp.static.field': 'source',
  'transforms.stamp.static.value': 'conveyor',
  'transforms.rename.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value',
  'transforms.rename.renames': 'amount:total',
  'topic.creation.default.partitions': '2',
  'topic.creation.default.replication.factor': '1',
};

void test('records land on a created topic as JsonConverter writes them; offsets are stored after ack on flush and survive a restart', async (t) => {
  const offsetsTopic = uniqueName('pipeline-offsets');
  const topic = uniqueName('pipeline-orders');
  fx.topics.push(offsetsTopic, topic);
  const store = await offsetStore(offsetsTopic);
  const f = factory(store, { 'offset.flush.interval.ms': '600000' });
  const connector = uniqueName('src');
  const p = f.sourceSink(connector, 0, CONFIG);
  t.after(() => p.stop());
  t.after(() => store.stop());
  try {
    await p.start();
    await p.append([order(topic, 1), order(topic, 2), order(topic, 3)]);
    assert.equal((await fx.admin.partitions(topic)).length, 2, 'created per topic.creation.default.*');
    assert.deepEqual(await store.getAll(connector), [], 'acknowledged, but the flush interval has not come');
    await p.stop();
  } finally {
    await f.close();
  }
  assert.deepEqual(await store.getAll(connector), [{ connector, partition: { table: 'orders' }, offset: { pos: 3 } }]);

  const raw = await readTopic(fx, topic, 3);
  const schema =
    '{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},' +
    '{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"total"},' +
    '{"type":"string","optional":true,"field":"source"}],"optional":false,"name":"shop.orders.Value"}';
  assert.deepEqual(
    raw.sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '')).map((r) => [r.key, r.value, r.headers]),
    [1, 2, 3].map((id) => [
      `{"schema":{"type":"int64","optional":false},"payload":${id}}`,
      `{"schema":${schema},"payload":{"id":${id},"total":"BNI=","source":"conveyor"}}`,
      { origin: 'test' },
    ]),
  );

  const restarted = await offsetStore(offsetsTopic);
  t.after(() => restarted.stop());
  assert.deepEqual(await restarted.get([{ connector, partition: { table: 'orders' } }]), [{ connector, partition: { table: 'orders' }, offset: { pos: 3 } }]);
});

void test('offsets flush on the interval, and a batch Kafka never acknowledged fails the task and stores no offset', async (t) => {
  const offsetsTopic = uniqueName('pipeline-offsets');
  const topic = await fx.topic('pipeline-existing', 1);
  const missing = uniqueName('pipeline-missing');
  fx.topics.push(offsetsTopic);
  const store = await offsetStore(offsetsTopic);
  const f = factory(store, { 'offset.flush.interval.ms': '100' });
  const connector = uniqueName('src');
  const { 'topic.creation.default.partitions': _p, 'topic.creation.default.replication.factor': _r, ...noCreation } = CONFIG;
  const p = f.sourceSink(connector, 0, noCreation);
  t.after(() => p.stop());
  t.after(() => store.stop());
  try {
    await p.start();
    await p.append([order(topic, 1)]);
    await eventually(async () => ((await store.getAll(connector)).length > 0 ? true : undefined), 'the periodic offset flush');
    await assert.rejects(p.append([order(missing, 2)]), (e: Error) => {
      assert.match(e.message, /^Tolerance exceeded in error handler at stage KAFKA_PRODUCE \(org.apache.kafka.clients.producer.KafkaProducer\): /);
      assert.ok(e.message.includes(`topic ${missing}`), e.message);
      return true;
    });
    assert.equal(p.state, 'FAILED');
    await p.stop();
  } finally {
    await f.close();
  }
  assert.deepEqual(await store.getAll(connector), [{ connector, partition: { table: 'orders' }, offset: { pos: 1 } }]);
  assert.deepEqual(await fx.admin.existingTopics([missing]), new Set(), 'no topic is created without topic.creation.*');
});

void test('a record aimed at the worker\'s offsets topic or a Kafka internal topic fails the task, naming the topic; nothing is written', async (t) => {
  const offsetsTopic = uniqueName('pipeline-offsets');
  fx.topics.push(offsetsTopic);
  const store = await offsetStore(offsetsTopic);
  t.after(() => store.stop());
  const f = factory(store, { 'offset.flush.interval.ms': '100' });
  try {
    for (const target of [offsetsTopic, '__consumer_offsets']) {
      const connector = uniqueName('src');
      const p = f.sourceSink(connector, 0, { ...CONFIG, 'errors.tolerance': 'all' });
      await p.start();
      // Kafka's own internal topics are left out of the admin client's metadata (and the broker refuses produce
      // requests to them anyway): what is written is counted on the worker's offsets topic.
      const countable = !target.startsWith('__');
      const before = countable ? (await fx.admin.endOffsets(target)).get(0)?.high : undefined;
      await assert.rejects(p.append([order(target, 1)]), (e: { code?: string; message?: string }) => {
        assert.equal(e.code, 'CONVEYOR_CAPABILITY_DENIED');
        assert.match(String(e.message), new RegExp(`^connector ${connector} may not write to topic ${target}: it is `));
        return true;
      });
      assert.equal(p.state, 'FAILED');
      await p.stop();
      if (countable) assert.equal((await fx.admin.endOffsets(target)).get(0)?.high, before, `nothing written to ${target}`);
    }
  } finally {
    await f.close();
  }
});
