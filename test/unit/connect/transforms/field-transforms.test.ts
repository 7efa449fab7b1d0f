import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BigDecimal, Decimal, SchemaBuilder, Schemas, Struct, TimestampType, schemaEquals } from '../../../../host/connect/data/index.ts';
import { rec, sinkRec, transform } from './helpers.ts';

const T = 'org.apache.kafka.connect.transforms.';
const userSchema = SchemaBuilder.struct().name('user').version(1)
  .field('id', Schemas.INT32)
  .field('name', Schemas.OPTIONAL_STRING)
  .field('score', Schemas.FLOAT64)
  .build();
const user = (): Struct => new Struct(userSchema).putAll({ id: 7, name: 'ann', score: 1.9 });

void describe('Cast', () => {
  void it('casts a whole schemaless value', () => {
    assert.equal(transform(`${T}Cast$Value`, { spec: 'int8' })(rec({ value: 42 }))?.value, 42);
    assert.equal(transform(`${T}Cast$Key`, { spec: 'string' })(rec({ key: 1.5 }))?.key, '1.5');
  });
  void it('casts schemaless map fields, leaving others alone', () => {
    const r = transform(`${T}Cast$Value`, { spec: 'a:int16,b:boolean,c:string,d:float32' })(rec({ value: { a: '12', b: 'TRUE', c: 5, d: 1, e: 'x' } }));
    assert.deepEqual(r?.value, { a: 12, b: true, c: '5', d: 1, e: 'x' });
  });
  void it('casts struct fields and rebuilds the schema with bare types, optionality kept', () => {
    const r = transform(`${T}Cast$Value`, { spec: 'id:string,score:int32,name:string' })(rec({ valueSchema: userSchema, value: user() }));
    const s = r?.valueSchema;
    assert.equal(s?.name, 'user');
    assert.deepEqual(s?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional]), [['id', 'STRING', false], ['name', 'STRING', true], ['score', 'INT32', false]]);
    assert.deepEqual((r?.value as Struct).toJSON(), { id: '7', name: 'ann', score: 1 });
  });
  void it('narrows integers like Java (wrap) and truncates floats', () => {
    assert.equal(transform(`${T}Cast$Value`, { spec: 'int8' })(rec({ valueSchema: Schemas.INT32, value: 300 }))?.value, 44);
    assert.equal(transform(`${T}Cast$Value`, { spec: 'int32' })(rec({ valueSchema: Schemas.FLOAT64, value: -1.9 }))?.value, -1);
    const r = transform(`${T}Cast$Value`, { spec: 'float64' })(rec({ valueSchema: Decimal.schema(2), value: BigDecimal.parse('1.25') }));
    assert.equal(r?.value, 1.25);
    assert.ok(schemaEquals(r?.valueSchema ?? null, Schemas.FLOAT64));
  });
  void it('writes doubles in Java form when casting to string', () => {
    assert.equal(transform(`${T}Cast$Value`, { spec: 'string' })(rec({ valueSchema: Schemas.FLOAT64, value: 2 }))?.value, '2.0');
  });
  void it('rejects bad specs and unsupported casts', () => {
    assert.throws(() => transform(`${T}Cast$Value`, { spec: 'a:uuid' }), /Invalid type found in casting spec: uuid/);
    assert.throws(() => transform(`${T}Cast$Value`, { spec: 'int8,a:int16' }), /may only specify a single cast/);
    assert.throws(() => transform(`${T}Cast$Value`, {}), /missing required configuration "transforms.x.spec"/);
    const arr = SchemaBuilder.struct().field('a', SchemaBuilder.array(Schemas.INT32).build()).build();
    assert.throws(() => transform(`${T}Cast$Value`, { spec: 'a:int32' })(rec({ valueSchema: arr, value: new Struct(arr).put('a', [1]) })), /does not support casting from ARRAY/);
  });
  void it('passes tombstones through', () => {
    assert.equal(transform(`${T}Cast$Value`, { spec: 'int8' })(rec({ value: null }))?.value, null);
  });
});

void describe('ExtractField', () => {
  void it('extracts from maps and structs', () => {
    assert.equal(transform(`${T}ExtractField$Key`, { field: 'magic' })(rec({ key: { magic: 42 } }))?.key, 42);
    const r = transform(`${T}ExtractField$Value`, { field: 'name' })(rec({ valueSchema: userSchema, value: user() }));
    assert.equal(r?.value, 'ann');
    assert.ok(schemaEquals(r?.valueSchema ?? null, Schemas.OPTIONAL_STRING));
  });
  void it('returns null for a null value and missing schemaless field', () => {
    assert.equal(transform(`${T}ExtractField$Value`, { field: 'a' })(rec({ value: null }))?.value, null);
    assert.equal(transform(`${T}ExtractField$Value`, { field: 'a' })(rec({ value: { b: 1 } }))?.value, null);
  });
  void it('follows nested paths with field.syntax.version=V2', () => {
    const f = transform(`${T}ExtractField$Value`, { field: 'a.b', 'field.syntax.version': 'V2' });
    assert.equal(f(rec({ value: { a: { b: 5 } } }))?.value, 5);
    const dotted = transform(`${T}ExtractField$Value`, { field: '`a.b`', 'field.syntax.version': 'V2' });
    assert.equal(dotted(rec({ value: { 'a.b': 6 } }))?.value, 6);
  });
  void it('rejects an unknown struct field and non-map values', () => {
    assert.throws(() => transform(`${T}ExtractField$Value`, { field: 'nope' })(rec({ valueSchema: userSchema, value: user() })), /Unknown field: nope/);
    assert.throws(() => transform(`${T}ExtractField$Value`, { field: 'a' })(rec({ value: 5 })), /Only Map objects supported in absence of schema for \[field extraction\], found: number/);
  });
});

void describe('HoistField', () => {
  void it('wraps a schemaless value in a map', () => {
    assert.deepEqual(transform(`${T}HoistField$Key`, { field: 'magic' })(rec({ key: 42 }))?.key, { magic: 42 });
  });
  void it('wraps a schema\'d value in a one-field struct', () => {
    const r = transform(`${T}HoistField$Key`, { field: 'magic' })(rec({ keySchema: Schemas.INT32, key: 42 }));
    assert.deepEqual(r?.keySchema?.fields?.map((f) => f.name), ['magic']);
    assert.equal((r?.key as Struct).get('magic'), 42);
  });
});

void describe('InsertField', () => {
  const props = { 'topic.field': 'topic_field!', 'partition.field': 'partition_field', 'offset.field': 'offset_field', 'timestamp.field': 'timestamp_field?', 'static.field': 'instance_id', 'static.value': 'my-instance-id' };
  void it('inserts into a schemaless value (timestamp as epoch millis)', () => {
    const r = transform(`${T}InsertField$Value`, props)(sinkRec({ value: { magic: 42 } }));
    assert.deepEqual(r?.value, { magic: 42, topic_field: 'test', partition_field: 0, offset_field: 42, timestamp_field: 1483425001864, instance_id: 'my-instance-id' });
  });
  void it('inserts into a struct with Kafka\'s field schemas', () => {
    const r = transform(`${T}InsertField$Value`, props)(sinkRec({ valueSchema: userSchema, value: user() }));
    const s = r?.valueSchema;
    assert.equal(s?.name, 'user');
    const fields = Object.fromEntries((s?.fields ?? []).map((f) => [f.name, f.schema]));
    assert.equal(fields['topic_field']?.optional, false);
    assert.equal(fields['partition_field']?.optional, true);
    assert.equal(fields['timestamp_field']?.name, TimestampType.LOGICAL_NAME);
    const v = r?.value as Struct;
    assert.equal(v.get('offset_field'), 42);
    assert.equal((v.get('timestamp_field') as Date).getTime(), 1483425001864);
    assert.equal(v.get('id'), 7);
  });
  void it('requires a sink record for offset.field and passes tombstones', () => {
    assert.throws(() => transform(`${T}InsertField$Value`, { 'offset.field': 'o' })(rec({ value: {} })), /Only SinkRecord supported/);
    assert.equal(transform(`${T}InsertField$Value`, props)(sinkRec({ value: null }))?.value, null);
  });
});

void describe('MaskField', () => {
  void it('masks schemaless values with type-appropriate empties', () => {
    const r = transform(`${T}MaskField$Value`, { fields: 'a,b,c,d,e' })(rec({ value: { a: 5, b: 'x', c: true, d: [1], e: { k: 1 }, f: 'keep' } }));
    assert.deepEqual(r?.value, { a: 0, b: '', c: false, d: [], e: {}, f: 'keep' });
  });
  void it('masks struct fields, with a replacement when given', () => {
    const r = transform(`${T}MaskField$Value`, { fields: 'id,name', replacement: '99' })(rec({ valueSchema: userSchema, value: user() }));
    assert.deepEqual((r?.value as Struct).toJSON(), { id: 99, name: '99', score: 1.9 });
    const d = SchemaBuilder.struct().field('amount', Decimal.schema(2)).build();
    const r2 = transform(`${T}MaskField$Value`, { fields: 'amount' })(rec({ valueSchema: d, value: new Struct(d).put('amount', BigDecimal.parse('9.99')) }));
    assert.equal(((r2?.value as Struct).get('amount') as BigDecimal).toString(), '0.00');
  });
  void it('rejects a replacement the type cannot take', () => {
    assert.throws(() => transform(`${T}MaskField$Value`, { fields: 'id', replacement: 'abc' })(rec({ valueSchema: userSchema, value: user() })), /Unable to convert abc/);
    assert.throws(() => transform(`${T}MaskField$Value`, { fields: 'a', replacement: 'x' })(rec({ value: { a: [1] } })), /Cannot mask value of type array with custom replacement/);
  });
});

void describe('ReplaceField', () => {
  void it('excludes, includes and renames schemaless fields', () => {
    const f = transform(`${T}ReplaceField$Value`, { exclude: 'dont', renames: 'abc:xyz,foo:bar' });
    assert.deepEqual(f(rec({ value: { dont: 'whatever', abc: 42, foo: true, etc: 'etc' } }))?.value, { xyz: 42, bar: true, etc: 'etc' });
    const inc = transform(`${T}ReplaceField$Value`, { include: 'abc,foo' });
    assert.deepEqual(inc(rec({ value: { dont: 1, abc: 42, foo: true } }))?.value, { abc: 42, foo: true });
  });
  void it('rebuilds struct schemas with renamed fields', () => {
    const r = transform(`${T}ReplaceField$Value`, { exclude: 'score', renames: 'name:full_name' })(rec({ valueSchema: userSchema, value: user() }));
    assert.deepEqual(r?.valueSchema?.fields?.map((f) => f.name), ['id', 'full_name']);
    assert.deepEqual((r?.value as Struct).toJSON(), { id: 7, full_name: 'ann' });
  });
  void it('accepts the deprecated blacklist/whitelist names', () => {
    assert.deepEqual(transform(`${T}ReplaceField$Value`, { blacklist: 'a' })(rec({ value: { a: 1, b: 2 } }))?.value, { b: 2 });
  });
  void it('rejects a malformed rename', () => {
    assert.throws(() => transform(`${T}ReplaceField$Value`, { renames: 'abc' }), /Invalid rename mapping: abc/);
  });
});

void describe('Flatten', () => {
  void it('flattens nested maps with the delimiter', () => {
    const r = transform(`${T}Flatten$Value`, { delimiter: '_' })(rec({ value: { A: { B: { int8: 8, arr: [1] }, s: 'x' }, top: null } }));
    assert.deepEqual(r?.value, { A_B_int8: 8, A_B_arr: [1], A_s: 'x', top: null });
  });
  void it('flattens nested structs, making fields under optional parents optional', () => {
    const inner = SchemaBuilder.struct().optional().field('x', Schemas.INT32).field('y', Schemas.STRING).build();
    const outer = SchemaBuilder.struct().name('o').field('a', inner).field('b', Schemas.BOOLEAN).build();
    const v = new Struct(outer).put('a', new Struct(inner).putAll({ x: 1, y: 'q' })).put('b', true);
    const r = transform(`${T}Flatten$Value`)(rec({ valueSchema: outer, value: v }));
    assert.deepEqual(r?.valueSchema?.fields?.map((f) => [f.name, f.schema.optional]), [['a.x', true], ['a.y', true], ['b', false]]);
    assert.deepEqual((r?.value as Struct).toJSON(), { 'a.x': 1, 'a.y': 'q', b: true });
    const nulled = transform(`${T}Flatten$Value`)(rec({ valueSchema: outer, value: new Struct(outer).put('b', false) }));
    assert.deepEqual((nulled?.value as Struct).toJSON(), { 'a.x': null, 'a.y': null, b: false });
  });
});
