/**
 * Debezium's MySQL column type → Connect schema mapping, honouring decimal.handling.mode, time.precision.mode,
 * bigint.unsigned.handling.mode and binary.handling.mode. TINYINT maps to int16 as Debezium's DDL parser types it (SMALLINT).
 */
import type { CdcConfig } from '../config.ts';
import type { ColumnDef } from '../schema/table.ts';
import { schema } from './connect.ts';
import type { ConnectSchema } from './connect.ts';

export type TypeModes = Pick<CdcConfig, 'decimalHandlingMode' | 'timePrecisionMode' | 'bigintUnsignedHandlingMode'> & Partial<Pick<CdcConfig, 'binaryHandlingMode'>>;

/** How a column's values are converted; chosen once per column with its schema. */
export type ValueKind =
  | 'boolean' | 'bool-bit' | 'int' | 'int64' | 'uint64-long' | 'uint64-decimal' | 'float32' | 'float32-double' | 'float64'
  | 'decimal-bytes' | 'decimal-double' | 'decimal-string' | 'string' | 'bytes' | 'bytes-base64' | 'bytes-base64-url-safe' | 'bytes-hex' | 'bits' | 'json' | 'enum' | 'set'
  | 'date' | 'time-micros' | 'time-millis' | 'datetime-millis' | 'datetime-micros' | 'timestamp-zoned' | 'year' | 'unknown';

export interface ColumnMapping {
  schema: ConnectSchema;
  kind: ValueKind;
}

const DEBEZIUM = (name: string) => ({ name, version: 1 });
const CONNECT = (name: string) => ({ name: `org.apache.kafka.connect.data.${name}`, version: 1 });

function decimal(optional: boolean, precision: number, scale: number): ConnectSchema {
  return schema('bytes', optional, { ...CONNECT('Decimal'), parameters: { scale: String(scale), 'connect.decimal.precision': String(precision) } });
}

const STRING_TYPES = new Set(['CHAR', 'VARCHAR', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT', 'UUID', 'INET4', 'INET6']);
const BYTES_TYPES = new Set(['BINARY', 'VARBINARY', 'TINYBLOB', 'BLOB', 'MEDIUMBLOB', 'LONGBLOB', 'GEOMETRY', 'POINT', 'LINESTRING', 'POLYGON', 'VECTOR']);
/** The types binary.handling.mode applies to (Debezium's binary and BLOB columns). */
const BINARY_TYPES = new Set(['BINARY', 'VARBINARY', 'TINYBLOB', 'BLOB', 'MEDIUMBLOB', 'LONGBLOB']);

export function mapColumn(col: ColumnDef, modes: TypeModes): ColumnMapping {
  const opt = col.optional;
  const connectTime = modes.timePrecisionMode === 'connect';
  switch (col.typeName) {
    case 'BOOLEAN':
      return { schema: schema('boolean', opt), kind: 'boolean' };
    case 'BIT':
      if ((col.length ?? 1) <= 1) return { schema: schema('boolean', opt), kind: 'bool-bit' };
      return { schema: schema('bytes', opt, { ...DEBEZIUM('io.debezium.data.Bits'), parameters: { length: String(col.length) } }), kind: 'bits' };
    case 'TINYINT':
      return { schema: schema('int16', opt), kind: 'int' };
    case 'SMALLINT':
      return { schema: schema(col.unsigned ? 'int32' : 'int16', opt), kind: 'int' };
    case 'MEDIUMINT':
      return { schema: schema('int32', opt), kind: 'int' };
    case 'INT':
      return col.unsigned ? { schema: schema('int64', opt), kind: 'int' } : { schema: schema('int32', opt), kind: 'int' };
    case 'BIGINT':
      if (!col.unsigned) return { schema: schema('int64', opt), kind: 'int64' };
      return modes.bigintUnsignedHandlingMode === 'precise' ? { schema: decimal(opt, 20, 0), kind: 'uint64-decimal' } : { schema: schema('int64', opt), kind: 'uint64-long' };
    case 'REAL':
      return { schema: schema('float', opt), kind: 'float32' };
    case 'FLOAT':
      // FLOAT(p) with p > 23 is a DOUBLE. FLOAT(M,D) is stored in 4 bytes, but Debezium types it double and writes
      // the single-precision value widened (1234.567 → 1234.5670166015625).
      if ((col.length ?? 0) > 23 && col.scale === null) return { schema: schema('double', opt), kind: 'float64' };
      if (col.scale !== null) return { schema: schema('double', opt), kind: 'float32-double' };
      return { schema: schema('float', opt), kind: 'float32' };
    case 'DOUBLE':
      return { schema: schema('double', opt), kind: 'float64' };
    case 'DECIMAL': {
      if (modes.decimalHandlingMode === 'double') return { schema: schema('double', opt), kind: 'decimal-double' };
      if (modes.decimalHandlingMode === 'string') return { schema: schema('string', opt), kind: 'decimal-string' };
      return { schema: decimal(opt, col.length ?? 10, col.scale ?? 0), kind: 'decimal-bytes' };
    }
    case 'JSON':
      return { schema: schema('string', opt, DEBEZIUM('io.debezium.data.Json')), kind: 'json' };
    case 'ENUM':
      return { schema: schema('string', opt, { ...DEBEZIUM('io.debezium.data.Enum'), parameters: { allowed: (col.enumValues ?? []).join(',') } }), kind: 'enum' };
    case 'SET':
      return { schema: schema('string', opt, { ...DEBEZIUM('io.debezium.data.EnumSet'), parameters: { allowed: (col.enumValues ?? []).join(',') } }), kind: 'set' };
    case 'YEAR':
      return { schema: schema('int32', opt, DEBEZIUM('io.debezium.time.Year')), kind: 'year' };
    case 'DATE':
      return { schema: schema('int32', opt, connectTime ? CONNECT('Date') : DEBEZIUM('io.debezium.time.Date')), kind: 'date' };
    case 'TIME':
      return connectTime ? { schema: schema('int32', opt, CONNECT('Time')), kind: 'time-millis' } : { schema: schema('int64', opt, DEBEZIUM('io.debezium.time.MicroTime')), kind: 'time-micros' };
    case 'DATETIME':
      if (connectTime) return { schema: schema('int64', opt, CONNECT('Timestamp')), kind: 'datetime-millis' };
      return (col.length ?? 0) <= 3
        ? { schema: schema('int64', opt, DEBEZIUM('io.debezium.time.Timestamp')), kind: 'datetime-millis' }
        : { schema: schema('int64', opt, DEBEZIUM('io.debezium.time.MicroTimestamp')), kind: 'datetime-micros' };
    case 'TIMESTAMP':
      return { schema: schema('string', opt, DEBEZIUM('io.debezium.time.ZonedTimestamp')), kind: 'timestamp-zoned' };
  }
  if (STRING_TYPES.has(col.typeName)) return { schema: schema('string', opt), kind: 'string' };
  const binary = modes.binaryHandlingMode ?? 'bytes';
  if (BINARY_TYPES.has(col.typeName) && binary !== 'bytes') return { schema: schema('string', opt), kind: `bytes-${binary}` };
  if (BYTES_TYPES.has(col.typeName)) return { schema: schema('bytes', opt), kind: 'bytes' };
  return { schema: schema('string', opt), kind: 'unknown' };
}
