import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConverters } from '../../../host/connect/converters/from-config.ts';
import { buildTransformChain } from '../../../host/connect/transforms/chain.ts';
import { ConveyorError, ErrorCode } from '../../../host/core/errors.ts';
import { parseErrorHandlingConfig } from '../../../host/errors/error-config.ts';
import type { ProcessingFailure } from '../../../host/errors/reporters.ts';
import { SinkPipeline } from '../../../host/pipeline/sink-pipeline.ts';
import { FakeConsumer, batch, capturingLogger, fakeClock } from './fakes.ts';

const STRUCT = (id: number): string =>
  `{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"bytes","optional":true,"field":"blob"}],"optional":false,"name":"row"},` +
  `"payload":{"id":${id},"blob":"AQI="}}`;

const STRING_VALUE = '{"schema":{"type":"string","optional":false},"payload":"just a string"}';

const BASE = { 'connector.class': 'CountingSink', topics: 'in', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' };

function setup(config: Record<string, string> = {}, maxBufferedRecords = 100) {
  const connector = { ...BASE, ...config };
  const consumer = new FakeConsumer();
  const dlq: ProcessingFailure[] = [];
  const errors = parseErrorHandlingConfig(connector);
  const captured = capturingLogger();
  const pipeline = new SinkPipeline({
    connector: 'orders-sink',
    taskId: 0,
    connectorClass: 'CountingSink',
    converters: buildConverters(connector),
    chain: buildTransformChain(connector),
    errors,
    openConsumer: consumer.open,
    ...(errors.deadLetterQueue === undefined ? {} : { openDeadLetterQueue: () => Promise.resolve({ report: (f: ProcessingFailure) => (dlq.push(f), Promise.resolve()) }) }),
    maxBufferedRecords,
    logger: captured.logger,
    clock: fakeClock(),
  });
  return { pipeline, consumer, dlq, lines: captured.lines };
}

const tp0 = { topic: 'in', partition: 0 };
const tp1 = { topic: 'in', partition: 1 };

void test('consumed JSON with schemas reaches the task as SDK records with schemas, after transforms', async () => {
  const { pipeline, consumer } = setup({
    transforms: 'route,tag',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': 'in',
    'transforms.route.replacement': 'out',
    'transforms.tag.type': 'org.apache.kafka.connect.transforms.InsertHeader',
    'transforms.tag.header': 'via',
    'transforms.tag.value.literal': 'conveyor',
  });
  await pipeline.start();
  consumer.assign([tp0]);
  await consumer.deliver(batch('in', 0, 5, [STRUCT(7)], { h: '42' }));
  const [r] = await pipeline.fetch(10, 0);
  assert.deepEqual(r, {
    topic: 'out',
    partition: 0,
    offset: 5,
    key: 'k5',
    keySchema: { type: 'string', optional: true },
    value: { id: 7, blob: 'AQI=' },
    valueSchema: { type: 'struct', fields: [{ type: 'int64', optional: false, field: 'id' }, { type: 'bytes', optional: true, field: 'blob' }], optional: false, name: 'row' },
    headers: { h: '42', via: 'conveyor' },
    timestamp: 1_700_000_000_005,
    originalTopic: 'in',
    originalPartition: 0,
  });
  assert.deepEqual(pipeline.position(), { 'in/0': 6 });
  await pipeline.stop();
  assert.equal(consumer.closed, true);
});

void test('fetch waits for the first record up to waitMs, and close() wakes it', async () => {
  const { pipeline, consumer } = setup({ 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' });
  await pipeline.start();
  consumer.assign([tp0]);
  const waiting = pipeline.fetch(10, 60_000);
  await consumer.deliver(batch('in', 0, 0, ['a', 'b']));
  assert.deepEqual((await waiting).map((r) => r.value), ['a', 'b']);
  const idle = pipeline.fetch(10, 60_000);
  pipeline.close();
  assert.deepEqual(await idle, []);
  await pipeline.stop();
});

void test('a full buffer pauses the partitions and draining it resumes them', async () => {
  const { pipeline, consumer } = setup({ 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' }, 4);
  await pipeline.start();
  consumer.assign([tp0, tp1]);
  await consumer.deliver(batch('in', 0, 0, ['a', 'b', 'c']));
  assert.equal(consumer.paused.size, 0);
  await consumer.deliver(batch('in', 1, 0, ['d', 'e']));
  assert.deepEqual([...consumer.paused].sort(), ['in/0', 'in/1']);
  assert.equal(pipeline.buffered, 5);
  assert.equal((await pipeline.fetch(2, 0)).length, 2);
  assert.equal(consumer.paused.size, 2, 'still above half of the bound');
  assert.equal((await pipeline.fetch(1, 0)).length, 1);
  assert.equal(consumer.paused.size, 0);
  await pipeline.stop();
});

void test('only offsets the task declared durable are committed, never past what it was handed, only for owned partitions', async () => {
  const { pipeline, consumer } = setup({ 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' });
  await pipeline.start();
  consumer.assign([tp0, tp1]);
  await consumer.deliver(batch('in', 0, 0, ['a', 'b', 'c']));
  await consumer.deliver(batch('in', 1, 10, ['x']));
  await pipeline.fetch(2, 0);
  assert.deepEqual(pipeline.position(), { 'in/0': 2 });
  await pipeline.commit({ 'in/0': 1, 'in/1': 11, 'other/0': 3 });
  assert.deepEqual(Object.fromEntries(consumer.durable), { 'in/0': 1n });
  await pipeline.commit({ 'in/0': 99 });
  assert.deepEqual(Object.fromEntries(consumer.durable), { 'in/0': 2n });
  await pipeline.stop();
});

void test('a revoked partition loses nothing: its buffer is dropped, its offsets are not committed, and re-delivery is not doubled', async () => {
  const { pipeline, consumer } = setup({ 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' });
  await pipeline.start();
  consumer.assign([tp0, tp1]);
  await consumer.deliver(batch('in', 0, 0, ['a', 'b']));
  await consumer.deliver(batch('in', 1, 0, ['x', 'y']));
  await pipeline.fetch(1, 0);
  consumer.assign([tp0]);
  assert.equal(pipeline.stats.revokedDropped, 2);
  await pipeline.commit({ 'in/1': 1 });
  assert.equal(consumer.durable.size, 0);
  // After a rebalance kafkajs reads kept partitions again from the committed offset.
  await consumer.deliver(batch('in', 0, 0, ['a', 'b', 'c']));
  assert.deepEqual((await pipeline.fetch(10, 0)).map((r) => `${r.partition}:${JSON.stringify(r.value)}`), ['0:"b"', '0:"c"']);
  // Batches of partitions no longer assigned are ignored.
  await consumer.deliver(batch('in', 1, 2, ['z']));
  assert.equal(pipeline.buffered, 0);
  await pipeline.stop();
});

void test('a poison record under errors.tolerance=all goes to the DLQ with its original bytes, is counted and logged, and the rest flows', async () => {
  const { pipeline, consumer, dlq, lines } = setup({ 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq', 'errors.deadletterqueue.topic.replication.factor': '1' });
  await pipeline.start();
  consumer.assign([tp0]);
  await consumer.deliver(batch('in', 0, 0, [STRUCT(1), 'not json', STRUCT(3)]));
  const got = await pipeline.fetch(10, 0);
  assert.deepEqual(got.map((r) => r.offset), [0, 2]);
  assert.deepEqual(pipeline.position(), { 'in/0': 3 }, 'the failed record counts as processed');
  assert.equal(dlq.length, 1);
  assert.equal(dlq[0]?.stage, 'VALUE_CONVERTER');
  assert.equal(dlq[0]?.className, 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(dlq[0]?.record?.value?.toString(), 'not json');
  assert.equal(dlq[0]?.record?.offset, 1n);
  assert.equal(pipeline.stats.failed, 1);
  assert.ok(lines.some((l) => l.msg === 'record failed in the pipeline' && l.offset === '1' && l.stage === 'VALUE_CONVERTER'));
  await pipeline.stop();
});

void test('a transform failure is reported at the TRANSFORMATION stage with the original record', async () => {
  const { pipeline, consumer, dlq } = setup({
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': 'dlq',
    transforms: 'extract',
    'transforms.extract.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
    'transforms.extract.field': 'id',
  });
  await pipeline.start();
  consumer.assign([tp0]);
  await consumer.deliver(batch('in', 0, 0, [STRING_VALUE, STRUCT(2)]));
  assert.deepEqual((await pipeline.fetch(10, 0)).map((r) => r.value), [2]);
  assert.equal(dlq[0]?.stage, 'TRANSFORMATION');
  assert.equal(dlq[0]?.record?.value?.toString(), STRING_VALUE);
  await pipeline.stop();
});

void test('errors.tolerance=none fails fetch with a clear error and keeps failing', async () => {
  const { pipeline, consumer } = setup();
  await pipeline.start();
  consumer.assign([tp0]);
  await consumer.deliver(batch('in', 0, 0, [STRUCT(1), 'not json']));
  await assert.rejects(pipeline.fetch(10, 0), /Tolerance exceeded in error handler at stage VALUE_CONVERTER \(org\.apache\.kafka\.connect\.json\.JsonConverter\).*\(record in-0@1\)/);
  assert.equal(pipeline.state, 'FAILED');
  await assert.rejects(pipeline.fetch(10, 0), /Tolerance exceeded/);
  assert.deepEqual(pipeline.position(), {}, 'nothing handed out, nothing to commit');
  await pipeline.stop();
});

void test('a consumer that stops for good fails the pipeline', async () => {
  const { pipeline, consumer } = setup();
  await pipeline.start();
  consumer.handlers.onFailure(new ConveyorError(ErrorCode.unavailable, 'consumer of group connect-orders-sink crashed'));
  await assert.rejects(pipeline.fetch(10, 1000), /crashed/);
  await pipeline.stop();
});
