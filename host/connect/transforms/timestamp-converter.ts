import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { DateType, TimeType, TimestampType } from '../data/logical.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { LOGICAL_DATE, LOGICAL_TIME, LOGICAL_TIMESTAMP } from '../data/types.ts';
import { describeValue } from '../data/validate.ts';
import { DataError, configError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import type { DateFormat } from './date-format.ts';
import { createDateFormat } from './date-format.ts';
import type { Transformation } from './types.ts';
import type { Side } from './util.ts';
import {
  REPLACE_NULL_WITH_DEFAULT,
  copySchemaBasics,
  keyValuePlugins,
  newMap,
  putField,
  requireMap,
  requireStruct,
  schemaCache,
  structGet,
} from './util.ts';

type Target = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
const MS_PER_DAY = 86_400_000;
const PRECISION_FACTOR = { seconds: 1000, milliseconds: 1, microseconds: 1 / 1000, nanoseconds: 1 / 1_000_000 } as const;
type Precision = keyof typeof PRECISION_FACTOR;

export const TIMESTAMP_CONVERTER_CONFIG: ConfigDef = [
  { name: 'field', type: 'STRING', default: '', importance: 'HIGH', documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp' },
  { name: 'target.type', type: 'STRING', validValues: ['string', 'unix', 'Date', 'Time', 'Timestamp'], importance: 'HIGH', documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp' },
  { name: 'format', type: 'STRING', default: '', importance: 'MEDIUM', documentation: 'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.' },
  {
    name: 'unix.precision',
    type: 'STRING',
    default: 'milliseconds',
    validValues: ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'],
    importance: 'LOW',
    documentation: 'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.',
  },
  REPLACE_NULL_WITH_DEFAULT,
];

class TimestampConverter implements Transformation {
  readonly #field: string;
  readonly #target: Target;
  readonly #format: DateFormat | null;
  readonly #precision: Precision;
  readonly #side: Side;
  readonly #replaceNull: boolean;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig, side: Side) {
    this.#field = config['field'] as string;
    this.#target = config['target.type'] as Target;
    const pattern = config['format'] as string;
    this.#format = pattern === '' ? null : createDateFormat(pattern);
    if (this.#target === 'string' && this.#format === null) {
      throw configError('TimestampConverter requires format option to be specified when using string timestamps');
    }
    this.#precision = config['unix.precision'] as Precision;
    this.#side = side;
    this.#replaceNull = config['replace.null.with.default'] as boolean;
  }

  /** Any supported input as an instant. */
  #toDate(value: unknown, schema: Schema | null): Date {
    if (value instanceof Date) return value;
    if (typeof value === 'number' || typeof value === 'bigint') {
      const factor = PRECISION_FACTOR[this.#precision];
      return new Date(factor >= 1 ? Number(value) * factor : Math.floor(Number(value) * factor));
    }
    if (typeof value === 'string') {
      if (this.#format === null) throw new DataError('TimestampConverter requires format option to be specified when using string timestamps');
      return this.#format.parse(value);
    }
    throw new DataError(`Expected a timestamp value but found ${describeValue(value)} (schema ${schema?.type ?? 'none'})`);
  }

  #fromDate(d: Date): unknown {
    switch (this.#target) {
      case 'string':
        return (this.#format as DateFormat).format(d);
      case 'unix': {
        const v = Math.floor(d.getTime() / PRECISION_FACTOR[this.#precision]);
        return Number.isSafeInteger(v) ? v : BigInt(d.getTime()) * BigInt(1 / PRECISION_FACTOR[this.#precision]);
      }
      case 'Date':
        return new Date(Math.floor(d.getTime() / MS_PER_DAY) * MS_PER_DAY);
      case 'Time':
        return new Date(((d.getTime() % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
      case 'Timestamp':
        return d;
    }
  }

  #targetSchema(optional: boolean): Schema {
    const b =
      this.#target === 'string' ? SchemaBuilder.string()
      : this.#target === 'unix' ? SchemaBuilder.int64()
      : this.#target === 'Date' ? DateType.builder()
      : this.#target === 'Time' ? TimeType.builder()
      : TimestampType.builder();
    return optional ? b.optional().build() : b.build();
  }

  #convert(value: unknown, schema: Schema | null): unknown {
    if (value === null || value === undefined) return null;
    if (schema !== null) checkInputSchema(schema);
    return this.#fromDate(this.#toDate(value, schema));
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record);
    const schema = this.#side.schema(record);
    if (this.#field === '') {
      const outSchema = schema === null ? null : this.#schemas.get(schema, () => this.#targetSchema(schema.optional));
      return this.#side.update(record, outSchema, this.#convert(value, schema));
    }
    if (value === null || value === undefined) return record;
    if (schema === null) {
      const out = newMap();
      for (const [k, v] of Object.entries(requireMap(value, 'converting timestamp formats'))) putField(out, k, k === this.#field ? this.#convert(v, null) : v);
      return this.#side.update(record, null, out);
    }
    const struct = requireStruct(value, 'converting timestamp formats');
    const updated = this.#schemas.get(schema, () => {
      const b = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const f of schema.fields ?? []) b.field(f.name, f.name === this.#field ? this.#targetSchema(f.schema.optional) : f.schema);
      if (schema.optional) b.optional();
      return b.build();
    });
    const out = new Struct(updated);
    for (const f of schema.fields ?? []) {
      const v = structGet(struct, f.name, this.#replaceNull);
      out.put(f.name, f.name === this.#field ? this.#convert(v, f.schema) : v);
    }
    return this.#side.update(record, updated, out);
  }
}

function checkInputSchema(schema: Schema): void {
  const ok =
    schema.name === LOGICAL_TIMESTAMP || schema.name === LOGICAL_DATE || schema.name === LOGICAL_TIME ||
    schema.type === 'INT64' || schema.type === 'STRING';
  if (!ok) throw new DataError(`Schema ${schema.name ?? schema.type} does not correspond to a known timestamp type format`);
}

export const timestampConverterPlugins = keyValuePlugins('TimestampConverter', TIMESTAMP_CONVERTER_CONFIG, (c, side) => new TimestampConverter(c, side));
