import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TopicLog } from '../../../host/kafka/topic-log.ts';
import type { LogRecord } from '../../../host/kafka/topic-log.ts';
import { KafkaOffsetBackingStore } from '../../../host/storage/kafka-offset-store.ts';
import { OffsetWriter } from '../../../host/storage/offset-writer.ts';
import { producingFixture, logger, uniqueName } from './helpers.ts';
import type { ProducingFixture } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

function store(topic: string): KafkaOffsetBackingStore {
  return new KafkaOffsetBackingStore({ kafka: fx.kafka, admin: fx.admin, producer: fx.producer, logger, topic, partitions: 3, replicationFactor: 1 });
}

async function readRaw(topic: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const log = new TopicLog({ kafka: fx.kafka, admin: fx.admin, topic, logger, onRecord: (r) => records.push(r) });
  await log.start();
  await log.stop();
  return records.sort((a, b) => Number(a.offset - b.offset));
}

void test('creates a compacted offsets topic and writes Kafka Connect key/value bytes', async () => {
  const topic = uniqueName('offsets');
  fx.topics.push(topic);
  const s = store(topic);
  await s.start();
  assert.deepEqual(await fx.admin.topicConfig(topic, ['cleanup.policy']), { 'cleanup.policy': 'compact' });
  assert.equal((await fx.admin.partitions(topic)).length, 3);
  await s.set([{ connector: 'mysql', partition: { server: 'db1' }, offset: { file: 'binlog.000001', pos: 4 } }]);
  await s.stop();
  const raw = await readRaw(topic);
  assert.equal(raw.length, 1);
  assert.equal(raw[0]?.key?.toString(), '["mysql",{"server":"db1"}]');
  assert.equal(raw[0]?.value?.toString(), '{"file":"binlog.000001","pos":4}');
});

void test('a new store reads the whole topic on start, including records written as Kafka Connect writes them', async () => {
  const topic = uniqueName('offsets');
  fx.topics.push(topic);
  const a = store(topic);
  await a.start();
  await a.set([
    { connector: 'c1', partition: { file: 'a' }, offset: { line: 1 } },
    { connector: 'c1', partition: { file: 'b' }, offset: { line: 7 } },
    { connector: 'c2', partition: { file: 'a' }, offset: { line: 3 } },
  ]);
  await a.set([{ connector: 'c1', partition: { file: 'a' }, offset: { line: 2 } }]);
  await a.set([{ connector: 'c1', partition: { file: 'b' }, offset: null }]);
  // As Kafka Connect's own worker would have written it.
  await fx.producer.send([{ topic, key: '["c3",{"table":"t","db":"x"}]', value: '{"ts":99}' }]);
  await a.stop();

  const b = store(topic);
  await b.start();
  assert.deepEqual(await b.getAll('c1'), [{ connector: 'c1', partition: { file: 'a' }, offset: { line: 2 } }]);
  assert.deepEqual(await b.get([{ connector: 'c3', partition: { db: 'x', table: 't' } }]), [
    { connector: 'c3', partition: { table: 't', db: 'x' }, offset: { ts: 99 } },
  ]);
  assert.equal((await b.getAll('c2')).length, 1);
  await b.stop();
});

void test('get sees offsets another store wrote after start', async () => {
  const topic = uniqueName('offsets');
  fx.topics.push(topic);
  const a = store(topic);
  const b = store(topic);
  await a.start();
  await b.start();
  await a.set([{ connector: 'c', partition: { p: 0 }, offset: { o: 42 } }]);
  assert.deepEqual(await b.get([{ connector: 'c', partition: { p: 0 } }]), [{ connector: 'c', partition: { p: 0 }, offset: { o: 42 } }]);
  await a.stop();
  await b.stop();
});

void test('the offset writer flushes only acknowledged offsets to the topic', async () => {
  const topic = uniqueName('offsets');
  fx.topics.push(topic);
  const s = store(topic);
  await s.start();
  const writer = new OffsetWriter({ connector: 'src', store: s, logger, flushIntervalMs: 3_600_000 });
  const data = await fx.topic('data');
  const handles = [1, 2, 3].map((n) => ({ n, handle: writer.submit({ file: 'f' }, { line: n }) }));
  const acks = await fx.producer.send(handles.slice(0, 2).map(({ n }) => ({ topic: data, key: null, value: `line ${n}` })));
  assert.equal(acks.length, 2);
  handles[0]?.handle.ack();
  handles[1]?.handle.ack();
  await writer.stop();
  assert.deepEqual(await s.getAll('src'), [{ connector: 'src', partition: { file: 'f' }, offset: { line: 2 } }]);
  await s.stop();
});
