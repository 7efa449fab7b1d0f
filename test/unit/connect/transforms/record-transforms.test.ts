import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DateType, SchemaBuilder, Schemas, Struct, TimeType, TimestampType, schemaEquals } from '../../../../host/connect/data/index.ts';
import { header } from '../../../../host/connect/record.ts';
import { createDateFormat } from '../../../../host/connect/transforms/date-format.ts';
import { javaReplacement } from '../../../../host/connect/transforms/routers.ts';
import { rec, transform } from './helpers.ts';

const T = 'org.apache.kafka.connect.transforms.';
const DATE_PLUS_TIME = 86_401_000;

void describe('RegexRouter', () => {
  void it('renames a fully matching topic with Java replacement syntax', () => {
    const f = transform(`${T}RegexRouter`, { regex: '(.*)-(\\d\\d\\d\\d)', replacement: '$1' });
    assert.equal(f(rec({ topic: 'orders-2024' }))?.topic, 'orders');
    assert.equal(f(rec({ topic: 'orders-2024x' }))?.topic, 'orders-2024x');
    assert.equal(transform(`${T}RegexRouter`, { regex: 'b', replacement: 'x' })(rec({ topic: 'abc' }))?.topic, 'abc');
    assert.equal(javaReplacement('${name}-\\$1'), '$<name>-$$1');
  });
  void it('rejects an invalid regex at configuration', () => {
    assert.throws(() => transform(`${T}RegexRouter`, { regex: '(', replacement: 'x' }), /"transforms.x.regex": not a valid regular expression/);
  });
});

void describe('TimestampRouter', () => {
  void it('formats topic and UTC timestamp', () => {
    assert.equal(transform(`${T}TimestampRouter`)(rec({ topic: 'test', timestamp: 1483425001864 }))?.topic, 'test-20170103');
    const f = transform(`${T}TimestampRouter`, { 'topic.format': 'ts_${timestamp}_${topic}', 'timestamp.format': 'yyyy-MM-dd HH' });
    assert.equal(f(rec({ topic: 't', timestamp: 1483425001864 }))?.topic, 'ts_2017-01-03 06_t');
  });
  void it('needs a timestamp', () => {
    assert.throws(() => transform(`${T}TimestampRouter`)(rec({ timestamp: null })), /Timestamp missing on record/);
  });
});

void describe('TimestampConverter', () => {
  const fmt = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
  void it('converts a whole schema\'d Timestamp to string, unix, Date and Time', () => {
    const r = (target: string, extra: Record<string, unknown> = {}) =>
      transform(`${T}TimestampConverter$Value`, { 'target.type': target, format: fmt, ...extra })(rec({ valueSchema: TimestampType.SCHEMA, value: new Date(DATE_PLUS_TIME) }));
    assert.equal(r('string')?.value, '1970-01-02T00:00:01.000Z');
    assert.ok(schemaEquals(r('string')?.valueSchema ?? null, Schemas.STRING));
    assert.equal(r('unix')?.value, DATE_PLUS_TIME);
    assert.equal(r('unix', { 'unix.precision': 'seconds' })?.value, 86401);
    assert.equal(r('unix', { 'unix.precision': 'microseconds' })?.value, DATE_PLUS_TIME * 1000);
    assert.equal((r('Date')?.value as Date).getTime(), 86_400_000);
    assert.ok(schemaEquals(r('Date')?.valueSchema ?? null, DateType.SCHEMA));
    assert.equal((r('Time')?.value as Date).getTime(), 1000);
    assert.ok(schemaEquals(r('Time')?.valueSchema ?? null, TimeType.SCHEMA));
  });
  void it('parses string and unix inputs (schemaless)', () => {
    const toTs = transform(`${T}TimestampConverter$Value`, { 'target.type': 'Timestamp', format: fmt });
    assert.equal((toTs(rec({ value: '1970-01-02T00:00:01.000Z' }))?.value as Date).getTime(), DATE_PLUS_TIME);
    assert.equal((toTs(rec({ value: DATE_PLUS_TIME }))?.value as Date).getTime(), DATE_PLUS_TIME);
    const secs = transform(`${T}TimestampConverter$Value`, { 'target.type': 'Timestamp', 'unix.precision': 'seconds' });
    assert.equal((secs(rec({ value: 86401 }))?.value as Date).getTime(), DATE_PLUS_TIME);
  });
  void it('converts one field of a struct and of a map', () => {
    const s = SchemaBuilder.struct().field('ts', TimestampType.SCHEMA).field('other', Schemas.STRING).build();
    const r = transform(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'unix' })(rec({ valueSchema: s, value: new Struct(s).putAll({ ts: new Date(5), other: 'o' }) }));
    assert.equal(r?.valueSchema?.fields?.[0]?.schema.type, 'INT64');
    assert.deepEqual((r?.value as Struct).toJSON(), { ts: 5, other: 'o' });
    const m = transform(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'string', format: 'yyyyMMdd' })(rec({ value: { ts: DATE_PLUS_TIME, k: 1 } }));
    assert.deepEqual(m?.value, { ts: '19700102', k: 1 });
  });
  void it('validates its configuration', () => {
    assert.throws(() => transform(`${T}TimestampConverter$Value`, { 'target.type': 'string' }), /requires format option/);
    assert.throws(() => transform(`${T}TimestampConverter$Value`, { 'target.type': 'epoch' }), /"transforms.x.target.type": must be one of/);
    assert.throws(() => transform(`${T}TimestampConverter$Value`, { 'target.type': 'string', format: 'yyyy EEE' }), /pattern letter 'E' is not supported/);
  });
  void it('date format parses offsets and 12-hour clocks', () => {
    assert.equal(createDateFormat('yyyy-MM-dd HH:mmZ').parse('2020-01-01 10:00+0200').toISOString(), '2020-01-01T08:00:00.000Z');
    assert.equal(createDateFormat('h:mm a').format(new Date(13 * 3_600_000)), '1:00 PM');
    assert.throws(() => createDateFormat('yyyy-MM-dd').parse('2020/01/01'), /does not match pattern/);
  });
});

void describe('SetSchemaMetadata', () => {
  const s = SchemaBuilder.struct().name('old').field('a', Schemas.INT32).build();
  void it('sets name and version, rebuilding struct values', () => {
    const r = transform(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'foo', 'schema.version': '42' })(rec({ valueSchema: s, value: new Struct(s).put('a', 1) }));
    assert.equal(r?.valueSchema?.name, 'foo');
    assert.equal(r?.valueSchema?.version, 42);
    assert.ok(schemaEquals((r?.value as Struct).schema, r?.valueSchema ?? null));
  });
  void it('needs a schema and some metadata', () => {
    assert.throws(() => transform(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'foo' })(rec({ value: 1 })), /Schema required for \[updating schema metadata\]/);
    assert.throws(() => transform(`${T}SetSchemaMetadata$Key`, {}), /Neither schema name nor version configured/);
  });
});

void describe('ValueToKey', () => {
  void it('builds a schemaless key', () => {
    assert.deepEqual(transform(`${T}ValueToKey`, { fields: 'a,b' })(rec({ value: { a: 1, b: 2, c: 3 } }))?.key, { a: 1, b: 2 });
  });
  void it('builds a struct key from value fields', () => {
    const s = SchemaBuilder.struct().field('a', Schemas.INT32).field('b', Schemas.STRING).field('c', Schemas.INT64).build();
    const r = transform(`${T}ValueToKey`, { fields: 'a,b' })(rec({ valueSchema: s, value: new Struct(s).putAll({ a: 1, b: 'x', c: 3 }) }));
    assert.deepEqual(r?.keySchema?.fields?.map((f) => f.name), ['a', 'b']);
    assert.deepEqual((r?.key as Struct).toJSON(), { a: 1, b: 'x' });
    assert.throws(() => transform(`${T}ValueToKey`, { fields: 'zz' })(rec({ valueSchema: s, value: new Struct(s).putAll({ a: 1, b: 'x', c: 3 }) })), /Field does not exist: zz/);
  });
});

void describe('header transforms', () => {
  void it('InsertHeader parses its literal like SimpleHeaderConverter', () => {
    const r = transform(`${T}InsertHeader`, { header: 'h', 'value.literal': '42' })(rec());
    assert.deepEqual(r?.headers, [header('h', Schemas.INT8, 42)]);
  });
  void it('DropHeaders removes every header with a listed key', () => {
    const r = transform(`${T}DropHeaders`, { headers: 'a,b' })(rec({ headers: [header('a', null, 1), header('c', null, 2), header('b', null, 3), header('a', null, 4)] }));
    assert.deepEqual(r?.headers.map((h) => h.key), ['c']);
  });
  void it('HeaderFrom copies or moves fields into headers', () => {
    const s = SchemaBuilder.struct().field('a', Schemas.INT32).field('b', Schemas.STRING).build();
    const v = new Struct(s).putAll({ a: 1, b: 'x' });
    const moved = transform(`${T}HeaderFrom$Value`, { fields: 'a', headers: 'ha', operation: 'move' })(rec({ valueSchema: s, value: v }));
    assert.deepEqual(moved?.headers, [header('ha', Schemas.INT32, 1)]);
    assert.deepEqual(moved?.valueSchema?.fields?.map((f) => f.name), ['b']);
    const copied = transform(`${T}HeaderFrom$Key`, { fields: 'a,b', headers: 'ha,hb', operation: 'copy' })(rec({ key: { a: 1, b: 'x' } }));
    assert.deepEqual(copied?.key, { a: 1, b: 'x' });
    assert.deepEqual(copied?.headers.map((h) => [h.key, h.value]), [['ha', 1], ['hb', 'x']]);
    assert.throws(() => transform(`${T}HeaderFrom$Value`, { fields: 'a,b', headers: 'ha', operation: 'copy' }), /same number of elements/);
    assert.throws(() => transform(`${T}HeaderFrom$Value`, { fields: 'a', headers: 'ha', operation: 'cut' }), /must be one of move, copy/);
  });
});
