import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64ToBytes, bytesToBase64, decimalToBase64, float32 } from '../../../../plugins/mysql-cdc/src/codec.ts';
import { daysFromCivil, parseTime, zonedTimestamp } from '../../../../plugins/mysql-cdc/src/types/temporal.ts';
import { convertValue } from '../../../../plugins/mysql-cdc/src/types/values.ts';
import { mapColumn } from '../../../../plugins/mysql-cdc/src/types/mapping.ts';
import type { TypeModes } from '../../../../plugins/mysql-cdc/src/types/mapping.ts';
import type { ColumnDef } from '../../../../plugins/mysql-cdc/src/schema/table.ts';

const col = (over: Partial<ColumnDef>): ColumnDef => ({
  name: 'c', typeName: 'INT', typeExpression: 'int', unsigned: false, length: null, scale: null, enumValues: null, charset: null,
  optional: true, autoIncrement: false, generated: false, defaultExpression: null, defaultKind: null, comment: null, ...over,
});
const modes: TypeModes = { decimalHandlingMode: 'precise', timePrecisionMode: 'adaptive_time_microseconds', bigintUnsignedHandlingMode: 'long' };
const conv = (c: ColumnDef, v: Parameters<typeof convertValue>[2], m: TypeModes = modes) => convertValue(c, mapColumn(c, m).kind, v);

test('codec: base64 round trip and Connect Decimal bytes (Java BigInteger.toByteArray)', () => {
  for (const bytes of [[], [0], [255, 1], [1, 2, 3], [0, 255, 16, 7]]) assert.deepEqual([...base64ToBytes(bytesToBase64(Uint8Array.from(bytes)))], bytes);
  assert.equal(bytesToBase64(Uint8Array.from([0, 255, 16])), Buffer.from([0, 255, 16]).toString('base64'));
  assert.equal(decimalToBase64('0', 2), 'AA==');
  assert.equal(decimalToBase64('1.28', 2), 'AIA=', '128 needs a sign byte');
  assert.equal(decimalToBase64('-1.28', 2), 'gA==');
  assert.equal(decimalToBase64('-0.01', 2), '/w==');
  assert.equal(decimalToBase64('5', 3), Buffer.from([0x13, 0x88]).toString('base64'));
  assert.equal(float32(1.100000023841858), 1.1);
  assert.equal(float32(0.1), 0.1);
});

test('temporal: calendar arithmetic across the MySQL range and negative TIME', () => {
  assert.equal(daysFromCivil(1970, 1, 1), 0);
  assert.equal(daysFromCivil(1969, 12, 31), -1);
  assert.equal(daysFromCivil(1, 1, 1), -719162);
  assert.equal(daysFromCivil(9999, 12, 31), 2932896);
  assert.equal(parseTime('-00:00:01.5'), -1_500_000);
  assert.equal(zonedTimestamp(0, 1, 6), '1970-01-01T00:00:00.000001Z');
  assert.equal(zonedTimestamp(-1, 0, 0), '1969-12-31T00:00:00Z');
});

test('values: unsigned widening, BIGINT UNSIGNED modes, decimals by mode', () => {
  assert.equal(mapColumn(col({ typeName: 'INT', unsigned: true }), modes).schema.type, 'int64');
  assert.equal(mapColumn(col({ typeName: 'SMALLINT', unsigned: true }), modes).schema.type, 'int32');
  assert.equal(conv(col({ typeName: 'BIGINT', unsigned: true }), '9223372036854775808'), '-9223372036854775808');
  assert.equal(conv(col({ typeName: 'BIGINT', unsigned: true }), 42), 42);
  const precise: TypeModes = { ...modes, bigintUnsignedHandlingMode: 'precise' };
  assert.deepEqual(mapColumn(col({ typeName: 'BIGINT', unsigned: true }), precise).schema.parameters, { scale: '0', 'connect.decimal.precision': '20' });
  assert.equal(conv(col({ typeName: 'BIGINT', unsigned: true }), '18446744073709551615', precise), 'AP//////////');
  const dec = col({ typeName: 'DECIMAL', length: 10, scale: 2 });
  assert.equal(conv(dec, '12.50'), decimalToBase64('12.50', 2));
  assert.equal(conv(dec, '12.50', { ...modes, decimalHandlingMode: 'double' }), 12.5);
  assert.equal(conv(dec, '12.50', { ...modes, decimalHandlingMode: 'string' }), '12.50');
  assert.equal(mapColumn(col({ typeName: 'FLOAT', length: 30 }), modes).schema.type, 'double');
});

test('values: zero dates, ENUM/SET by index, BIT bytes, JSON objects, nulls', () => {
  assert.equal(conv(col({ typeName: 'DATE' }), '0000-00-00'), null);
  assert.equal(conv(col({ typeName: 'DATE', optional: false }), '0000-00-00'), 0);
  assert.equal(conv(col({ typeName: 'DATETIME', length: 6, optional: false }), '0000-00-00 00:00:00'), 0);
  assert.equal(conv(col({ typeName: 'TIMESTAMP', optional: false }), '0000-00-00 00:00:00'), '1970-01-01T00:00:00Z');
  // Connect's Time is a time of day: Debezium leaves a duration outside it null.
  assert.equal(conv(col({ typeName: 'TIME' }), '12:00:00.5', { ...modes, timePrecisionMode: 'connect' }), 43_200_500);
  assert.equal(conv(col({ typeName: 'TIME' }), '25:00:00', { ...modes, timePrecisionMode: 'connect' }), null);
  assert.equal(conv(col({ typeName: 'TIME' }), '-00:00:01', { ...modes, timePrecisionMode: 'connect' }), null);
  assert.equal(conv(col({ typeName: 'ENUM', enumValues: ['a', 'b'] }), 2), 'b');
  assert.equal(conv(col({ typeName: 'SET', enumValues: ['x', 'y', 'z'] }), 5), 'x,z');
  assert.equal(conv(col({ typeName: 'BIT', length: 16 }), Buffer.from([0x12, 0x34]).toString('base64')), Buffer.from([0x34, 0x12]).toString('base64'));
  assert.equal(conv(col({ typeName: 'BIT', length: 1 }), 'AA=='), false);
  assert.equal(conv(col({ typeName: 'JSON' }), { a: [1] }), '{"a":[1]}');
  assert.equal(conv(col({ typeName: 'INT' }), null), null);
  assert.throws(() => conv(col({ typeName: 'DATE' }), 'yesterday'), /column c \(int\): cannot convert "yesterday": not a DATE value/);
});

test('column defaults: literals converted like row values, expressions none, CURRENT_TIMESTAMP on NOT NULL the epoch', async () => {
  const { columnDefault } = await import('../../../../plugins/mysql-cdc/src/types/defaults.ts');
  const def = (over: Partial<ColumnDef>) => {
    const c = col(over);
    return columnDefault(c, mapColumn(c, modes).kind);
  };
  assert.equal(def({ defaultExpression: '-7', defaultKind: 'number' }), -7);
  assert.equal(def({ defaultExpression: 'TRUE', defaultKind: 'boolean', typeName: 'TINYINT' }), 1);
  assert.equal(def({ defaultExpression: 'FALSE', defaultKind: 'boolean', typeName: 'BOOLEAN' }), false);
  assert.equal(def({ defaultExpression: '0x6162', defaultKind: 'hex', typeName: 'VARBINARY' }), 'YWI=');
  assert.equal(def({ defaultExpression: 'é', defaultKind: 'string', typeName: 'VARBINARY' }), Buffer.from('é').toString('base64'));
  assert.equal(def({ defaultExpression: "x'6162'", defaultKind: 'hex', typeName: 'VARCHAR' }), 'ab');
  assert.equal(def({ defaultExpression: "b'1000000001'", defaultKind: 'bits', typeName: 'BIT', length: 10 }), Buffer.from([1, 2]).toString('base64'));
  assert.equal(def({ defaultExpression: '18446744073709551615', defaultKind: 'number', typeName: 'BIGINT', unsigned: true }), '9223372036854775807');
  assert.equal(def({ defaultExpression: '12', defaultKind: 'string', typeName: 'DECIMAL', length: 5, scale: 0 }), 'DA==');
  assert.equal(def({ defaultExpression: 'uuid()', defaultKind: 'expression', typeName: 'VARCHAR' }), undefined);
  assert.equal(def({ defaultExpression: 'current_timestamp()', defaultKind: 'expression', typeName: 'DATETIME' }), undefined);
  assert.equal(def({ defaultExpression: 'current_timestamp()', defaultKind: 'expression', typeName: 'DATETIME', optional: false }), 0);
  assert.equal(def({ defaultExpression: 'abc', defaultKind: 'string', typeName: 'INT' }), undefined, 'a literal the type cannot hold gives no default');
});

test('values: what the Debezium differential found (FLOAT(M,D), exact far timestamps, snapshot vs binlog TIMESTAMP text)', () => {
  // FLOAT(M,D) is typed double and carries the single-precision value widened, as Debezium writes it.
  const fmd = col({ typeName: 'FLOAT', length: 7, scale: 3 });
  assert.equal(mapColumn(fmd, modes).schema.type, 'double');
  assert.equal(conv(fmd, '1234.567'), 1234.5670166015625);
  assert.equal(conv(fmd, -0.001), -0.0010000000474974513);
  // Microseconds past 2^53 stay exact (an int64 digit string); connect mode's milliseconds too.
  assert.equal(conv(col({ typeName: 'DATETIME', length: 6 }), '9999-12-31 23:59:59.999999'), '253402300799999999');
  assert.equal(conv(col({ typeName: 'DATETIME', length: 6 }), '9999-12-31 23:59:59.999999', { ...modes, timePrecisionMode: 'connect' }), 253402300799999);
  // TIMESTAMP text: the binlog path pads the fraction to the column's digits, the snapshot's JDBC path trims it.
  const ts3 = col({ typeName: 'TIMESTAMP', length: 3 });
  const kind = mapColumn(ts3, modes).kind;
  assert.equal(convertValue(ts3, kind, '1999-12-31 23:59:59.5'), '1999-12-31T23:59:59.500Z');
  assert.equal(convertValue(ts3, kind, '1999-12-31 23:59:59.5', true), '1999-12-31T23:59:59.5Z');
  assert.equal(convertValue(ts3, kind, '1999-12-31 23:59:59.000', true), '1999-12-31T23:59:59Z');
  // A zero TIMESTAMP in a nullable column: the epoch from the binlog, null from the snapshot.
  assert.equal(convertValue(ts3, kind, '0000-00-00 00:00:00'), '1970-01-01T00:00:00Z');
  assert.equal(convertValue(ts3, kind, '0000-00-00 00:00:00', true), null);
});

test('values: binary.handling.mode writes BINARY/VARBINARY/BLOB as Debezium does (bytes, base64, base64-url-safe, hex); BIT keeps its bytes', () => {
  const b = col({ typeName: 'VARBINARY', length: 10 });
  const raw = Buffer.from([0xfb, 0xff, 0xbe]).toString('base64');
  assert.equal(mapColumn(b, modes).schema.type, 'bytes');
  assert.equal(conv(b, raw), '+/++');
  for (const [mode, want] of [['base64', '+/++'], ['base64-url-safe', '-_--'], ['hex', 'fbffbe']] as const) {
    const m = { ...modes, binaryHandlingMode: mode };
    assert.equal(mapColumn(b, m).schema.type, 'string');
    assert.equal(conv(b, raw, m), want, mode);
  }
  assert.equal(mapColumn(col({ typeName: 'BIT', length: 8 }), { ...modes, binaryHandlingMode: 'hex' }).schema.name, 'io.debezium.data.Bits');
});
