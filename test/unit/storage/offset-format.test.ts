import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalKey,
  decodeOffsetRecord,
  parseOffsetKey,
  serializeOffsetKey,
  serializeOffsetValue,
  toConnectJson,
} from '../../../host/storage/offset-format.ts';

void test('key is the compact JSON list [connector, partition] in insertion order, like JsonConverter', () => {
  const key = serializeOffsetKey('mysql-cdc', { server: 'db1', table: 'orders', shard: 3 });
  assert.equal(key.toString(), '["mysql-cdc",{"server":"db1","table":"orders","shard":3}]');
  const reordered = serializeOffsetKey('mysql-cdc', { table: 'orders', server: 'db1', shard: 3 });
  assert.equal(reordered.toString(), '["mysql-cdc",{"table":"orders","server":"db1","shard":3}]');
});

void test('value is the compact offset map; null is a tombstone', () => {
  assert.equal(serializeOffsetValue({ file: 'binlog.000003', pos: 154, snapshot: false })?.toString(), '{"file":"binlog.000003","pos":154,"snapshot":false}');
  assert.equal(serializeOffsetValue(null), null);
});

void test('strings are escaped as Jackson does (short escapes, upper-case \\u00XX, no slash or unicode escaping)', () => {
  assert.equal(toConnectJson('a"b\\c\n\t\u0001/é'), '"a\\"b\\\\c\\n\\t\\u0001/é"');
  assert.equal(toConnectJson('\u001f'), '"\\u001F"');
});

void test('numbers follow Java: integers plain, long as bigint, fractions with Double.toString notation', () => {
  assert.equal(toConnectJson(42), '42');
  assert.equal(toConnectJson(9007199254740993n), '9007199254740993');
  assert.equal(toConnectJson(1.5), '1.5');
  assert.equal(toConnectJson(1e-7), '1.0E-7');
  assert.equal(toConnectJson(1.25e-5), '1.25E-5');
  assert.equal(toConnectJson(1e21), '1.0E21');
  assert.throws(() => toConnectJson(Number.NaN));
});

void test('nested lists and maps serialise compactly', () => {
  assert.equal(toConnectJson({ a: [1, 'x', null, { b: true }] }), '{"a":[1,"x",null,{"b":true}]}');
});

void test('keys written by Kafka Connect parse back; foreign shapes are ignored', () => {
  assert.deepEqual(parseOffsetKey('["c1",{"filename":"/tmp/in.txt"}]'), { connector: 'c1', partition: { filename: '/tmp/in.txt' } });
  assert.equal(parseOffsetKey('{"not":"a list"}'), undefined);
  assert.equal(parseOffsetKey('["c1"]'), undefined);
  assert.equal(parseOffsetKey('not json'), undefined);
  assert.deepEqual(decodeOffsetRecord('["c1",{"p":1}]', null), { connector: 'c1', partition: { p: 1 }, offset: null });
  assert.equal(decodeOffsetRecord(null, '{}'), undefined);
});

void test('canonical key ignores map order so lookups match Connect map equality', () => {
  assert.equal(canonicalKey('c', { a: 1, b: { y: 2, x: 1 } }), canonicalKey('c', { b: { x: 1, y: 2 }, a: 1 }));
  assert.notEqual(canonicalKey('c', { a: 1 }), canonicalKey('d', { a: 1 }));
});
