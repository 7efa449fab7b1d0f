/**
 * Kafka Connect's schema model. Values that go with each type:
 *   INT8/INT16/INT32 number (integral, in range); INT64 number (safe integer) or bigint; FLOAT32/FLOAT64 number;
 *   BOOLEAN boolean; STRING string; BYTES Uint8Array (Buffer is one); ARRAY unknown[];
 *   MAP Map (any keys) or a plain object (string keys); STRUCT Struct.
 * Logical types: Decimal → BigDecimal, Date/Time/Timestamp → Date.
 */
export const SCHEMA_TYPES = [
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
  'BYTES',
  'ARRAY',
  'MAP',
  'STRUCT',
] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

export function isSchemaType(value: unknown): value is SchemaType {
  return typeof value === 'string' && (SCHEMA_TYPES as readonly string[]).includes(value);
}

export function isPrimitiveType(type: SchemaType): boolean {
  return type !== 'ARRAY' && type !== 'MAP' && type !== 'STRUCT';
}

export interface Field {
  readonly name: string;
  readonly index: number;
  readonly schema: Schema;
}

/** An immutable schema; build one with SchemaBuilder. Absent attributes are null, as in Kafka Connect. */
export interface Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  /** null when the schema has no default. */
  readonly defaultValue: unknown;
  readonly name: string | null;
  readonly version: number | null;
  readonly doc: string | null;
  readonly parameters: Readonly<Record<string, string>> | null;
  /** MAP only. */
  readonly keySchema: Schema | null;
  /** ARRAY and MAP only. */
  readonly valueSchema: Schema | null;
  /** STRUCT only (empty array for a struct without fields). */
  readonly fields: readonly Field[] | null;
}

export const LOGICAL_DECIMAL = 'org.apache.kafka.connect.data.Decimal';
export const LOGICAL_DATE = 'org.apache.kafka.connect.data.Date';
export const LOGICAL_TIME = 'org.apache.kafka.connect.data.Time';
export const LOGICAL_TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';
export const DECIMAL_SCALE_PARAM = 'scale';

/** What validation needs to know of a Struct, recognised by marker so this module does not import Struct. */
export interface StructLike {
  readonly connectStruct: true;
  readonly schema: Schema;
  getWithoutDefault(name: string): unknown;
}

export function isStructLike(value: unknown): value is StructLike {
  return typeof value === 'object' && value !== null && (value as { connectStruct?: unknown }).connectStruct === true;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
