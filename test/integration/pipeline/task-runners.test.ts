/**
 * The worker's task runners driven through the Kafka pipelines, as the worker will wire them: a scripted stand-in
 * for the sandboxed task (the sandbox has its own suites), everything else real.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuntimeMethod } from '../../../sdk/runtime.ts';
import type { SinkRecord, SourceRecord, TopicPartitionOffsets } from '../../../sdk/records.ts';
import { pipelineOffsetReader } from '../../../host/pipeline/offsets.ts';
import type { SandboxInstance } from '../../../host/sandbox/sandbox-pool.ts';
import { KafkaOffsetBackingStore } from '../../../host/storage/kafka-offset-store.ts';
import { SinkTaskRunner, SourceTaskRunner } from '../../../host/worker/task-runner.ts';
import { traceOf } from '../../../host/worker/connector-runtime.ts';
import { eventually, producingFixture, logger, uniqueName } from '../kafka/helpers.ts';
import type { ProducingFixture } from '../kafka/helpers.ts';
import { factory, noOffsets, readTopic } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

type Handler = (arg: unknown) => unknown;

function scriptedTask(handlers: Partial<Record<RuntimeMethod, Handler>>): SandboxInstance {
  return {
    taskKey: uniqueName('task'),
    createMs: 0,
    invoke: <T>(method: RuntimeMethod, arg?: unknown): Promise<T> => Promise.resolve((handlers[method]?.(arg) ?? null) as T),
    onFailure: () => undefined,
    dispose: () => Promise.resolve(),
  };
}

function polls(batches: SourceRecord[][]): Handler {
  return () => batches.shift() ?? [];
}

const source = (topic: string, i: number, extra: Partial<SourceRecord> = {}): SourceRecord => ({
  topic, key: `k${i}`, value: { i }, sourcePartition: { shard: 1 }, sourceOffset: { seq: i }, ...extra,
});

const SOURCE_CONFIG = {
  'connector.class': 'Datagen',
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};

void test('a source task runner appends through the pipeline; offsets come from the pipeline after acks', async (t) => {
  const topic = await fx.topic('runner-src', 1);
  const offsetsTopic = uniqueName('runner-offsets');
  fx.topics.push(offsetsTopic);
  const store = new KafkaOffsetBackingStore({ kafka: fx.kafka, admin: fx.admin, producer: fx.producer, logger, topic: offsetsTopic, partitions: 1, replicationFactor: 1 });
  await store.start();
  t.after(() => store.stop());
  const f = factory(store, { 'offset.flush.interval.ms': '100' });
  const connector = uniqueName('src');
  const pipeline = f.sourceSink(connector, 0, SOURCE_CONFIG);
  const failures: unknown[] = [];
  const runner = new SourceTaskRunner(
    { connector, taskId: 0, config: SOURCE_CONFIG, instance: scriptedTask({ poll: polls([[source(topic, 1), source(topic, 2)], [source(topic, 3)]]) }), log: logger, onFailure: (e) => failures.push(e) },
    pipeline,
    null,
  );
  try {
    await pipeline.start();
    await runner.start();
    await eventually(() => (runner.records === 3 ? true : undefined), 'three records appended');
    const offsets = pipelineOffsetReader(store);
    await eventually(async () => ((await offsets.get(connector, { shard: 1 }))?.seq === 3 ? true : undefined), 'the offset of the last record');
  } finally {
    await runner.stop();
    await pipeline.stop();
    await f.close();
  }
  assert.deepEqual(failures, []);
  assert.deepEqual((await readTopic(fx, topic, 3)).map((r) => [r.key, r.value]), [['k1', '{"i":1}'], ['k2', '{"i":2}'], ['k3', '{"i":3}']]);
});

void test('a source task whose record fails conversion under tolerance none fails with the stage in its trace', async () => {
  const topic = await fx.topic('runner-src-fail', 1);
  const f = factory(noOffsets);
  const connector = uniqueName('src');
  const pipeline = f.sourceSink(connector, 0, SOURCE_CONFIG);
  const failed: unknown[] = [];
  const runner = new SourceTaskRunner(
    {
      connector, taskId: 0, config: SOURCE_CONFIG, log: logger, onFailure: (e) => failed.push(e),
      instance: scriptedTask({ poll: polls([[{ ...source(topic, 1), valueSchema: { type: 'int32', optional: false } }]]) }),
    },
    pipeline,
    null,
  );
  try {
    await pipeline.start();
    await runner.start();
    const error = await eventually(() => failed[0], 'the task to fail');
    assert.match(traceOf(error), /Tolerance exceeded in error handler at stage TASK_POLL \(Datagen\): DataError: .*INT32/);
  } finally {
    await runner.stop();
    await pipeline.stop();
    await f.close();
  }
});

void test('a sink task runner gets batches from the pipeline and only what preCommit returns is committed', async () => {
  const topic = await fx.topic('runner-sink', 1);
  await fx.producer.send(Array.from({ length: 5 }, (_, i) => ({ topic, key: `k${i}`, value: `{"n":${i}}` })));
  const connector = uniqueName('sink');
  fx.groups.push(`connect-${connector}`);
  const config = { ...SOURCE_CONFIG, 'connector.class': 'CountingSink', topics: topic };
  const f = factory(noOffsets);
  const pipeline = f.sinkSource(connector, 0, config);
  const put: SinkRecord[] = [];
  const instance = scriptedTask({
    put: (batch) => void put.push(...(batch as SinkRecord[])),
    // The task keeps the last record buffered: everything before it is durable.
    preCommit: (position) => Object.fromEntries(Object.entries(position as TopicPartitionOffsets).map(([k, v]) => [k, v - 1])),
  });
  const failures: unknown[] = [];
  const runner = new SinkTaskRunner({ connector, taskId: 0, config, instance, log: logger, commitIntervalMs: 100, onFailure: (e) => failures.push(e) }, pipeline);
  try {
    await pipeline.start();
    await runner.start();
    await eventually(() => (put.length === 5 ? true : undefined), 'five records put');
    await eventually(async () => ((await fx.admin.groupOffsets(`connect-${connector}`, [topic])).get(topic)?.get(0) === 4n ? true : undefined), 'offset 4 committed');
  } finally {
    await runner.stop();
    await pipeline.stop();
    await f.close();
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(put.map((r) => r.value), [0, 1, 2, 3, 4].map((n) => ({ n })));
});
