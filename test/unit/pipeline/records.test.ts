import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonConverter } from '../../../host/connect/converters/json-converter.ts';
import { BigDecimal } from '../../../host/connect/data/big-decimal.ts';
import { isStruct } from '../../../host/connect/data/struct.ts';
import { header } from '../../../host/connect/record.ts';
import type { SinkRecord } from '../../../host/connect/record.ts';
import { Schemas } from '../../../host/connect/data/schema.ts';
import { connectToSdkSinkRecord, fromJsonTree, sourceRecordToConnect, toJsonTree } from '../../../host/pipeline/records.ts';
import { headerValues, kafkaOffset } from '../../../sdk/records.ts';
import type { JsonValue } from '../../../sdk/records.ts';
import type { ConnectSchema } from '../../../sdk/schema.ts';

const SCHEMA: ConnectSchema = {
  type: 'struct',
  name: 'inventory.Value',
  optional: false,
  fields: [
    { field: 'id', type: 'int64', optional: false },
    { field: 'price', type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' } },
    { field: 'day', type: 'int32', optional: true, name: 'org.apache.kafka.connect.data.Date', version: 1 },
    { field: 'tags', type: 'map', keys: { type: 'string', optional: false }, values: { type: 'int32', optional: false }, optional: true },
  ],
};
const PAYLOAD = { id: 9_007_199_254_740_991, price: 'AOo=', day: 19_000, tags: { a: 1 } };

void test('a source record with schema JSON becomes the Connect struct JsonConverter would read', () => {
  const r = sourceRecordToConnect({ topic: 't', value: PAYLOAD, valueSchema: SCHEMA, key: null, sourcePartition: {}, sourceOffset: {}, headers: { h: 'v' } });
  assert.ok(isStruct(r.value));
  const price = r.value.get('price');
  assert.ok(price instanceof BigDecimal);
  assert.equal(price.toString(), '2.34');
  assert.ok(r.value.get('day') instanceof Date);
  assert.equal(r.headers[0]?.key, 'h');
  const bytes = new JsonConverter().fromConnectData('t', r.valueSchema, r.value);
  assert.deepEqual(JSON.parse(String(bytes)), { schema: SCHEMA_AS_WRITTEN, payload: PAYLOAD });
});

// JsonConverter writes keys in its own order: type, fields/items/keys/values, optional, name, version, parameters.
const SCHEMA_AS_WRITTEN = JSON.parse(
  '{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},' +
    '{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":true,"field":"tags"}],"optional":false,"name":"inventory.Value"}',
) as JsonValue;

void test('a Connect sink record comes back to the SDK as the same schema and payload JSON', () => {
  const bytes = Buffer.from(JSON.stringify({ schema: SCHEMA, payload: PAYLOAD }));
  const sv = new JsonConverter().toConnectData('t', bytes);
  const rec: SinkRecord = {
    topic: 't', kafkaPartition: 2, keySchema: null, key: 'k', valueSchema: sv.schema, value: sv.value, timestamp: 5, headers: [], kafkaOffset: 10n, timestampType: 'CreateTime',
  };
  const sdk = connectToSdkSinkRecord(rec, { topic: 't', partition: 2, offset: 10n });
  assert.deepEqual(sdk.value, PAYLOAD);
  assert.deepEqual(sdk.valueSchema, SCHEMA_AS_WRITTEN);
  assert.equal(sdk.originalTopic, undefined);
  assert.equal(sdk.offset, 10);
});

void test('JSON values survive the tree conversion', () => {
  const v: JsonValue = { a: [1, 2.5, -3, true, null, 'x'], b: { c: 1e300 } };
  assert.deepEqual(fromJsonTree(toJsonTree(v)), v);
  assert.throws(() => toJsonTree(Number.NaN), /Cannot represent NaN/);
});

test('INT64 values beyond ±2^53 cross out of the sandbox as decimal strings and become exact bigints', () => {
  const valueSchema: ConnectSchema = {
    type: 'struct',
    optional: false,
    fields: [
      { field: 'big', type: 'int64', optional: false },
      { field: 'small', type: 'int64', optional: false },
    ],
  };
  const r = sourceRecordToConnect({
    topic: 't',
    valueSchema,
    value: { big: '18446744073709551615'.slice(1), small: 42 },
    sourcePartition: {},
    sourceOffset: {},
  });
  assert.ok(isStruct(r.value));
  assert.equal(r.value.get('big'), 8446744073709551615n);
  assert.equal(r.value.get('small'), 42);
  const bytes = new JsonConverter();
  bytes.configure({ 'schemas.enable': 'false' }, false);
  assert.equal(bytes.fromConnectData('t', r.valueSchema, r.value)?.toString(), '{"big":8446744073709551615,"small":42}');
  assert.throws(() => sourceRecordToConnect({ topic: 't', valueSchema, value: { big: '12x', small: 1 }, sourcePartition: {}, sourceOffset: {} }), /expected a number, found/);
});

void test('repeated header keys reach the SDK as a complete ordered list beside the map; single keys carry no list', () => {
  const base: SinkRecord = { topic: 't', kafkaPartition: 0, keySchema: null, key: null, valueSchema: null, value: null, timestamp: 1, headers: [], kafkaOffset: 1n, timestampType: 'CreateTime' };
  const repeated = connectToSdkSinkRecord({ ...base, headers: [header('a', Schemas.STRING, '1'), header('b', Schemas.STRING, 'x'), header('a', Schemas.STRING, '2')] }, { topic: 't', partition: 0, offset: 1n });
  assert.deepEqual(repeated.headers, { a: '2', b: 'x' });
  assert.deepEqual(repeated.headerList, [['a', '1'], ['b', 'x'], ['a', '2']]);
  assert.deepEqual(headerValues(repeated, 'a'), ['1', '2']);
  const single = connectToSdkSinkRecord({ ...base, headers: [header('a', Schemas.STRING, '1')] }, { topic: 't', partition: 0, offset: 1n });
  assert.equal(single.headerList, undefined);
  assert.deepEqual(headerValues(single, 'a'), ['1']);
});

void test('source records with a header list write every entry in order; the map is used otherwise', () => {
  const r = { topic: 't', value: null, sourcePartition: {}, sourceOffset: {} };
  const listed = sourceRecordToConnect({ ...r, headers: { a: 'ignored' }, headerList: [['a', '1'], ['a', '2']] });
  assert.deepEqual(listed.headers.map((h) => [h.key, h.value]), [['a', '1'], ['a', '2']]);
  assert.deepEqual(sourceRecordToConnect({ ...r, headers: { a: '1' } }).headers.map((h) => [h.key, h.value]), [['a', '1']]);
});

void test('an offset beyond 2^53 keeps its exact value in offsetText; kafkaOffset reads either', () => {
  const base: SinkRecord = { topic: 't', kafkaPartition: 0, keySchema: null, key: null, valueSchema: null, value: null, timestamp: 1, headers: [], kafkaOffset: 0n, timestampType: 'CreateTime' };
  const big = 2n ** 62n + 7n;
  const r = connectToSdkSinkRecord(base, { topic: 't', partition: 0, offset: big });
  assert.equal(r.offsetText, big.toString());
  assert.equal(kafkaOffset(r), big);
  const small = connectToSdkSinkRecord(base, { topic: 't', partition: 0, offset: 42n });
  assert.equal(small.offsetText, undefined);
  assert.equal(kafkaOffset(small), 42n);
});
