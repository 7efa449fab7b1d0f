/**
 * Kafka client settings per connector, through the REST API of a real worker: the worker's
 * connector.client.config.override.policy refuses overrides at validation with Kafka Connect's message, and an
 * allowed consumer.override.* reaches the sink's consumer (isolation.level: it reads an open transaction's records).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Producer } from '@platformatic/kafka';
import { BOOTSTRAP, eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { startRestWorker, tempDir } from './helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

void test("the 'None' policy refuses a consumer override at validation and at create, as Kafka Connect does", async () => {
  const tmp = await tempDir();
  const w = await startRestWorker(tmp.dir, { 'connector.client.config.override.policy': 'None' });
  cleanups.push(() => tmp.remove(), () => w.close());
  const config = { 'connector.class': 'CountingSink', topics: 'x', 'consumer.override.session.timeout.ms': '10000' };
  const validated = await w.call('PUT', '/connector-plugins/CountingSink/config/validate', { ...config, name: 'v' });
  assert.equal(validated.status, 200);
  const report = validated.body as { error_count: number; configs: { value: { name: string; errors: string[] } }[] };
  assert.equal(report.error_count, 1);
  assert.deepEqual(report.configs.find((c) => c.value.name === 'consumer.override.session.timeout.ms')?.value.errors, [
    "The 'None' policy does not allow 'session.timeout.ms' to be overridden in the connector configuration.",
  ]);
  const created = await w.call('POST', '/connectors', { name: uniqueName('refused'), config });
  assert.equal(created.status, 400);
  assert.match((created.body as { message: string }).message, /The 'None' policy does not allow 'session\.timeout\.ms' to be overridden in the connector configuration\./);
});

void test('consumer.override.isolation.level=read_uncommitted reaches the sink consumer: it reads an open transaction', async () => {
  const fx: KafkaFixture = await kafkaFixture();
  cleanups.push(() => fx.cleanup());
  const topic = await fx.topic('overrides');
  const tmp = await tempDir();
  const w = await startRestWorker(tmp.dir);
  cleanups.push(() => tmp.remove(), () => w.close());
  const producer = new Producer({ clientId: uniqueName('open-tx'), bootstrapBrokers: [BOOTSTRAP], transactionalId: uniqueName('open-tx'), idempotent: true, timeout: 60_000 });
  cleanups.push(() => producer.close(true));
  const tx = await producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
  await tx.send({ messages: [0, 1, 2].map((i) => ({ topic, partition: 0, key: Buffer.from(`k${i}`), value: Buffer.from(`{"n":${i}}`) })) });
  const uncommitted = uniqueName('uncommitted');
  const committedOnly = uniqueName('committed');
  fx.groups.push(`connect-${uncommitted}`, `connect-${committedOnly}`);
  for (const [name, extra] of [[uncommitted, { 'consumer.override.isolation.level': 'read_uncommitted' }], [committedOnly, {}]] as const) {
    const res = await w.call('POST', '/connectors', { name, config: { 'connector.class': 'CountingSink', topics: topic, ...extra } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const progress = (name: string): number => w.worker.connectorProgress(name).reduce((n, t) => n + t.records, 0);
  await eventually(() => (progress(uncommitted) === 3 ? true : undefined), 'the read_uncommitted sink to see the open transaction', 30_000);
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(progress(committedOnly), 0, 'a read_committed sink sees nothing of an open transaction');
  await tx.abort();
});
