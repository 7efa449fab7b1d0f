import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BigDecimal,
  DateType,
  Decimal,
  SchemaBuilder,
  Schemas,
  Struct,
  TimeType,
  TimestampType,
  schemaEquals,
  valuesEqual,
} from '../../../../host/connect/data/index.ts';
import type { Schema } from '../../../../host/connect/data/index.ts';
import { JsonConverter } from '../../../../host/connect/converters/json-converter.ts';

function conv(config: Record<string, unknown> = {}): JsonConverter {
  const c = new JsonConverter();
  c.configure(config, false);
  return c;
}
const enc = (c: JsonConverter, schema: Schema | null, value: unknown): string | undefined =>
  c.fromConnectData('t', schema, value)?.toString('utf8');
const dec = (c: JsonConverter, text: string) => c.toConnectData('t', Buffer.from(text));

void describe('JsonConverter with schemas.enable=true (default)', () => {
  const c = conv();
  const primitives: [string, Schema, unknown, string][] = [
    ['boolean', Schemas.BOOLEAN, true, '{"schema":{"type":"boolean","optional":false},"payload":true}'],
    ['int8', Schemas.INT8, 12, '{"schema":{"type":"int8","optional":false},"payload":12}'],
    ['int16', Schemas.INT16, 12, '{"schema":{"type":"int16","optional":false},"payload":12}'],
    ['int32', Schemas.INT32, 12, '{"schema":{"type":"int32","optional":false},"payload":12}'],
    ['int64 max', Schemas.INT64, 9223372036854775807n, '{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}'],
    ['float', Schemas.FLOAT32, Math.fround(12.34), '{"schema":{"type":"float","optional":false},"payload":12.34}'],
    ['double', Schemas.FLOAT64, 12.34, '{"schema":{"type":"double","optional":false},"payload":12.34}'],
    ['integral double', Schemas.FLOAT64, 1, '{"schema":{"type":"double","optional":false},"payload":1.0}'],
    ['large double', Schemas.FLOAT64, 1e20, '{"schema":{"type":"double","optional":false},"payload":1.0E20}'],
    ['bytes', Schemas.BYTES, Buffer.from('test-string'), '{"schema":{"type":"bytes","optional":false},"payload":"dGVzdC1zdHJpbmc="}'],
    ['string', Schemas.STRING, 'test-string', '{"schema":{"type":"string","optional":false},"payload":"test-string"}'],
  ];
  for (const [label, schema, value, golden] of primitives) {
    void it(`writes ${label}`, () => assert.equal(enc(c, schema, value), golden));
    void it(`reads ${label} back`, () => {
      const r = dec(c, golden);
      assert.ok(schemaEquals(r.schema, schema));
      assert.ok(valuesEqual(r.value, value), `got ${String(r.value)}`);
    });
  }

  void it('writes arrays, maps with string keys as objects and other maps as pairs', () => {
    assert.equal(
      enc(c, SchemaBuilder.array(Schemas.INT32).build(), [1, 2, 3]),
      '{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}',
    );
    assert.equal(
      enc(c, SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), new Map([['key1', 12], ['key2', 15]])),
      '{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}',
    );
    assert.equal(
      enc(c, SchemaBuilder.map(Schemas.INT32, Schemas.INT32).build(), new Map([[1, 12], [2, 15]])),
      '{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}',
    );
  });

  void it('reads maps in both encodings', () => {
    const a = dec(c, '{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":false},"optional":false},"payload":[[1,"a"],[2,"b"]]}');
    assert.deepEqual(a.value, new Map([[1, 'a'], [2, 'b']]));
    const b = dec(c, '{"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int64"}},"payload":{"x":1}}');
    assert.deepEqual(b.value, new Map([['x', 1]]));
    assert.throws(() => dec(c, '{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":{"1":2}}'), /JSON array of tuples, but found OBJECT/);
    assert.throws(() => dec(c, '{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":[[1]]}'), /expected length 2/);
  });

  const struct = SchemaBuilder.struct().name('com.example.User').version(3).doc('a user')
    .field('id', Schemas.INT64)
    .field('name', Schemas.OPTIONAL_STRING)
    .field('score', SchemaBuilder.int32().optional().defaultValue(7).build())
    .build();
  const structGolden =
    '{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},' +
    '{"type":"int32","optional":true,"default":7,"field":"score"}],"optional":false,"name":"com.example.User","version":3,"doc":"a user"},' +
    '"payload":{"id":42,"name":null,"score":7}}';

  void it('writes a struct with fields in order, field name last, nulls replaced by defaults', () => {
    assert.equal(enc(c, struct, new Struct(struct).put('id', 42)), structGolden);
  });

  void it('reads a struct back, schema and values', () => {
    const r = dec(c, structGolden);
    assert.ok(schemaEquals(r.schema, struct));
    assert.ok(r.value instanceof Struct);
    assert.equal(r.value.get('id'), 42);
    assert.equal(r.value.get('name'), null);
    assert.equal(r.value.get('score'), 7);
  });

  void it('keeps nulls when replace.null.with.default=false', () => {
    const c2 = conv({ 'replace.null.with.default': 'false' });
    assert.match(enc(c2, struct, new Struct(struct).put('id', 42)) ?? '', /"payload":\{"id":42,"name":null,"score":null\}/);
  });

  void it('refuses required nulls and struct schema mismatches', () => {
    assert.throws(() => enc(c, Schemas.INT32, null), /null value for field that is required/);
    const other = SchemaBuilder.struct().field('id', Schemas.INT64).build();
    assert.throws(() => enc(c, struct, new Struct(other).put('id', 1)), /Mismatching schema/);
    assert.throws(() => dec(c, '{"schema":{"type":"struct","fields":[{"type":"int32","field":"a"}]},"payload":{}}'), /Invalid null value for required INT32 field/);
  });

  void it('writes an optional null with its schema, and returns null bytes for a null schema and value', () => {
    assert.equal(enc(c, Schemas.OPTIONAL_STRING, null), '{"schema":{"type":"string","optional":true},"payload":null}');
    assert.equal(c.fromConnectData('t', null, null), null);
    assert.deepEqual(c.toConnectData('t', null), { schema: null, value: null });
  });

  void it('writes schema parameters', () => {
    const s = SchemaBuilder.string().parameter('foo', 'bar').parameter('a', 'b').build();
    assert.equal(enc(c, s, 'x'), '{"schema":{"type":"string","optional":false,"parameters":{"foo":"bar","a":"b"}},"payload":"x"}');
  });

  void it('requires the envelope', () => {
    assert.throws(() => dec(c, '{"a":1}'), /requires "schema" and "payload" fields/);
    assert.throws(() => dec(c, '{"schema":null,"payload":1,"x":2}'), /may not contain additional fields/);
    assert.throws(() => dec(c, 'not json'), /serialization error/);
  });

  void it('infers types when the envelope schema is null', () => {
    assert.deepEqual(dec(c, '{"schema":null,"payload":{"a":1,"b":[1.5,"x"]}}'), { schema: null, value: { a: 1, b: [1.5, 'x'] } });
  });

  void it('rejects bad schemas', () => {
    assert.throws(() => dec(c, '{"schema":{"optional":true},"payload":1}'), /Schema must contain 'type' field/);
    assert.throws(() => dec(c, '{"schema":{"type":"foo"},"payload":1}'), /Unknown schema type: foo/);
    assert.throws(() => dec(c, '{"schema":{"type":"array"},"payload":[]}'), /did not specify the element type/);
    assert.throws(() => dec(c, '{"schema":{"type":"struct","fields":{}},"payload":{}}'), /not an array/);
    assert.throws(() => dec(c, '{"schema":{"type":"string","parameters":{"a":1}},"payload":"x"}'), /must have string values/);
    assert.throws(() => dec(c, '{"schema":{"type":"int8"},"payload":300}'), /out of range/);
    assert.throws(() => dec(c, '{"schema":{"type":"int32"},"payload":"x"}'), /expected a number/);
  });
});

void describe('JsonConverter logical types', () => {
  const c = conv();
  void it('writes Decimal as base64 of the unscaled two\'s complement by default', () => {
    assert.equal(
      enc(c, Decimal.schema(2), BigDecimal.parse('1.56')),
      '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}',
    );
    const r = dec(c, '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}');
    assert.ok(r.value instanceof BigDecimal);
    assert.equal(r.value.toString(), '1.56');
  });

  void it('writes Decimal as a number with decimal.format=NUMERIC, keeping every digit', () => {
    const n = conv({ 'decimal.format': 'numeric' });
    assert.equal(
      enc(n, Decimal.schema(2), BigDecimal.parse('123456789012345678901234567890.10')),
      '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":123456789012345678901234567890.10}',
    );
    const r = dec(n, '{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"payload":1.5}');
    assert.equal((r.value as BigDecimal).toString(), '1.50');
  });

  void it('writes Date, Time and Timestamp as their integer encodings', () => {
    assert.equal(
      enc(c, DateType.SCHEMA, new Date(10000 * 86_400_000)),
      '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}',
    );
    assert.equal(
      enc(c, TimeType.SCHEMA, new Date(14_400_000)),
      '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000}',
    );
    assert.equal(
      enc(c, TimestampType.SCHEMA, new Date(4_000_000_000)),
      '{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000}',
    );
    const r = dec(c, '{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}');
    assert.equal((r.value as Date).toISOString(), '1997-05-19T00:00:00.000Z');
  });

  void it('rejects a wrong value class for a logical type', () => {
    assert.throws(() => enc(c, Decimal.schema(2), 1.5), /Invalid type for Decimal, expected BigDecimal/);
    assert.throws(() => enc(c, TimestampType.SCHEMA, 5), /Invalid type for Timestamp, expected Date/);
  });

  void it('writes a logical default value', () => {
    const s = Decimal.builder(1).optional().defaultValue(BigDecimal.parse('1.5')).build();
    assert.equal(
      enc(c, s, null),
      '{"schema":{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"1"},"default":"Dw=="},"payload":"Dw=="}',
    );
  });
});

void describe('JsonConverter with schemas.enable=false', () => {
  const c = conv({ 'schemas.enable': 'false' });
  void it('writes the bare payload', () => {
    assert.equal(enc(c, null, { a: 1, b: [true, 'x', 1.5], c: null }), '{"a":1,"b":[true,"x",1.5],"c":null}');
    assert.equal(enc(c, SchemaBuilder.struct().field('a', Schemas.FLOAT64).optional().build(), null), 'null');
    assert.equal(enc(c, null, new Map<unknown, unknown>([[1, 'a']])), '[[1,"a"]]');
  });

  void it('reads plain JSON: integers as INT64, others as FLOAT64, objects as plain objects', () => {
    assert.deepEqual(dec(c, '{"a":1,"b":1.0,"big":12345678901234567890}'), {
      schema: null,
      value: { a: 1, b: 1, big: 12345678901234567890n },
    });
    assert.deepEqual(dec(c, '"x"'), { schema: null, value: 'x' });
    assert.deepEqual(dec(c, 'null'), { schema: null, value: null });
  });

  void it('handles __proto__ keys as data', () => {
    const r = dec(c, '{"__proto__":{"x":1}}');
    assert.deepEqual(Object.keys(r.value as object), ['__proto__']);
    assert.equal(Object.getPrototypeOf(r.value), Object.prototype);
  });
});

void describe('JsonConverter config', () => {
  void it('rejects unknown keys and bad values naming the key', () => {
    assert.throws(() => conv({ 'schema.enable': 'false' }), (e: Error & { code?: string }) =>
      e.code === 'CONVEYOR_CONFIG_INVALID' && /unknown configuration "schema.enable"/.test(e.message));
    assert.throws(() => conv({ 'decimal.format': 'HEX' }), /"decimal.format": must be one of BASE64, NUMERIC/);
    assert.throws(() => conv({ 'schemas.enable': 'yes' }), /"schemas.enable": expected true or false/);
  });
  void it('serves headers with the same encoding', () => {
    const c = conv();
    const bytes = c.fromConnectHeader('t', 'h', Schemas.INT32, 5);
    assert.equal(bytes?.toString(), '{"schema":{"type":"int32","optional":false},"payload":5}');
    assert.deepEqual(c.toConnectHeader('t', 'h', bytes ?? null).value, 5);
  });
});
