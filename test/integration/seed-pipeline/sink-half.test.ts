/**
 * The seed pipeline's sink half as the quickstart deploys it: Debezium change events (JsonConverter with
 * schemas: struct keys, Envelope values, tombstones after deletes) on <prefix>.inventory.* topics, read by
 * topics.regex, unwrapped by io.debezium.transforms.ExtractNewRecordState and written by the built-in
 * Elasticsearch sink: an insert then an update leave the latest row; a delete removes the document.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import { stack } from '../../helpers/stack.ts';
import { produceRaw, workerProcess } from '../../helpers/standalone-worker.ts';

const row = (name: string) => ({ type: 'struct', name, optional: true, fields: [
  { field: 'id', type: 'int32', optional: false },
  { field: 'first_name', type: 'string', optional: false },
  { field: 'email', type: 'string', optional: false },
] });

function events(prefix: string, table: string) {
  const keySchema = { type: 'struct', name: `${prefix}.inventory.${table}.Key`, optional: false, fields: [{ field: 'id', type: 'int32', optional: false }] };
  const valueSchema = { type: 'struct', name: `${prefix}.inventory.${table}.Envelope`, optional: false, fields: [
    { ...row(`${prefix}.inventory.${table}.Value`), field: 'before' },
    { ...row(`${prefix}.inventory.${table}.Value`), field: 'after' },
    { field: 'op', type: 'string', optional: false },
    { field: 'ts_ms', type: 'int64', optional: true },
  ] };
  const key = (id: number) => JSON.stringify({ schema: keySchema, payload: { id } });
  const change = (op: string, before: object | null, after: object | null) => JSON.stringify({ schema: valueSchema, payload: { before, after, op, ts_ms: 1_700_000_000_000 } });
  const sally = { id: 1001, first_name: 'Sally', email: 'sally.thomas@acme.com' };
  const george = { id: 1002, first_name: 'George', email: 'gbailey@foobar.com' };
  return [
    { key: key(1001), value: change('r', null, sally) },
    { key: key(1002), value: change('r', null, george) },
    { key: key(1001), value: change('u', sally, { ...sally, first_name: 'Sal' }) },
    { key: key(1002), value: change('d', george, null) },
    { key: key(1002), value: null },
  ];
}

void test('Debezium events → ExtractNewRecordState → ES sink by topics.regex: latest rows indexed, deletes applied', { timeout: 90_000 }, async (t) => {
  const fx = await kafkaFixture();
  const es = new Client({ node: stack.elasticsearchUrl });
  const w = await workerProcess({ schemas: true });
  const prefix = uniqueName('seed');
  const topic = `${prefix}.inventory.customers`;
  await fx.admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1, configs: {} });
  fx.topics.push(topic);
  const name = uniqueName('seed-sink');
  fx.groups.push(`connect-${name}`);
  t.after(async () => {
    await w.close();
    await fx.cleanup();
    await es.indices.delete({ index: topic, ignore_unavailable: true }).catch(() => undefined);
    await es.close();
  });
  await produceRaw(fx.reference, topic, events(prefix, 'customers'));
  await w.start();
  const res = await w.rest('PUT', `/connectors/${name}/config`, {
    'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector',
    'topics.regex': `${prefix.replaceAll('-', '\\-')}\\.inventory\\..*`,
    'connection.url': stack.elasticsearchUrl,
    'key.ignore': 'false',
    'behavior.on.null.values': 'delete',
    transforms: 'unwrap',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
  });
  assert.ok([200, 201].includes(res.status), JSON.stringify(res.body));
  await eventually(async () => {
    const offsets = await fx.admin.groupOffsets(`connect-${name}`, [topic]);
    return Number(offsets.get(topic)?.get(0) ?? -1) === 5 ? true : undefined;
  }, 'every event committed', 40_000);
  await es.indices.refresh({ index: topic });
  const hits = (await es.search<Record<string, unknown>>({ index: topic, query: { match_all: {} } })).hits.hits;
  assert.deepEqual(hits.map((h) => [h._id, h._source]), [['1001', { id: 1001, first_name: 'Sal', email: 'sally.thomas@acme.com' }]]);
  const mapping = await es.indices.getMapping({ index: topic });
  assert.equal((mapping[topic]?.mappings.properties?.['id'] as { type?: string } | undefined)?.type, 'integer', 'the mapping comes from the unwrapped value schema');
});
