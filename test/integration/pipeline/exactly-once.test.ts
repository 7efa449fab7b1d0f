/**
 * exactly.once.source.support on the real Kafka: records and source offsets commit in one transaction per batch, and
 * the ownership fence hook keeps a worker that lost its task from committing records or offsets. (The broker's own
 * fencing by transactional.id epoch is tested in test/integration/kafka/transactional-fencing.test.ts; the ownership
 * check before every commit is the second wall, tested here.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConveyorError, ErrorCode } from '../../../host/core/errors.ts';
import { createPipelineFactory } from '../../../host/pipeline/factory.ts';
import type { SchemaSourceRecord } from '../../../host/pipeline/records.ts';
import { KafkaOffsetBackingStore } from '../../../host/storage/kafka-offset-store.ts';
import { BOOTSTRAP, producingFixture, logger, uniqueName } from '../kafka/helpers.ts';
import type { ProducingFixture } from '../kafka/helpers.ts';
import { readTopic } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

const CONFIG = {
  'connector.class': 'io.conveyor.Test',
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
};

async function offsetStore(): Promise<KafkaOffsetBackingStore> {
  const topic = await fx.topic('eos-offsets', 1, { 'cleanup.policy': 'compact' });
  const store = new KafkaOffsetBackingStore({ kafka: fx.kafka, admin: fx.admin, producer: fx.producer, logger, topic, partitions: 1, replicationFactor: 1 });
  await store.start();
  return store;
}

function records(topic: string, from: number, to: number): SchemaSourceRecord[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ topic, key: `k${from + i}`, value: `v${from + i}`, sourcePartition: { file: 'x' }, sourceOffset: { line: from + i } }));
}

function eosFactory(store: KafkaOffsetBackingStore, transactionalId: string, fence?: () => Promise<void>): ReturnType<typeof createPipelineFactory> {
  return createPipelineFactory({
    kafka: { bootstrapServers: BOOTSTRAP, clientId: uniqueName('eos-test') },
    worker: { 'offset.flush.interval.ms': '100' },
    offsetStore: store,
    logger,
    exactlyOnce: { transactionalId: () => transactionalId },
    ...(fence === undefined ? {} : { fence: () => fence() }),
  });
}

test('with exactly-once, each batch and its source offsets commit together; a read_committed consumer sees every record once', async () => {
  const store = await offsetStore();
  const topic = await fx.topic('eos-data');
  const f = eosFactory(store, uniqueName('txid'));
  const p = f.sourceSink('c1', 0, CONFIG);
  await p.start();
  await p.append(records(topic, 1, 50));
  await p.append(records(topic, 51, 120));
  await p.stop();
  await f.close();
  const got = await readTopic(fx, topic, 120);
  assert.deepEqual(got.map((r) => r.value), records(topic, 1, 120).map((r) => r.value));
  assert.deepEqual((await store.get([{ connector: 'c1', partition: { file: 'x' } }])).map((e) => e.offset), [{ line: 120 }]);
  await store.stop();
});

test('a fence that throws (the task moved to another worker) stops every offset commit, transactional or not', async () => {
  const store = await offsetStore();
  const topic = await fx.topic('eos-fence');
  const lost = (): Promise<void> => Promise.reject(new ConveyorError(ErrorCode.conflict, 'worker w1 does not own task/c3/0'));
  const eosPipelines = eosFactory(store, uniqueName('txid'), lost);
  const eos = eosPipelines.sourceSink('c3', 0, CONFIG);
  await eos.start();
  await assert.rejects(eos.append(records(topic, 1, 5)), /does not own/);
  await eos.stop().catch(() => undefined);
  await eosPipelines.close();

  const plain = createPipelineFactory({ kafka: { bootstrapServers: BOOTSTRAP, clientId: uniqueName('fence-test') }, worker: {}, offsetStore: store, logger, fence: lost });
  const p = plain.sourceSink('c4', 0, CONFIG);
  await p.start();
  await p.append(records(topic, 1, 5));
  await assert.rejects(p.stop(), /does not own/, 'the final offset flush is refused');
  await plain.close();
  assert.deepEqual(await store.getAll('c3'), []);
  assert.deepEqual(await store.getAll('c4'), [], 'no offsets were committed by the worker that lost the task');
  await store.stop();
});
