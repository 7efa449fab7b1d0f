import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toDocument } from '../../../../plugins/elasticsearch-sink/src/convert.ts';
import { keyDocumentId, offsetDocumentId } from '../../../../plugins/elasticsearch-sink/src/document-id.ts';
import { isEsSinkError } from '../../../../plugins/elasticsearch-sink/src/errors.ts';
import { IndexNameResolver, indexNameForTopic } from '../../../../plugins/elasticsearch-sink/src/index-name.ts';
import { base64Decode, base64Encode } from '../../../../plugins/elasticsearch-sink/src/connect-schema.ts';
import type { ConnectSchema } from '../../../../plugins/elasticsearch-sink/src/connect-schema.ts';
import { config } from './fakes.ts';

const compact = { compactMapEntries: true };

test('ids: topic+partition+offset, string and integer keys as Confluent', () => {
  assert.equal(offsetDocumentId('orders', 3, 42), 'orders+3+42');
  assert.equal(keyDocumentId('abc', { type: 'string' }), 'abc');
  assert.equal(keyDocumentId(17, { type: 'int64' }), '17');
  assert.equal(keyDocumentId(17, null), '17');
  assert.throws(() => keyDocumentId(true, { type: 'boolean' }), /BOOLEAN is not supported as the document id/);
  assert.throws(() => keyDocumentId(1.5, undefined), /FLOAT64 is not supported/);
  assert.throws(() => keyDocumentId(null, { type: 'string' }), (e) => isEsSinkError(e) && /can not be null/.test(e.message));
  assert.throws(() => keyDocumentId('', { type: 'string' }), /can not be empty/);
});

test('ids: a one-field struct key uses the field; several join with + in schema order, escaped', () => {
  const one: ConnectSchema = { type: 'struct', name: 'db.inventory.customers.Key', fields: [{ field: 'id', type: 'int32' }] };
  assert.equal(keyDocumentId({ id: 1001 }, one), '1001');
  const two: ConnectSchema = { type: 'struct', fields: [{ field: 'b', type: 'string' }, { field: 'a', type: 'int32' }] };
  assert.equal(keyDocumentId({ a: 7, b: 'x+y\\z' }, two), 'x\\+y\\\\z+7');
  assert.equal(keyDocumentId({ b: 'x', a: 7 }, undefined), '7+x', 'schemaless objects join in sorted field order');
  assert.throws(() => keyDocumentId({ a: null, b: 'x' }, two), /key field a is null/);
  assert.throws(() => keyDocumentId({ a: 1, b: { c: 1 } }, undefined), /key field b is a struct/);
});

test('struct values follow the schema: defaults, optional nulls, required nulls refused', () => {
  const schema: ConnectSchema = {
    type: 'struct',
    fields: [
      { field: 'id', type: 'int32' },
      { field: 'name', type: 'string', optional: true },
      { field: 'status', type: 'string', optional: true, default: 'new' },
    ],
  };
  assert.deepEqual(toDocument({ id: 1, name: null, status: null }, schema, compact), { id: 1, name: null, status: 'new' });
  assert.throws(() => toDocument({ id: null }, schema, compact), /field id that is required/);
  assert.throws(() => toDocument('text', null, compact), /must be JSON objects/);
});

test('logical types become Elasticsearch-friendly values', () => {
  const dec = base64Encode([0x30, 0x39]); // 12345 unscaled
  const neg = base64Encode([0xff, 0x85]); // -123 unscaled
  const schema: ConnectSchema = {
    type: 'struct',
    fields: [
      { field: 'price', type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } },
      { field: 'debt', type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '1' } },
      { field: 'numeric', type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } },
      { field: 'day', type: 'int32', name: 'org.apache.kafka.connect.data.Date' },
      { field: 'at', type: 'int64', name: 'org.apache.kafka.connect.data.Timestamp' },
      { field: 'tod', type: 'int32', name: 'org.apache.kafka.connect.data.Time' },
      { field: 'dbzDay', type: 'int32', name: 'io.debezium.time.Date' },
      { field: 'micro', type: 'int64', name: 'io.debezium.time.MicroTimestamp' },
      { field: 'microTime', type: 'int64', name: 'io.debezium.time.MicroTime' },
      { field: 'zoned', type: 'string', name: 'io.debezium.time.ZonedTimestamp' },
      { field: 'raw', type: 'bytes' },
    ],
  };
  const doc = toDocument(
    { price: dec, debt: neg, numeric: 12.5, day: 19723, at: 1704164645678, tod: 45296789, dbzDay: -1, micro: 1704164645678901, microTime: 45296000001, zoned: '2024-01-02T03:04:05Z', raw: [1, 2, 3] },
    schema,
    compact,
  );
  assert.deepEqual(doc, {
    price: 123.45,
    debt: -12.3,
    numeric: 12.5,
    day: '2024-01-01',
    at: '2024-01-02T03:04:05.678Z',
    tod: '12:34:56.789',
    dbzDay: '1969-12-31',
    micro: '2024-01-02T03:04:05.678901Z',
    microTime: '12:34:56.000001',
    zoned: '2024-01-02T03:04:05Z',
    raw: 'AQID',
  });
  assert.deepEqual([...base64Decode('AQID')], [1, 2, 3]);
});

test('maps: compact objects for string keys, key/value entries otherwise', () => {
  const schema: ConnectSchema = {
    type: 'struct',
    fields: [
      { field: 'tags', type: 'map', keys: { type: 'string' }, values: { type: 'int32' } },
      { field: 'byId', type: 'map', keys: { type: 'int32' }, values: { type: 'string' } },
    ],
  };
  const value = { tags: { a: 1, b: 2 }, byId: [[1, 'one'], [2, 'two']] };
  assert.deepEqual(toDocument(value, schema, compact), { tags: { a: 1, b: 2 }, byId: [{ key: 1, value: 'one' }, { key: 2, value: 'two' }] });
  assert.deepEqual(toDocument(value, schema, { compactMapEntries: false }).tags, [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
});

test('index names: lowercase, leading -_+ stripped, dot names spelled out, mapping and data streams win', () => {
  assert.equal(indexNameForTopic('Orders'), 'orders');
  assert.equal(indexNameForTopic('__Shop.Orders'), 'shop.orders');
  assert.equal(indexNameForTopic('.'), 'dot');
  assert.equal(indexNameForTopic('..'), 'dotdot');
  assert.equal(indexNameForTopic('x'.repeat(300)).length, 255);
  assert.throws(() => indexNameForTopic('a*b'), /topic.to.external.resource.mapping=a\*b:<index>/);
  assert.equal(new IndexNameResolver(config({ 'topic.to.external.resource.mapping': 'Orders:orders-v2' })).resolve('Orders'), 'orders-v2');
  const ds = new IndexNameResolver(config({ 'data.stream.type': 'logs', 'data.stream.dataset': 'shop' }));
  assert.equal(ds.resolve('Orders'), 'logs-shop-orders');
  assert.equal(new IndexNameResolver(config({ 'data.stream.type': 'metrics', 'data.stream.dataset': 'shop', 'data.stream.namespace': 'prod' })).resolve('t'), 'metrics-shop-prod');
});
