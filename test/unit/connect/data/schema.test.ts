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
  validateValue,
  valuesEqual,
} from '../../../../host/connect/data/index.ts';

void describe('SchemaBuilder', () => {
  void it('builds a frozen struct schema with indexed fields', () => {
    const s = SchemaBuilder.struct().name('com.example.User').version(2).doc('a user')
      .field('id', Schemas.INT64).field('name', Schemas.OPTIONAL_STRING).build();
    assert.equal(s.type, 'STRUCT');
    assert.equal(s.name, 'com.example.User');
    assert.equal(s.version, 2);
    assert.deepEqual(s.fields?.map((f) => [f.name, f.index]), [['id', 0], ['name', 1]]);
    assert.ok(Object.isFrozen(s));
  });

  void it('rejects duplicate and empty field names and fields on non-structs', () => {
    assert.throws(() => SchemaBuilder.struct().field('a', Schemas.INT8).field('a', Schemas.INT8), /duplication a/);
    assert.throws(() => SchemaBuilder.struct().field('', Schemas.INT8), /cannot be empty/);
    assert.throws(() => SchemaBuilder.int32().field('a', Schemas.INT8), /non-struct/);
  });

  void it('validates the default value at build', () => {
    assert.equal(SchemaBuilder.int32().defaultValue(5).build().defaultValue, 5);
    assert.throws(() => SchemaBuilder.int8().defaultValue(300).build(), /Invalid default value/);
    assert.throws(() => SchemaBuilder.string().defaultValue(1).build(), /Invalid default value/);
  });

  void it('copies a schema with from()', () => {
    const s = SchemaBuilder.map(Schemas.STRING, Schemas.INT32).optional().parameter('a', 'b').build();
    assert.ok(schemaEquals(SchemaBuilder.from(s).build(), s));
    assert.ok(!schemaEquals(SchemaBuilder.from(s).required().build(), s));
  });
});

void describe('validateValue', () => {
  const ok: [string, unknown, unknown][] = [
    ['INT8', Schemas.INT8, -128],
    ['INT16', Schemas.INT16, 32767],
    ['INT32', Schemas.INT32, -2147483648],
    ['INT64 number', Schemas.INT64, Number.MAX_SAFE_INTEGER],
    ['INT64 bigint', Schemas.INT64, 2n ** 63n - 1n],
    ['FLOAT32', Schemas.FLOAT32, 1.5],
    ['BOOLEAN', Schemas.BOOLEAN, false],
    ['STRING', Schemas.STRING, ''],
    ['BYTES', Schemas.BYTES, Buffer.from('x')],
    ['ARRAY', SchemaBuilder.array(Schemas.INT32).build(), [1, 2]],
    ['MAP as Map', SchemaBuilder.map(Schemas.INT32, Schemas.STRING).build(), new Map([[1, 'a']])],
    ['MAP as object', SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build(), { a: 'b' }],
    ['Decimal', Decimal.schema(2), new BigDecimal(1n, 2)],
    ['Timestamp', TimestampType.SCHEMA, new Date(0)],
  ];
  for (const [label, schema, value] of ok) {
    void it(`accepts ${label}`, () => validateValue(schema as never, value));
  }
  const bad: [string, unknown, unknown, RegExp][] = [
    ['INT8 out of range', Schemas.INT8, 128, /INT8/],
    ['INT32 fraction', Schemas.INT32, 1.5, /INT32/],
    ['INT64 beyond range', Schemas.INT64, 2n ** 63n, /INT64/],
    ['INT64 unsafe number', Schemas.INT64, 2 ** 60, /INT64/],
    ['STRING number', Schemas.STRING, 1, /STRING: number/],
    ['required null', Schemas.STRING, null, /null used for required field/],
    ['array element', SchemaBuilder.array(Schemas.INT32).build(), [1, 'x'], /element of array/],
    ['map key', SchemaBuilder.map(Schemas.INT32, Schemas.STRING).build(), new Map([['x', 'a']]), /key of map/],
    ['Decimal as number', Decimal.schema(2), 1.5, /org.apache.kafka.connect.data.Decimal/],
    ['Date as number', DateType.SCHEMA, 5, /Date/],
  ];
  for (const [label, schema, value, re] of bad) {
    void it(`rejects ${label}`, () => assert.throws(() => validateValue(schema as never, value), re));
  }
  void it('accepts null for optional and defaulted schemas', () => {
    validateValue(Schemas.OPTIONAL_INT32, null);
    validateValue(SchemaBuilder.int32().defaultValue(1).build(), null);
  });
});

void describe('Struct', () => {
  const schema = SchemaBuilder.struct().name('s')
    .field('a', Schemas.INT32)
    .field('b', SchemaBuilder.string().optional().defaultValue('dflt').build())
    .field('c', Schemas.OPTIONAL_STRING).build();

  void it('validates on put and on validate()', () => {
    const s = new Struct(schema);
    assert.throws(() => s.put('a', 'x'), /INT32/);
    assert.throws(() => s.put('zz', 1), /zz is not a valid field name/);
    assert.throws(() => s.validate(), /required field: "a"/);
    s.put('a', 1);
    s.validate();
  });

  void it('returns defaults from get but not getWithoutDefault', () => {
    const s = new Struct(schema).put('a', 1);
    assert.equal(s.get('b'), 'dflt');
    assert.equal(s.getWithoutDefault('b'), null);
  });

  void it('prints like Kafka and compares by value', () => {
    const s = new Struct(schema).putAll({ a: 1, c: 'x' });
    assert.equal(s.toString(), 'Struct{a=1,c=x}');
    assert.ok(valuesEqual(s, new Struct(schema).putAll({ a: 1, c: 'x' })));
    assert.ok(!valuesEqual(s, new Struct(schema).putAll({ a: 2, c: 'x' })));
  });

  void it('refuses a nested struct of another schema', () => {
    const outer = SchemaBuilder.struct().field('inner', schema).build();
    const other = SchemaBuilder.struct().field('a', Schemas.INT32).build();
    assert.throws(() => new Struct(outer).put('inner', new Struct(other).put('a', 1)), /do not match/);
  });
});

void describe('logical types', () => {
  void it('Decimal encodes the unscaled value and checks the scale', () => {
    const s = Decimal.schema(2);
    assert.deepEqual(s.parameters, { scale: '2' });
    assert.equal(s.version, 1);
    assert.deepEqual([...Decimal.fromLogical(s, BigDecimal.parse('1.56'))], [0x00, 0x9c]);
    assert.equal(Decimal.toLogical(s, Uint8Array.from([0x00, 0x9c])).toString(), '1.56');
    assert.throws(() => Decimal.fromLogical(s, BigDecimal.parse('1.5')), /mismatching scale/);
  });

  void it('Date is days since the epoch at midnight', () => {
    assert.equal(DateType.fromLogical(DateType.SCHEMA, new Date('2024-03-01T00:00:00Z')), 19783);
    assert.equal(DateType.toLogical(DateType.SCHEMA, 19783).toISOString(), '2024-03-01T00:00:00.000Z');
    assert.throws(() => DateType.fromLogical(DateType.SCHEMA, new Date(1000)), /time fields/);
  });

  void it('Time is milliseconds since midnight', () => {
    assert.equal(TimeType.fromLogical(TimeType.SCHEMA, new Date(3_600_000)), 3_600_000);
    assert.throws(() => TimeType.fromLogical(TimeType.SCHEMA, new Date(86_400_000)), /date fields/);
  });

  void it('Timestamp is milliseconds since the epoch and checks the schema name', () => {
    assert.equal(TimestampType.fromLogical(TimestampType.SCHEMA, new Date(1234)), 1234);
    assert.throws(() => TimestampType.fromLogical(Schemas.INT64, new Date(1)), /schema does not match/);
  });
});
