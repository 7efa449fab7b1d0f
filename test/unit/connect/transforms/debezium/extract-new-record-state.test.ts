import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../../../host/connect/config/config-def.ts';
import { SchemaBuilder, Schemas } from '../../../../../host/connect/data/schema.ts';
import { Struct } from '../../../../../host/connect/data/struct.ts';
import { connectRecord } from '../../../../../host/connect/record.ts';
import type { ConnectRecord } from '../../../../../host/connect/record.ts';
import { extractNewRecordStatePlugin } from '../../../../../host/connect/transforms/debezium/extract-new-record-state.ts';

const row = SchemaBuilder.struct().name('shop.inv.customers.Value').field('id', Schemas.INT32).field('email', Schemas.OPTIONAL_STRING).field('region', Schemas.OPTIONAL_STRING).optional().build();
const source = SchemaBuilder.struct().name('io.debezium.connector.mysql.Source').field('db', Schemas.STRING).field('table', Schemas.OPTIONAL_STRING).field('ts_ms', Schemas.INT64).build();
const envelope = SchemaBuilder.struct().name('shop.inv.customers.Envelope').field('before', row).field('after', row).field('source', source).field('op', Schemas.STRING).field('ts_ms', Schemas.OPTIONAL_INT64).build();
const keySchema = SchemaBuilder.struct().name('shop.inv.customers.Key').field('id', Schemas.INT32).build();

const rowOf = (id: number, email: string, region: string | null = 'eu'): Struct => new Struct(row).putAll({ id, email, region });
function event(op: string, before: Struct | null, after: Struct | null): ConnectRecord {
  const value = new Struct(envelope).putAll({ before, after, source: new Struct(source).putAll({ db: 'inv', table: 'customers', ts_ms: 1000 }), op, ts_ms: 2000 });
  return connectRecord({ topic: 'shop.inv.customers', kafkaPartition: 0, keySchema, key: after === null && before === null ? null : new Struct(keySchema).put('id', (after ?? before)?.get('id')), valueSchema: envelope, value });
}
const tombstone = (id: number): ConnectRecord => connectRecord({ topic: 'shop.inv.customers', kafkaPartition: 0, keySchema, key: new Struct(keySchema).put('id', id) });

function unwrap(props: Record<string, string> = {}) {
  return extractNewRecordStatePlugin.create(parseConfig(extractNewRecordStatePlugin.configDef, props, { context: 'transform "unwrap"' }), props);
}
const plain = (r: ConnectRecord | null): unknown => (r?.value instanceof Struct ? r.value.toJSON() : r?.value);

test('creates and updates become the row after the change; the key is kept', () => {
  const t = unwrap();
  const out = t.apply(event('u', rowOf(1, 'a@x'), rowOf(1, 'b@x')));
  assert.deepEqual(plain(out), { id: 1, email: 'b@x', region: 'eu' });
  assert.equal(out?.valueSchema?.name, 'shop.inv.customers.Value');
  assert.equal((out?.key as Struct).get('id'), 1);
  assert.equal(t.apply(event('r', null, rowOf(2, 'c@x')))?.topic, 'shop.inv.customers');
});

test('non-envelope records pass unchanged', () => {
  const r = connectRecord({ topic: 't', valueSchema: Schemas.STRING, value: 'hello' });
  assert.equal(unwrap().apply(r), r);
});

test('default (tombstone): delete events dropped, tombstones kept', () => {
  const t = unwrap();
  assert.equal(t.apply(event('d', rowOf(1, 'a@x'), null)), null);
  const tomb = tombstone(1);
  assert.equal(t.apply(tomb), tomb);
});

test('drop, delete-to-tombstone, rewrite and rewrite-with-tombstone', () => {
  const del = event('d', rowOf(1, 'a@x'), null);
  const drop = unwrap({ 'delete.tombstone.handling.mode': 'drop' });
  assert.equal(drop.apply(del), null);
  assert.equal(drop.apply(tombstone(1)), null);

  const toTomb = unwrap({ 'delete.tombstone.handling.mode': 'delete-to-tombstone' });
  const t = toTomb.apply(del);
  assert.equal(t?.value, null);
  assert.equal(t?.valueSchema, null);
  assert.equal((t?.key as Struct).get('id'), 1);
  assert.equal(toTomb.apply(tombstone(1)), null);

  const rewrite = unwrap({ 'delete.tombstone.handling.mode': 'REWRITE' });
  assert.deepEqual(plain(rewrite.apply(del)), { id: 1, email: 'a@x', region: 'eu', __deleted: 'true' });
  assert.deepEqual(plain(rewrite.apply(event('c', null, rowOf(2, 'b@x')))), { id: 2, email: 'b@x', region: 'eu', __deleted: 'false' });
  assert.equal(rewrite.apply(tombstone(1)), null);
  assert.notEqual(unwrap({ 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' }).apply(tombstone(1)), null);
});

test('deprecated delete.handling.mode and drop.tombstones map onto the new modes', () => {
  const del = event('d', rowOf(1, 'a@x'), null);
  assert.equal(unwrap({ 'delete.handling.mode': 'drop' }).apply(del), null);
  assert.equal(unwrap({ 'delete.handling.mode': 'drop' }).apply(tombstone(1)), null, 'drop.tombstones defaults to true');
  const none = unwrap({ 'delete.handling.mode': 'none', 'drop.tombstones': 'false' });
  assert.equal(none.apply(del)?.value, null);
  assert.notEqual(none.apply(tombstone(1)), null);
  assert.equal(plain(unwrap({ 'delete.handling.mode': 'rewrite' }).apply(del)) !== null, true);
  assert.equal(unwrap({ 'delete.handling.mode': 'rewrite', 'delete.tombstone.handling.mode': 'drop' }).apply(del), null, 'the new key wins');
  assert.throws(() => unwrap({ 'delete.tombstone.handling.mode': 'explode' }), /delete\.tombstone\.handling\.mode.*must be one of/);
});

test('add.fields, add.headers and route.by.field', () => {
  const t = unwrap({ 'add.fields': 'op,table,source.ts_ms,ts_ms:EVENT_TS', 'add.headers': 'op,db', 'route.by.field': 'region' });
  const out = t.apply(event('c', null, rowOf(3, 'z@x', 'us')));
  assert.deepEqual(plain(out), { id: 3, email: 'z@x', region: 'us', __op: 'c', __table: 'customers', __source_ts_ms: 1000, __EVENT_TS: 2000 });
  assert.deepEqual(out?.headers.map((h) => [h.key, h.value]), [['__op', 'c'], ['__db', 'inv']]);
  assert.equal(out?.topic, 'us');
  assert.equal(t.apply(event('c', null, rowOf(4, 'q@x', null)))?.topic, 'shop.inv.customers', 'a null routing field keeps the topic');
});

test('truncate events are dropped', () => {
  assert.equal(unwrap().apply(event('t', null, null)), null);
});
