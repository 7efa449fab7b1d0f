/**
 * Documents Elasticsearch refuses as malformed go through the errant record reporter to the connector's
 * dead-letter queue, with Kafka Connect's __connect.errors.* context headers, while the rest index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import { stack } from '../../helpers/stack.ts';
import { produce, workerProcess } from '../../helpers/standalone-worker.ts';

void test('malformed documents land in the DLQ topic with context headers while the rest index', { timeout: 90_000 }, async (t) => {
  const fx = await kafkaFixture();
  const es = new Client({ node: stack.elasticsearchUrl });
  const w = await workerProcess();
  const topic = (await fx.topic('es-malformed', 1)).toLowerCase();
  const dlq = await fx.topic('es-dlq', 1);
  const name = uniqueName('essink-dlq');
  const reader = uniqueName('dlq-reader');
  fx.groups.push(`connect-${name}`, reader);
  const consumer = fx.reference.consumer({ groupId: reader });
  t.after(async () => {
    await consumer.disconnect().catch(() => undefined);
    await w.close();
    await fx.cleanup();
    await es.indices.delete({ index: topic, ignore_unavailable: true }).catch(() => undefined);
    await es.close();
  });
  // n is an integer field: a string that is not a number is refused with a document parsing error.
  await es.indices.create({ index: topic, mappings: { properties: { n: { type: 'integer' } } } });
  const records = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: { n: i % 10 === 3 ? `not-a-number-${i}` : i } }));
  await produce(fx.reference, topic, records);
  const bad = records.filter((r) => typeof r.value.n === 'string').map((r) => r.key);

  await w.start();
  const res = await w.rest('PUT', `/connectors/${name}/config`, {
    'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector',
    topics: topic,
    'connection.url': stack.elasticsearchUrl,
    'key.ignore': 'false',
    'schema.ignore': 'true',
    'behavior.on.malformed.documents': 'warn',
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': dlq,
    'errors.deadletterqueue.topic.replication.factor': '1',
    'errors.deadletterqueue.context.headers.enable': 'true',
  });
  assert.ok([200, 201].includes(res.status), JSON.stringify(res.body));

  const got: { key: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: dlq, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
      got.push({ key: message.key?.toString('utf8') ?? '', headers });
      await Promise.resolve();
    },
  });
  await eventually(() => (got.length >= bad.length ? true : undefined), 'every malformed document in the DLQ', 40_000);
  assert.deepEqual(got.map((m) => m.key).sort(), [...bad].sort());
  for (const m of got) {
    assert.equal(m.headers['__connect.errors.topic'], topic);
    assert.equal(m.headers['__connect.errors.partition'], '0');
    assert.equal(m.headers['__connect.errors.connector.name'], name);
    assert.equal(m.headers['__connect.errors.stage'], 'TASK_PUT');
    assert.match(m.headers['__connect.errors.exception.message'] ?? '', /document_parsing_exception|mapper_parsing_exception/);
    assert.equal(m.headers['__connect.errors.offset'], String(records.findIndex((r) => r.key === m.key)));
  }
  await es.indices.refresh({ index: topic });
  assert.equal((await es.count({ index: topic })).count, records.length - bad.length);
  const status = (await w.rest('GET', `/connectors/${name}/status`)).body as { tasks: { state: string }[] };
  assert.ok(status.tasks.every((x) => x.state === 'RUNNING'), JSON.stringify(status));
});
