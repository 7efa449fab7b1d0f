import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isConveyorError } from '../../../host/core/errors.ts';
import type { ProducerRecord } from '../../../host/kafka/producer.ts';
import type { SinkPipelineHandle } from '../../../host/pipeline/factory.ts';
import type { SinkRecord, TopicPartitionOffsets } from '../../../sdk/records.ts';
import { eventually, producingFixture, uniqueName } from '../kafka/helpers.ts';
import type { ProducingFixture } from '../kafka/helpers.ts';
import { factory, noOffsets, readTopic } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

const row = (id: number): string =>
  `{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"}],"optional":false,"name":"row"},"payload":{"id":${id},"name":"r${id}"}}`;

const CONFIG = {
  'connector.class': 'io.conveyor.CountingSink',
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
};

function connectorName(): string {
  const name = uniqueName('sink');
  fx.groups.push(`connect-${name}`);
  return name;
}

/** Fetches until n records arrived (fetch waits up to 500 ms each time for the first one). */
async function fetchN(p: SinkPipelineHandle, n: number): Promise<SinkRecord[]> {
  const out: SinkRecord[] = [];
  const deadline = Date.now() + 30_000;
  while (out.length < n) {
    if (Date.now() > deadline) throw new Error(`got ${out.length} of ${n} records`);
    out.push(...(await p.fetch(n - out.length, 500)));
  }
  return out;
}

void test('records come back as the task sees them; only offsets declared durable are committed; a restart resumes there', async (t) => {
  const topic = await fx.topic('pipeline-sink', 2);
  const records: ProducerRecord[] = Array.from({ length: 10 }, (_, i) => ({ topic, partition: i % 2, key: `k${i}`, value: row(i), headers: { n: String(i) } }));
  await fx.producer.send(records);
  const connector = connectorName();
  const config = { ...CONFIG, topics: topic, transforms: 'src', 'transforms.src.type': 'org.apache.kafka.connect.transforms.InsertField$Value', 'transforms.src.topic.field': 'from' };
  const f = factory(noOffsets);
  const declared: TopicPartitionOffsets = {};
  try {
    const p = f.sinkSource(connector, 0, config);
    t.after(() => p.stop());
    await p.start();
    const got = await fetchN(p, 10);
    const first = got.find((r) => r.key === 'k4');
    assert.deepEqual(first && { key: first.key, value: first.value, headers: first.headers, partition: first.partition, offset: first.offset }, {
      key: 'k4',
      value: { id: 4, name: 'r4', from: topic },
      headers: { n: '4' },
      partition: 0,
      offset: 2,
    });
    assert.deepEqual((first as unknown as { valueSchema: { fields: { field: string }[] } }).valueSchema.fields.map((x) => x.field), ['id', 'name', 'from']);
    assert.deepEqual(p.position(), { [`${topic}/0`]: 5, [`${topic}/1`]: 5 });
    // The task made only the first two records of partition 0 and three of partition 1 durable.
    declared[`${topic}/0`] = 2;
    declared[`${topic}/1`] = 3;
    await p.commit(declared);
    p.close();
    await p.stop();
    const committed = await fx.admin.groupOffsets(`connect-${connector}`, [topic]);
    assert.deepEqual(Object.fromEntries(committed.get(topic) ?? []), { 0: 2n, 1: 3n });

    const again = f.sinkSource(connector, 0, config);

    t.after(() => again.stop());
    await again.start();
    const rest = await fetchN(again, 5);
    assert.deepEqual(rest.map((r) => `${r.partition}@${r.offset}`).sort(), ['0@2', '0@3', '0@4', '1@3', '1@4']);
    again.close();
    await again.stop();
  } finally {
    await f.close();
  }
});

void test('a poison record under errors.tolerance=all goes to the DLQ with its original bytes and context headers; the pipeline keeps going', async (t) => {
  const topic = await fx.topic('pipeline-poison', 1);
  const dlq = uniqueName('pipeline-dlq');
  fx.topics.push(dlq);
  await fx.producer.send([
    { topic, key: 'a', value: row(1) },
    { topic, key: 'b', value: 'not json at all', headers: { trace: 't-1' } },
    { topic, key: 'c', value: row(3) },
  ]);
  const connector = connectorName();
  const f = factory(noOffsets);
  try {
    const p = f.sinkSource(connector, 0, {
      ...CONFIG,
      topics: topic,
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    t.after(() => p.stop());
    await p.start();
    assert.deepEqual((await fetchN(p, 2)).map((r) => r.key), ['a', 'c']);
    assert.deepEqual(p.position(), { [`${topic}/0`]: 3 });
    assert.equal(p.stats.failed, 1);
    await fx.producer.send([{ topic, key: 'd', value: row(4) }]);
    assert.deepEqual((await fetchN(p, 1)).map((r) => r.key), ['d']);
    p.close();
    await p.stop();
  } finally {
    await f.close();
  }
  const [dead] = await readTopic(fx, dlq, 1);
  assert.ok(dead);
  assert.equal(dead.key, 'b');
  assert.equal(dead.value, 'not json at all');
  assert.equal(dead.headers.trace, 't-1');
  assert.equal(dead.headers['__connect.errors.topic'], topic);
  assert.equal(dead.headers['__connect.errors.partition'], '0');
  assert.equal(dead.headers['__connect.errors.offset'], '1');
  assert.equal(dead.headers['__connect.errors.connector.name'], connector);
  assert.equal(dead.headers['__connect.errors.task.id'], '0');
  assert.equal(dead.headers['__connect.errors.stage'], 'VALUE_CONVERTER');
  assert.equal(dead.headers['__connect.errors.class.name'], 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(dead.headers['__connect.errors.exception.class.name'], 'DataError');
});

void test('under errors.tolerance=none a poison record fails the task with a clear error and nothing past it is committed', async (t) => {
  const topic = await fx.topic('pipeline-fatal', 1);
  await fx.producer.send([
    { topic, key: 'a', value: row(1) },
    { topic, key: 'b', value: '{"payload":1}' },
  ]);
  const connector = connectorName();
  const f = factory(noOffsets);
  try {
    const p = f.sinkSource(connector, 0, { ...CONFIG, topics: topic });
    t.after(() => p.stop());
    await p.start();
    const failure = await (async () => {
      for (let i = 0; i < 60; i++) {
        try {
          await p.fetch(10, 500);
        } catch (e) {
          return e;
        }
      }
      return undefined;
    })();
    assert.ok(isConveyorError(failure), 'a ConveyorError fails the task');
    assert.equal(failure.code, 'CONVEYOR_TASK_FAILED');
    assert.match(failure.message, /^Tolerance exceeded in error handler at stage VALUE_CONVERTER \(org\.apache\.kafka\.connect\.json\.JsonConverter\): DataError: JsonConverter with schemas.enable requires "schema" and "payload" fields/);
    assert.ok(failure.message.endsWith(`(record ${topic}-0@1)`), failure.message);
    assert.equal(p.state, 'FAILED');
    await p.commit({ [`${topic}/0`]: 2 });
    await p.stop();
  } finally {
    await f.close();
  }
  const committed = await fx.admin.groupOffsets(`connect-${connector}`, [topic]);
  assert.deepEqual(Object.fromEntries(committed.get(topic) ?? []), { 0: -1n }, 'no record was handed out, so none is committed');
});

void test('a rebalance loses nothing: the moved partition is read again from what was declared durable, and the old owner cannot commit it', async (t) => {
  const topic = await fx.topic('pipeline-rebalance', 2);
  await fx.producer.send(Array.from({ length: 12 }, (_, i) => ({ topic, partition: i % 2, key: `k${i}`, value: row(i) })));
  const connector = connectorName();
  const config = { ...CONFIG, topics: topic };
  const f = factory(noOffsets);
  try {
    const first = f.sinkSource(connector, 0, config);
    t.after(() => first.stop());
    await first.start();
    assert.equal((await fetchN(first, 12)).length, 12);
    await first.commit({ [`${topic}/0`]: 3, [`${topic}/1`]: 3 });

    const second = f.sinkSource(connector, 1, config);

    t.after(() => second.stop());
    await second.start();
    const moved = await fetchN(second, 3);
    const partition = moved[0]?.partition;
    assert.ok(partition !== undefined);
    assert.deepEqual(moved.map((r) => `${r.partition}@${r.offset}`), [3, 4, 5].map((o) => `${partition}@${o}`));
    const key = `${topic}/${partition}`;
    // The old owner learns of the new assignment when its own SyncGroup answer arrives, at about the same time.
    await eventually(() => (first.position()[key] === undefined ? true : undefined), 'the old owner to forget the moved partition');
    await first.commit({ [key]: 6 });
    let committed = await fx.admin.groupOffsets(`connect-${connector}`, [topic]);
    assert.equal(committed.get(topic)?.get(partition), 3n, 'the old owner\'s late commit of a revoked partition is ignored');

    await second.commit({ [key]: 6 });
    for (const p of [first, second]) {
      p.close();
      await p.stop();
    }
    committed = await fx.admin.groupOffsets(`connect-${connector}`, [topic]);
    assert.equal(committed.get(topic)?.get(partition), 6n);
    assert.equal(committed.get(topic)?.get(1 - partition), 3n);
  } finally {
    await f.close();
  }
});
