import { DataError } from '../errors.ts';
import { BigDecimal, bigintFromBytes, bigintToBytes } from './big-decimal.ts';
import { SchemaBuilder } from './schema.ts';
import type { Schema } from './types.ts';
import { DECIMAL_SCALE_PARAM, LOGICAL_DATE, LOGICAL_DECIMAL, LOGICAL_TIME, LOGICAL_TIMESTAMP } from './types.ts';

const MS_PER_DAY = 86_400_000;

function checkName(schema: Schema, name: string): void {
  if (schema.name !== name) throw new DataError(`Requested conversion of ${name} object but the schema does not match.`);
}

/** org.apache.kafka.connect.data.Decimal: BYTES holding the unscaled value, big-endian two's complement. */
export const Decimal = Object.freeze({
  LOGICAL_NAME: LOGICAL_DECIMAL,
  SCALE_FIELD: DECIMAL_SCALE_PARAM,
  builder(scale: number): SchemaBuilder {
    return SchemaBuilder.bytes().name(LOGICAL_DECIMAL).parameter(DECIMAL_SCALE_PARAM, String(scale)).version(1);
  },
  schema(scale: number): Schema {
    return Decimal.builder(scale).build();
  },
  scale(schema: Schema): number {
    const raw = schema.parameters?.[DECIMAL_SCALE_PARAM];
    if (raw === undefined || !/^-?\d+$/.test(raw)) {
      throw new DataError(`Invalid Decimal schema: scale parameter not found.`);
    }
    return Number(raw);
  },
  fromLogical(schema: Schema, value: BigDecimal): Uint8Array {
    checkName(schema, LOGICAL_DECIMAL);
    if (value.scale !== Decimal.scale(schema)) {
      throw new DataError('BigDecimal has mismatching scale value for given Decimal schema');
    }
    return bigintToBytes(value.unscaled);
  },
  toLogical(schema: Schema, bytes: Uint8Array): BigDecimal {
    checkName(schema, LOGICAL_DECIMAL);
    return new BigDecimal(bigintFromBytes(bytes), Decimal.scale(schema));
  },
});

/** org.apache.kafka.connect.data.Date: INT32 days since the epoch; the Date must be midnight UTC. */
export const DateType = Object.freeze({
  LOGICAL_NAME: LOGICAL_DATE,
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LOGICAL_DATE).version(1);
  },
  SCHEMA: SchemaBuilder.int32().name(LOGICAL_DATE).version(1).build(),
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, LOGICAL_DATE);
    const ms = value.getTime();
    if (ms % MS_PER_DAY !== 0) {
      throw new DataError('Kafka Connect Date type should not have any time fields set to non-zero values.');
    }
    return ms / MS_PER_DAY;
  },
  toLogical(schema: Schema, days: number): Date {
    checkName(schema, LOGICAL_DATE);
    return new Date(days * MS_PER_DAY);
  },
});

/** org.apache.kafka.connect.data.Time: INT32 milliseconds since midnight; the Date must be on 1970-01-01 UTC. */
export const TimeType = Object.freeze({
  LOGICAL_NAME: LOGICAL_TIME,
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LOGICAL_TIME).version(1);
  },
  SCHEMA: SchemaBuilder.int32().name(LOGICAL_TIME).version(1).build(),
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, LOGICAL_TIME);
    const ms = value.getTime();
    if (ms < 0 || ms >= MS_PER_DAY) {
      throw new DataError('Kafka Connect Time type should not have any date fields set to non-zero values.');
    }
    return ms;
  },
  toLogical(schema: Schema, ms: number): Date {
    checkName(schema, LOGICAL_TIME);
    if (ms < 0 || ms >= MS_PER_DAY) {
      throw new DataError('Time values must use number of milliseconds greater than 0 and less than 86400000');
    }
    return new Date(ms);
  },
});

/** org.apache.kafka.connect.data.Timestamp: INT64 milliseconds since the epoch. */
export const TimestampType = Object.freeze({
  LOGICAL_NAME: LOGICAL_TIMESTAMP,
  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(LOGICAL_TIMESTAMP).version(1);
  },
  SCHEMA: SchemaBuilder.int64().name(LOGICAL_TIMESTAMP).version(1).build(),
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, LOGICAL_TIMESTAMP);
    return value.getTime();
  },
  toLogical(schema: Schema, ms: number | bigint): Date {
    checkName(schema, LOGICAL_TIMESTAMP);
    return new Date(Number(ms));
  },
});

export function isLogicalName(name: string | null): boolean {
  return name === LOGICAL_DECIMAL || name === LOGICAL_DATE || name === LOGICAL_TIME || name === LOGICAL_TIMESTAMP;
}
