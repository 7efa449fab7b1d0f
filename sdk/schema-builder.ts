/**
 * Builds Connect schemas (the JsonConverter schema JSON records carry as keySchema/valueSchema) so authors never
 * write that JSON by hand. Build a schema once (at start, or per table) and reuse it for every record:
 *
 *   const row = Schemas.struct({ id: Schemas.int32(), name: Schemas.string({ optional: true }) }, { name: 'shop.Row' });
 */
import type { JsonValue } from './records.ts';
import type { ConnectField, ConnectSchema, ConnectSchemaType } from './schema.ts';

/** What any schema may carry besides its type. Schemas are required (optional: false) unless said otherwise. */
export interface SchemaOptions {
  optional?: boolean;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Readonly<Record<string, string>>;
  default?: JsonValue;
}

function build(type: ConnectSchemaType, options: SchemaOptions, parts: Partial<Pick<ConnectSchema, 'fields' | 'items' | 'keys' | 'values'>> = {}): ConnectSchema {
  const s: Record<string, unknown> = { type, ...parts, optional: options.optional === true };
  if (options.name !== undefined) s['name'] = options.name;
  if (options.version !== undefined) s['version'] = options.version;
  if (options.doc !== undefined) s['doc'] = options.doc;
  if (options.parameters !== undefined) s['parameters'] = Object.freeze({ ...options.parameters });
  if (options.default !== undefined) s['default'] = options.default;
  return Object.freeze(s) as unknown as ConnectSchema;
}

const primitive =
  (type: ConnectSchemaType) =>
  (options: SchemaOptions = {}): ConnectSchema =>
    build(type, options);

/** Kafka Connect's logical type names, as JsonConverter writes them. */
export const LOGICAL_TYPE_NAMES = {
  date: 'org.apache.kafka.connect.data.Date',
  time: 'org.apache.kafka.connect.data.Time',
  timestamp: 'org.apache.kafka.connect.data.Timestamp',
  decimal: 'org.apache.kafka.connect.data.Decimal',
} as const;

/** Constructors of Connect schemas, one per Connect type plus the logical types. */
export const Schemas = Object.freeze({
  /** An 8-bit signed integer. */
  int8: primitive('int8'),
  /** A 16-bit signed integer. */
  int16: primitive('int16'),
  /** A 32-bit signed integer. */
  int32: primitive('int32'),
  /** A 64-bit signed integer (values beyond ±2^53 lose precision as JavaScript numbers). */
  int64: primitive('int64'),
  /** A 32-bit float. */
  float32: primitive('float'),
  /** A 64-bit float. */
  float64: primitive('double'),
  /** A boolean. */
  boolean: primitive('boolean'),
  /** A string. */
  string: primitive('string'),
  /** Bytes: values are base64 strings (see base64Encode). */
  bytes: primitive('bytes'),
  /** An array of one item schema. */
  array: (items: ConnectSchema, options: SchemaOptions = {}): ConnectSchema => build('array', options, { items }),
  /** A map; values with non-string keys are written as [key, value] pairs. */
  map: (keys: ConnectSchema, values: ConnectSchema, options: SchemaOptions = {}): ConnectSchema => build('map', options, { keys, values }),
  /** A struct whose fields are the entries of `fields`, in order. */
  struct: (fields: Readonly<Record<string, ConnectSchema>>, options: SchemaOptions = {}): ConnectSchema =>
    build('struct', options, { fields: Object.freeze(Object.entries(fields).map(([field, schema]): ConnectField => Object.freeze({ ...schema, field }))) }),
  /** The same schema, optional (values may be null). */
  optional: (schema: ConnectSchema): ConnectSchema => Object.freeze({ ...schema, optional: true }),
  /** Kafka Connect's Date: days since the epoch, an int32. */
  date: (options: Omit<SchemaOptions, 'name' | 'version'> = {}): ConnectSchema => build('int32', { ...options, name: LOGICAL_TYPE_NAMES.date, version: 1 }),
  /** Kafka Connect's Time: milliseconds since midnight, an int32. */
  time: (options: Omit<SchemaOptions, 'name' | 'version'> = {}): ConnectSchema => build('int32', { ...options, name: LOGICAL_TYPE_NAMES.time, version: 1 }),
  /** Kafka Connect's Timestamp: milliseconds since the epoch, an int64. */
  timestamp: (options: Omit<SchemaOptions, 'name' | 'version'> = {}): ConnectSchema => build('int64', { ...options, name: LOGICAL_TYPE_NAMES.timestamp, version: 1 }),
  /** Kafka Connect's Decimal: the unscaled value's two's-complement big-endian bytes, base64 (see base64Encode). */
  decimal: (scale: number, options: Omit<SchemaOptions, 'name' | 'version'> & { precision?: number } = {}): ConnectSchema => {
    const { precision, ...rest } = options;
    const parameters: Record<string, string> = { ...rest.parameters, scale: String(scale) };
    if (precision !== undefined) parameters['connect.decimal.precision'] = String(precision);
    return build('bytes', { ...rest, name: LOGICAL_TYPE_NAMES.decimal, version: 1, parameters });
  },
});
