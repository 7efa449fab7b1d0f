import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConverters } from '../../../host/connect/converters/from-config.ts';
import { buildTransformChain } from '../../../host/connect/transforms/chain.ts';
import { ConveyorError, ErrorCode } from '../../../host/core/errors.ts';
import { parseErrorHandlingConfig } from '../../../host/errors/error-config.ts';
import { SourcePipeline } from '../../../host/pipeline/source-pipeline.ts';
import type { SchemaSourceRecord } from '../../../host/pipeline/records.ts';
import { OffsetWriter } from '../../../host/storage/offset-writer.ts';
import type { ConnectSchema } from '../../../sdk/schema.ts';
import { FakeProducer, ManualScheduler, MemoryOffsetStore, capturingLogger, fakeClock, logger } from './fakes.ts';

const VALUE_SCHEMA: ConnectSchema = {
  type: 'struct',
  name: 'orders.Value',
  optional: false,
  fields: [
    { field: 'id', type: 'int32', optional: false },
    { field: 'name', type: 'string', optional: true },
  ],
};

const BASE = {
  'connector.class': 'Datagen',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  transforms: 'origin,dropSkipped',
  'transforms.origin.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
  'transforms.origin.static.field': 'origin',
  'transforms.origin.static.value': 'conveyor',
  'transforms.dropSkipped.type': 'org.apache.kafka.connect.transforms.Filter',
  'transforms.dropSkipped.predicate': 'hasSkip',
  predicates: 'hasSkip',
  'predicates.hasSkip.type': 'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
  'predicates.hasSkip.name': 'skip',
};

function rec(id: number, extra: Partial<SchemaSourceRecord> = {}): SchemaSourceRecord {
  return {
    topic: 'orders',
    keySchema: { type: 'int32', optional: false },
    key: id,
    valueSchema: VALUE_SCHEMA,
    value: { id, name: `n${id}` },
    sourcePartition: { table: 'orders' },
    sourceOffset: { pos: id },
    ...extra,
  };
}

function setup(config: Record<string, string> = {}, producer = new FakeProducer()) {
  const connector = { ...BASE, ...config };
  const store = new MemoryOffsetStore();
  const scheduler = new ManualScheduler();
  const ensured: string[] = [];
  const clock = fakeClock();
  const captured = capturingLogger();
  const pipeline = new SourcePipeline({
    connector: 'orders-source',
    taskId: 0,
    connectorClass: 'Datagen',
    converters: buildConverters(connector),
    chain: buildTransformChain(connector),
    errors: parseErrorHandlingConfig(connector),
    offsets: new OffsetWriter({ connector: 'orders-source', store, logger, flushIntervalMs: 1000, scheduler }),
    topics: { ensure: (t) => (ensured.push(t), Promise.resolve()) },
    openProducer: () => Promise.resolve(producer),
    logger: captured.logger,
    clock,
  });
  return { pipeline, producer, store, scheduler, ensured, clock, lines: captured.lines };
}

const flushed = (store: MemoryOffsetStore): unknown[] => store.writes.flat().map((e) => e.offset);

void test('records go through transforms and the JSON converter exactly as Kafka Connect writes them', async () => {
  const { pipeline, producer, ensured } = setup();
  await pipeline.start();
  await pipeline.append([rec(1, { headers: { trace: 'abc' }, timestamp: 1_700_000_000_123 })]);
  const [sent] = producer.sent[0] ?? [];
  assert.ok(sent);
  assert.equal(sent.topic, 'orders');
  assert.equal(String(sent.key), '{"schema":{"type":"int32","optional":false},"payload":1}');
  assert.equal(
    String(sent.value),
    '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},' +
      '{"type":"string","optional":true,"field":"origin"}],"optional":false,"name":"orders.Value"},"payload":{"id":1,"name":"n1","origin":"conveyor"}}',
  );
  assert.equal(String(sent.headers?.trace), 'abc');
  assert.equal(sent.timestamp, 1_700_000_000_123);
  assert.deepEqual(ensured, ['orders']);
  await pipeline.stop();
  assert.equal(producer.closed, true);
});

void test('schemaless records are written without a schema envelope when schemas.enable=false', async () => {
  const { pipeline, producer } = setup({ 'value.converter.schemas.enable': 'false', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', transforms: '' });
  await pipeline.start();
  await pipeline.append([{ topic: 't', key: 'k', value: { a: 1, b: [true, null] }, sourcePartition: { p: 1 }, sourceOffset: { o: 1 } }]);
  const [sent] = producer.sent[0] ?? [];
  assert.equal(String(sent?.key), 'k');
  assert.equal(String(sent?.value), '{"a":1,"b":[true,null]}');
  await pipeline.stop();
});

void test("a 'json-text' record (Debezium's schema history) is written as its JSON text, past transforms and converters", async () => {
  const { pipeline, producer, store, scheduler } = setup();
  await pipeline.start();
  const history = { source: { server: 'shop' }, position: { file: 'b.1', pos: 4 }, ddl: 'CREATE TABLE t (a INT)', tableChanges: [] };
  await pipeline.append([{ topic: 'schemahistory.shop', key: null, value: history, format: 'json-text', headers: { h: 'v' }, sourcePartition: { history: 'schema' }, sourceOffset: { records: 1 } }]);
  const [sent] = producer.sent[0] ?? [];
  assert.equal(sent?.key, null);
  assert.equal(String(sent?.value), JSON.stringify(history), 'no converter envelope, no InsertField');
  assert.equal(String(sent?.headers?.h), 'v');
  scheduler.tick();
  await pipeline.stop();
  assert.deepEqual(flushed(store), [{ records: 1 }], 'its offset is committed like any other');
});

void test('offsets are flushed only after Kafka acknowledged the records', async () => {
  const producer = new FakeProducer();
  producer.autoAck = false;
  const { pipeline, store, scheduler } = setup({}, producer);
  await pipeline.start();
  const appended = pipeline.append([rec(1), rec(2)]);
  await new Promise((r) => setImmediate(r));
  scheduler.tick();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(store.writes, [], 'nothing is flushed while the batch is unacknowledged');
  producer.gates[0]?.resolve();
  await appended;
  scheduler.tick();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(flushed(store), [{ pos: 2 }]);
  await pipeline.stop();
});

void test('records dropped by a transform still count as processed for offsets', async () => {
  const { pipeline, producer, store } = setup();
  await pipeline.start();
  await pipeline.append([rec(1), rec(2, { headers: { skip: 'yes' } })]);
  assert.equal(producer.sent.flat().length, 1);
  assert.deepEqual(pipeline.stats, { records: 1, filtered: 1, failed: 0 });
  await pipeline.stop();
  assert.deepEqual(flushed(store), [{ pos: 2 }], 'stop flushes, including the dropped record\'s offset');
});

void test('errors.tolerance=all skips a record that fails conversion, logs it, and keeps going', async () => {
  const { pipeline, producer, store, lines } = setup({ 'errors.tolerance': 'all' });
  await pipeline.start();
  // id is int32 in the schema; a string payload fails the schema decoding.
  await pipeline.append([rec(1), rec(2, { value: { id: 'two', name: null } }), rec(3)]);
  assert.deepEqual(producer.sent.flat().map((r) => String(r.key)), [1, 3].map((i) => `{"schema":{"type":"int32","optional":false},"payload":${i}}`));
  assert.equal(pipeline.stats.failed, 1);
  assert.equal(pipeline.failuresByStage().get('TASK_POLL'), 1);
  assert.ok(lines.some((l) => l.msg === 'record failed in the pipeline' && l.stage === 'TASK_POLL'));
  await pipeline.stop();
  assert.deepEqual(flushed(store), [{ pos: 3 }]);
});

void test('a converter failure is reported at its stage', async () => {
  const { pipeline } = setup({ 'errors.tolerance': 'all', transforms: 'cast', 'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value', 'transforms.cast.spec': 'name:int32' });
  await pipeline.start();
  await pipeline.append([rec(1, { value: { id: 1, name: 'not a number' } })]);
  assert.equal(pipeline.failuresByStage().get('TRANSFORMATION'), 1);
  await pipeline.stop();
});

void test('errors.tolerance=none fails the batch with the stage and cause, and its offsets are never flushed', async () => {
  const { pipeline, producer, store } = setup();
  await pipeline.start();
  await assert.rejects(pipeline.append([rec(1), rec(2, { valueSchema: { type: 'nonsense' } as unknown as ConnectSchema })]), (e: Error) => {
    assert.match(e.message, /Tolerance exceeded in error handler at stage TASK_POLL \(Datagen\): DataError: Invalid valueSchema on a source record: Unknown schema type: nonsense/);
    return true;
  });
  assert.equal(pipeline.state, 'FAILED');
  assert.equal(producer.sent.length, 0);
  await assert.rejects(pipeline.append([rec(3)]), /is FAILED/);
  await pipeline.stop();
  assert.deepEqual(store.writes, []);
});

void test('retriable producer errors are retried within errors.retry.timeout', async () => {
  const producer = new FakeProducer();
  producer.failures = [new ConveyorError(ErrorCode.unavailable, 'leader moved', { retriable: true }), new ConveyorError(ErrorCode.unavailable, 'leader moved', { retriable: true })];
  const { pipeline, clock } = setup({ 'errors.retry.timeout': '10000', 'errors.retry.delay.max.ms': '1000' }, producer);
  await pipeline.start();
  await pipeline.append([rec(1)]);
  assert.equal(producer.sent.length, 1);
  assert.equal(clock.sleeps.length, 2);
  await pipeline.stop();
});

void test('a producer failure beyond the retry timeout fails the task under tolerance none', async () => {
  const producer = new FakeProducer();
  producer.failures = [new ConveyorError(ErrorCode.unavailable, 'topic orders does not exist', { retriable: true })];
  const { pipeline, store } = setup({}, producer);
  await pipeline.start();
  await assert.rejects(pipeline.append([rec(1)]), /stage KAFKA_PRODUCE .*topic orders does not exist/);
  await pipeline.stop();
  assert.deepEqual(store.writes, []);
});

void test('under tolerance all a failed send is skipped and its offsets move on, as Kafka Connect does', async () => {
  const producer = new FakeProducer();
  producer.failures = [new ConveyorError(ErrorCode.unavailable, 'record too large')];
  const { pipeline, store } = setup({ 'errors.tolerance': 'all' }, producer);
  await pipeline.start();
  await pipeline.append([rec(1)]);
  await pipeline.append([rec(2)]);
  assert.deepEqual(pipeline.stats, { records: 1, filtered: 0, failed: 1 });
  await pipeline.stop();
  assert.deepEqual(flushed(store), [{ pos: 2 }]);
});

void test('appends before start or after stop are refused', async () => {
  const { pipeline } = setup();
  await assert.rejects(pipeline.append([rec(1)]), /is CREATED/);
  await pipeline.start();
  await pipeline.stop();
  await pipeline.stop();
  await assert.rejects(pipeline.append([rec(1)]), /is STOPPED/);
});
