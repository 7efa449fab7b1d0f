import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseConfig } from '../../../sdk/config.ts';
import { ES_SINK_CONFIG, normalizeConfig } from '../../../plugins/elasticsearch-sink/src/config.ts';
import type { ConnectSchema } from '../../../plugins/elasticsearch-sink/src/connect-schema.ts';
import { isEsSinkError } from '../../../plugins/elasticsearch-sink/src/errors.ts';
import { ElasticsearchSink } from '../../../plugins/elasticsearch-sink/src/sink.ts';
import type { EsSinkRecord } from '../../../plugins/elasticsearch-sink/src/types.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';
import { docs, esAdapter, esClient, realClock } from './es-adapter.ts';

const client = esClient();
const created: string[] = [];

after(async () => {
  if (created.length > 0) await client.indices.delete({ index: created, ignore_unavailable: true });
  await client.close();
});

function sink(topic: string, props: Record<string, string> = {}, hooks: Partial<ConstructorParameters<typeof ElasticsearchSink>[0]> = {}) {
  const index = uniqueName('es_sink');
  created.push(index);
  // flush.synchronously: each preCommit below waits for Elasticsearch, so it returns every acknowledged offset.
  const config = normalizeConfig(
    parseConfig(ES_SINK_CONFIG, { 'connection.url': stack.elasticsearchUrl, 'topic.to.external.resource.mapping': `${topic}:${index}`, 'retry.backoff.ms': '10', 'flush.synchronously': 'true', ...props }),
  );
  return { index, s: new ElasticsearchSink({ config, client: esAdapter(client), clock: realClock, ...hooks }) };
}

const valueSchema: ConnectSchema = {
  type: 'struct',
  name: 'shop.inv.customers.Value',
  fields: [
    { field: 'id', type: 'int32' },
    { field: 'email', type: 'string', optional: true },
    { field: 'visits', type: 'int32', optional: true },
  ],
};
const keySchema: ConnectSchema = { type: 'struct', name: 'shop.inv.customers.Key', fields: [{ field: 'id', type: 'int32' }] };
const rec = (offset: number, id: number, value: EsSinkRecord['value'], extra: Partial<EsSinkRecord> = {}): EsSinkRecord => ({
  topic: 'customers',
  partition: 0,
  offset,
  key: { id },
  keySchema,
  value,
  valueSchema,
  headers: {},
  timestamp: Date.now(),
  ...extra,
});

test('replaying a batch leaves each document once with its latest value (external versions)', async () => {
  const { index, s } = sink('customers');
  const batch = [rec(0, 1, { id: 1, email: 'a@x', visits: 1 }), rec(1, 2, { id: 2, email: 'b@x', visits: 1 }), rec(2, 1, { id: 1, email: 'a2@x', visits: 2 })];
  await s.put(batch);
  assert.deepEqual(await s.preCommit(), { 'customers/0': 3 });
  await s.put(batch);
  await s.put([rec(0, 1, { id: 1, email: 'stale@x', visits: 0 })]);
  assert.deepEqual(await s.preCommit(), { 'customers/0': 3 });
  const found = await docs(client, index);
  assert.deepEqual([...found.keys()].sort(), ['1', '2'], 'the one-field struct key is the id');
  assert.deepEqual(found.get('1')?.source, { id: 1, email: 'a2@x', visits: 2 });
  assert.equal(found.get('1')?.version, 2, 'the external version is the offset of the latest write');
  await s.stop();
});

test('a mapping error is malformed and the rest of the batch lands; fail stops the offsets before it', async () => {
  const warned: [number, string][] = [];
  const { index, s } = sink('customers', { 'behavior.on.malformed.documents': 'warn', 'schema.ignore': 'true' }, { onMalformed: (e, r) => void warned.push([e.offset, r.errorType]) });
  await client.indices.create({ index, mappings: { properties: { visits: { type: 'integer' } } } });
  await s.put([rec(0, 1, { id: 1, visits: 1 }), rec(1, 2, { id: 2, visits: 'many' }), rec(2, 3, { id: 3, visits: 3 })]);
  assert.deepEqual(await s.preCommit(), { 'customers/0': 3 });
  assert.equal(warned.length, 1);
  assert.equal(warned[0]?.[0], 1);
  assert.match(warned[0]?.[1] ?? '', /document_parsing_exception|mapper_parsing_exception/);
  assert.deepEqual([...(await docs(client, index)).keys()].sort(), ['1', '3']);

  const { index: strictIndex, s: strict } = sink('customers', { 'schema.ignore': 'true' });
  await client.indices.create({ index: strictIndex, mappings: { properties: { visits: { type: 'integer' } } } });
  await strict.put([rec(0, 1, { id: 1, visits: 1 }), rec(1, 2, { id: 2, visits: 'many' })]);
  await assert.rejects(strict.preCommit(), (e) => isEsSinkError(e, 'CONVEYOR_ES_MALFORMED_DOCUMENT'));
  assert.deepEqual(strict.writer.committableOffsets(), { 'customers/0': 1 });
});

test('tombstones delete documents; composite struct keys join with +', async () => {
  const composite: ConnectSchema = { type: 'struct', fields: [{ field: 'tenant', type: 'string' }, { field: 'id', type: 'int32' }] };
  const { index, s } = sink('customers', { 'behavior.on.null.values': 'delete' });
  const k = (tenant: string, id: number) => ({ key: { tenant, id }, keySchema: composite });
  await s.put([
    rec(0, 0, { id: 1, email: 'a@x' }, k('acme', 1)),
    rec(1, 0, { id: 2, email: 'b@x' }, k('acme', 2)),
    rec(2, 0, null, { ...k('acme', 1), valueSchema: null }),
  ]);
  assert.deepEqual(await s.preCommit(), { 'customers/0': 3 });
  assert.deepEqual([...(await docs(client, index)).keys()], ['acme+2']);
  // A replayed create of the deleted document is older than the delete: it stays deleted.
  await s.put([rec(0, 0, { id: 1, email: 'a@x' }, k('acme', 1)), rec(3, 0, null, { ...k('acme', 9), valueSchema: null })]);
  assert.deepEqual(await s.preCommit(), { 'customers/0': 4 });
  assert.deepEqual([...(await docs(client, index)).keys()], ['acme+2']);
});

test('the index is created on first use with a mapping from the Connect schema', async () => {
  const schema: ConnectSchema = {
    type: 'struct',
    name: 'shop.inv.orders.Value',
    fields: [
      { field: 'id', type: 'int64' },
      { field: 'note', type: 'string', optional: true },
      { field: 'price', type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } },
      { field: 'day', type: 'int32', name: 'io.debezium.time.Date' },
      { field: 'at', type: 'int64', name: 'io.debezium.time.MicroTimestamp' },
      { field: 'tod', type: 'int64', name: 'io.debezium.time.MicroTime' },
      { field: 'attrs', type: 'map', keys: { type: 'string' }, values: { type: 'string' } },
    ],
  };
  const { index, s } = sink('orders', { 'auto.create.indices.at.start': 'false' });
  assert.equal(await client.indices.exists({ index }), false);
  await s.put([{ topic: 'orders', partition: 0, offset: 0, key: 7, keySchema: { type: 'int64' }, value: { id: 7, note: 'hi', price: 'MDk=', day: 19723, at: 1704164645678901, tod: 45296000001, attrs: { color: 'red' } }, valueSchema: schema, headers: {}, timestamp: 0 }]);
  assert.deepEqual(await s.preCommit(), { 'orders/0': 1 });
  const mapping = await client.indices.getMapping({ index });
  const props = mapping[index]?.mappings.properties ?? {};
  assert.deepEqual(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, (v as { type?: string }).type ?? 'object'])), {
    id: 'long',
    note: 'text',
    price: 'double',
    day: 'date',
    at: 'date',
    tod: 'date',
    attrs: 'object',
  });
  const doc = (await docs(client, index)).get('7')?.source;
  assert.deepEqual(doc, { id: 7, note: 'hi', price: 123.45, day: '2024-01-01', at: '2024-01-02T03:04:05.678901Z', tod: '12:34:56.000001', attrs: { color: 'red' } });
  const hits = await client.search({ index, query: { range: { at: { gte: '2024-01-02T00:00:00Z' } } } });
  assert.equal((hits.hits.total as { value: number }).value, 1, 'dates are searchable as dates');
});
