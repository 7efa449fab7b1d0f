import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyItem, isRetriableRequestError } from '../../../../plugins/elasticsearch-sink/src/classify.ts';
import { IndexNameResolver } from '../../../../plugins/elasticsearch-sink/src/index-name.ts';
import { operationLines, planRecord } from '../../../../plugins/elasticsearch-sink/src/operations.ts';
import type { EsSinkConfig } from '../../../../plugins/elasticsearch-sink/src/config.ts';
import type { EsSinkRecord } from '../../../../plugins/elasticsearch-sink/src/types.ts';
import { config, record } from './fakes.ts';

const plan = (r: EsSinkRecord, c: EsSinkConfig) => planRecord(r, c, new IndexNameResolver(c));
const lines = (r: EsSinkRecord, c: EsSinkConfig) => {
  const p = plan(r, c);
  assert.equal(p.kind, 'write');
  return p.kind === 'write' ? operationLines(p.operation) : [];
};

test('insert with key ids indexes with external version = offset', () => {
  assert.deepEqual(lines(record({ offset: 9, key: 'k1', value: { a: 1 } }), config()), [
    { index: { _index: 'orders', _id: 'k1', version: 9, version_type: 'external' } },
    { a: 1 },
  ]);
});

test('key.ignore uses topic+partition+offset without versioning; topic.key.ignore per topic', () => {
  assert.deepEqual(lines(record({ offset: 9, partition: 2, key: 'k1', value: { a: 1 } }), config({ 'key.ignore': 'true' }))[0], { index: { _index: 'orders', _id: 'orders+2+9' } });
  assert.deepEqual(lines(record({ offset: 9, key: 'k1', value: { a: 1 } }), config({ 'topic.key.ignore': 'orders' }))[0], { index: { _index: 'orders', _id: 'orders+0+9' } });
});

test('external.version.header replaces the offset', () => {
  const c = config({ 'external.version.header': 'v' });
  assert.deepEqual(lines(record({ offset: 9, key: 'k', value: {}, headers: { v: '123' } }), c)[0], { index: { _index: 'orders', _id: 'k', version: 123, version_type: 'external' } });
  assert.throws(() => plan(record({ offset: 9, key: 'k', value: {} }), c), /header v of record at offset 9 is missing/);
});

test('null values: fail by default, ignore, or delete with the external version', () => {
  const tomb = record({ offset: 12, key: 'k1', value: null });
  assert.throws(() => plan(tomb, config()), /has a null value \(to ignore records like this set behavior\.on\.null\.values=ignore/);
  assert.equal(plan(tomb, config({ 'behavior.on.null.values': 'ignore' })).kind, 'skip');
  assert.deepEqual(lines(tomb, config({ 'behavior.on.null.values': 'delete' })), [{ delete: { _index: 'orders', _id: 'k1', version: 12, version_type: 'external' } }]);
  assert.equal(plan(record({ offset: 1, key: null, value: null }), config({ 'behavior.on.null.values': 'delete' })).kind, 'skip');
});

test('upsert updates with doc_as_upsert; data streams create with @timestamp', () => {
  assert.deepEqual(lines(record({ offset: 3, key: 5, value: { a: 1 } }), config({ 'write.method': 'upsert' })), [
    { update: { _index: 'orders', _id: '5', retry_on_conflict: 5 } },
    { doc: { a: 1 }, doc_as_upsert: true },
  ]);
  const ds = config({ 'data.stream.type': 'logs', 'data.stream.dataset': 'shop' });
  assert.deepEqual(lines(record({ offset: 3, key: 5, value: { a: 1 } }), ds), [{ create: { _index: 'logs-shop-orders', _id: '5' } }, { a: 1, '@timestamp': 1_700_000_000_000 }]);
  const byField = config({ 'data.stream.type': 'logs', 'data.stream.dataset': 'shop', 'data.stream.timestamp.field': 'ts,at' });
  assert.deepEqual(lines(record({ offset: 3, key: 5, value: { at: '2024-01-01' } }), byField)[1], { at: '2024-01-01', '@timestamp': '2024-01-01' });
});

test('schema.ignore writes the value as it came', () => {
  const r = record({ offset: 1, key: 'k', value: { p: 'MDk=' }, valueSchema: { type: 'struct', fields: [{ field: 'p', type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } }] } });
  assert.deepEqual(lines(r, config())[1], { p: 123.45 });
  assert.deepEqual(lines(r, config({ 'schema.ignore': 'true' }))[1], { p: 'MDk=' });
});

test('bulk items are classified', () => {
  const item = (status: number, type?: string, extra: object = {}) => ({ index: { status, ...(type === undefined ? {} : { error: { type, reason: 'r' } }), ...extra } });
  assert.equal(classifyItem(item(201), true).kind, 'ok');
  assert.equal(classifyItem(item(409, 'version_conflict_engine_exception'), true).kind, 'ok');
  assert.equal(classifyItem(item(409, 'version_conflict_engine_exception'), false).kind, 'retriable');
  assert.equal(classifyItem({ delete: { status: 404, result: 'not_found' } }, true).kind, 'ok');
  assert.equal(classifyItem(item(429, 'es_rejected_execution_exception'), true).kind, 'retriable');
  assert.equal(classifyItem(item(503, 'unavailable_shards_exception'), true).kind, 'retriable');
  assert.equal(classifyItem(item(400, 'document_parsing_exception'), true).kind, 'malformed');
  assert.equal(classifyItem(item(400, 'mapper_parsing_exception'), true).kind, 'malformed');
  assert.equal(classifyItem(item(400, 'strict_dynamic_mapping_exception'), true).kind, 'malformed');
  assert.equal(classifyItem(item(404, 'index_not_found_exception'), true).kind, 'fatal');
  assert.equal(classifyItem(item(403, 'security_exception'), true).kind, 'fatal');
  assert.equal(classifyItem(undefined, true).kind, 'retriable');
  assert.equal(isRetriableRequestError(new Error('socket hang up')), true);
  assert.equal(isRetriableRequestError(Object.assign(new Error('x'), { meta: { statusCode: 400 } })), false);
  assert.equal(isRetriableRequestError(Object.assign(new Error('x'), { meta: { statusCode: 429 } })), true);
  assert.equal(isRetriableRequestError(new TypeError('bug')), false);
});
