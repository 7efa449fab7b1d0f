import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BigDecimal, Decimal, DateType, SchemaBuilder, Schemas, Struct, TimeType, TimestampType } from '../../../../host/connect/data/index.ts';
import { StringConverter } from '../../../../host/connect/converters/string-converter.ts';
import { ByteArrayConverter } from '../../../../host/connect/converters/byte-array-converter.ts';
import { numberConverterPlugins } from '../../../../host/connect/converters/number-converters.ts';
import { SimpleHeaderConverter, parseHeaderString } from '../../../../host/connect/converters/simple-header-converter.ts';
import type { Converter } from '../../../../host/connect/converters/types.ts';

function numberConverter(simple: string): Converter {
  const p = numberConverterPlugins.find((x) => x.className.endsWith(`.${simple}`));
  assert.ok(p?.createConverter);
  const c = p.createConverter();
  c.configure({}, false);
  return c;
}

void describe('StringConverter', () => {
  const c = new StringConverter();
  c.configure({}, false);
  void it('writes strings and the string form of other values', () => {
    assert.equal(c.fromConnectData('t', Schemas.STRING, 'héllo')?.toString('utf8'), 'héllo');
    assert.equal(c.fromConnectData('t', null, 42)?.toString(), '42');
    assert.equal(c.fromConnectData('t', null, null), null);
    const s = SchemaBuilder.struct().field('a', Schemas.INT32).field('b', Schemas.OPTIONAL_STRING).build();
    assert.equal(c.fromConnectData('t', s, new Struct(s).put('a', 1))?.toString(), 'Struct{a=1}');
    assert.equal(c.fromConnectData('t', null, [1, 'x'])?.toString(), '[1, x]');
  });
  void it('reads bytes as an optional string', () => {
    assert.deepEqual(c.toConnectData('t', Buffer.from('abc')), { schema: Schemas.OPTIONAL_STRING, value: 'abc' });
    assert.deepEqual(c.toConnectData('t', null), { schema: Schemas.OPTIONAL_STRING, value: null });
  });
  void it('honours converter.encoding', () => {
    const l = new StringConverter();
    l.configure({ 'converter.encoding': 'ISO-8859-1' }, true);
    assert.deepEqual([...(l.fromConnectData('t', null, 'é') ?? [])], [0xe9]);
    const be = new StringConverter();
    be.configure({ 'converter.encoding': 'UTF-16BE' }, true);
    assert.deepEqual([...(be.fromConnectData('t', null, 'A') ?? [])], [0x00, 0x41]);
    assert.equal(be.toConnectData('t', Uint8Array.from([0x00, 0x41])).value, 'A');
    assert.throws(() => new StringConverter().configure({ 'converter.encoding': 'EBCDIC' }, false), /converter.encoding/);
  });
  void it('tolerates schemas.enable but rejects other unknown keys', () => {
    new StringConverter().configure({ 'schemas.enable': 'false' }, false);
    assert.throws(() => new StringConverter().configure({ encoding: 'UTF8' }, false), /unknown configuration "encoding"/);
  });
});

void describe('ByteArrayConverter', () => {
  const c = new ByteArrayConverter();
  c.configure({}, false);
  void it('passes bytes through', () => {
    assert.deepEqual([...(c.fromConnectData('t', Schemas.BYTES, Uint8Array.from([1, 2])) ?? [])], [1, 2]);
    assert.deepEqual(c.toConnectData('t', Buffer.from([3])).schema, Schemas.OPTIONAL_BYTES);
    assert.equal(c.fromConnectData('t', null, null), null);
  });
  void it('rejects other schemas and values', () => {
    assert.throws(() => c.fromConnectData('t', Schemas.INT32, Buffer.from([1])), /Invalid schema type for ByteArrayConverter: INT32/);
    assert.throws(() => c.fromConnectData('t', null, 'x'), /not compatible with objects of type string/);
  });
});

void describe('number converters (big-endian like Kafka serializers)', () => {
  const cases: [string, unknown, number[], string][] = [
    ['ShortConverter', 258, [0x01, 0x02], 'INT16'],
    ['ShortConverter', -1, [0xff, 0xff], 'INT16'],
    ['IntegerConverter', 16909060, [1, 2, 3, 4], 'INT32'],
    ['IntegerConverter', -2, [0xff, 0xff, 0xff, 0xfe], 'INT32'],
    ['LongConverter', 1, [0, 0, 0, 0, 0, 0, 0, 1], 'INT64'],
    ['LongConverter', 9223372036854775807n, [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'INT64'],
    ['FloatConverter', 1.5, [0x3f, 0xc0, 0, 0], 'FLOAT32'],
    ['DoubleConverter', 1.5, [0x3f, 0xf8, 0, 0, 0, 0, 0, 0], 'FLOAT64'],
    ['BooleanConverter', true, [1], 'BOOLEAN'],
  ];
  for (const [name, value, bytes, type] of cases) {
    void it(`${name} round-trips ${String(value)}`, () => {
      const c = numberConverter(name);
      assert.deepEqual([...(c.fromConnectData('t', null, value) ?? [])], bytes);
      const back = c.toConnectData('t', Uint8Array.from(bytes));
      assert.equal(back.value, value);
      assert.equal(back.schema?.type, type);
      assert.equal(back.schema?.optional, true);
    });
  }
  void it('maps null to null both ways', () => {
    const c = numberConverter('IntegerConverter');
    assert.equal(c.fromConnectData('t', null, null), null);
    assert.equal(c.toConnectData('t', null).value, null);
  });
  void it('rejects wrong types and sizes', () => {
    assert.throws(() => numberConverter('IntegerConverter').fromConnectData('t', null, 'x'), /Failed to serialize to INT32 \(was string\)/);
    assert.throws(() => numberConverter('ShortConverter').fromConnectData('t', null, 70000), /INT16/);
    assert.throws(() => numberConverter('IntegerConverter').toConnectData('t', Uint8Array.from([1])), /Size of data received by IntegerDeserializer is not 4/);
    assert.throws(() => numberConverter('BooleanConverter').toConnectData('t', Uint8Array.from([2])), /Unexpected byte/);
  });
});

void describe('SimpleHeaderConverter', () => {
  const c = new SimpleHeaderConverter();
  c.configure({});
  void it('parses scalars into the narrowest schema', () => {
    assert.deepEqual(parseHeaderString('true'), { schema: Schemas.BOOLEAN, value: true });
    assert.deepEqual(parseHeaderString('12'), { schema: Schemas.INT8, value: 12 });
    assert.deepEqual(parseHeaderString('300'), { schema: Schemas.INT16, value: 300 });
    assert.deepEqual(parseHeaderString('70000'), { schema: Schemas.INT32, value: 70000 });
    assert.deepEqual(parseHeaderString('9223372036854775807'), { schema: Schemas.INT64, value: 9223372036854775807n });
    assert.equal(parseHeaderString('1.5').value, 1.5);
    assert.deepEqual(parseHeaderString('hello'), { schema: Schemas.STRING, value: 'hello' });
    assert.equal(parseHeaderString('2024-03-01').schema, DateType.SCHEMA);
    assert.equal(parseHeaderString('2024-03-01T10:00:00.000Z').schema, TimestampType.SCHEMA);
    assert.equal((parseHeaderString('01:00:00.000Z').value as Date).getTime(), 3_600_000);
  });
  void it('writes values in their string form', () => {
    const w = (s: Parameters<typeof c.fromConnectHeader>[2], v: unknown): string | undefined => c.fromConnectHeader('t', 'h', s, v)?.toString();
    assert.equal(w(Schemas.STRING, 'abc'), 'abc');
    assert.equal(w(Schemas.FLOAT64, 2), '2.0');
    assert.equal(w(Schemas.INT32, 2), '2');
    assert.equal(w(Decimal.schema(2), BigDecimal.parse('1.50')), '1.50');
    assert.equal(w(DateType.SCHEMA, new Date(0)), '1970-01-01');
    assert.equal(w(TimeType.SCHEMA, new Date(3_600_000)), '01:00:00.000Z');
    assert.equal(w(null, { a: [1, 2] }), '{"a":[1,2]}');
    assert.equal(c.fromConnectHeader('t', 'h', null, null), null);
  });
  void it('round-trips through bytes', () => {
    assert.deepEqual(c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', Schemas.INT16, 1000)), { schema: Schemas.INT16, value: 1000 });
  });
});
