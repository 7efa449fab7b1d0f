import { DataError } from '../errors.ts';
import { BigDecimal } from './big-decimal.ts';
import type { Schema, SchemaType } from './types.ts';
import {
  LOGICAL_DATE,
  LOGICAL_DECIMAL,
  LOGICAL_TIME,
  LOGICAL_TIMESTAMP,
  isPlainObject,
  isStructLike,
} from './types.ts';

const INT_RANGES: Partial<Record<SchemaType, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Iterates the entries of a MAP value whether it is a Map or a plain object. */
export function mapEntries(value: unknown): [unknown, unknown][] {
  if (value instanceof Map) return [...(value as Map<unknown, unknown>).entries()];
  if (isPlainObject(value)) return Object.entries(value);
  throw new DataError(`Expected a map but found ${describeValue(value)}`);
}

export function isMapValue(value: unknown): value is Map<unknown, unknown> | Record<string, unknown> {
  return value instanceof Map || isPlainObject(value);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Map) return 'Map';
  if (value instanceof Date) return 'Date';
  if (value instanceof BigDecimal) return 'BigDecimal';
  if (isStructLike(value)) return 'Struct';
  return typeof value;
}

function typeMatches(type: SchemaType, value: unknown): boolean {
  switch (type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [lo, hi] = INT_RANGES[type] ?? [0, 0];
      return typeof value === 'number' && Number.isInteger(value) && value >= lo && value <= hi;
    }
    case 'INT64':
      if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX;
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'FLOAT32':
    case 'FLOAT64':
      return typeof value === 'number';
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'STRING':
      return typeof value === 'string';
    case 'BYTES':
      return value instanceof Uint8Array;
    case 'ARRAY':
      return Array.isArray(value);
    case 'MAP':
      return isMapValue(value);
    case 'STRUCT':
      return isStructLike(value);
  }
}

function logicalMatches(name: string, value: unknown): boolean | undefined {
  switch (name) {
    case LOGICAL_DECIMAL:
      return value instanceof BigDecimal;
    case LOGICAL_DATE:
    case LOGICAL_TIME:
    case LOGICAL_TIMESTAMP:
      return value instanceof Date && !Number.isNaN(value.getTime());
    default:
      return undefined;
  }
}

/**
 * Checks a value against a schema like ConnectSchema.validateValue, recursing into arrays, maps and structs.
 * `field` names the field in the message.
 */
export function validateValue(schema: Schema, value: unknown, field?: string): void {
  const where = field === undefined ? '' : ` for field: "${field}"`;
  if (value === null || value === undefined) {
    if (schema.optional || schema.defaultValue !== null) return;
    throw new DataError(`Invalid value: null used for required field: "${field ?? 'null'}", schema type: ${schema.type}`);
  }
  const logical = schema.name === null ? undefined : logicalMatches(schema.name, value);
  if (logical === false) {
    throw new DataError(`Invalid Java object for schema "${schema.name}" with type ${schema.type}: ${describeValue(value)}${where}`);
  }
  if (logical === undefined && !typeMatches(schema.type, value)) {
    throw new DataError(`Invalid value for schema type ${schema.type}: ${describeValue(value)}${where}`);
  }
  switch (schema.type) {
    case 'ARRAY':
      for (const item of value as unknown[]) validateValue(schema.valueSchema as Schema, item, 'element of array');
      return;
    case 'MAP':
      for (const [k, v] of mapEntries(value)) {
        validateValue(schema.keySchema as Schema, k, 'key of map');
        validateValue(schema.valueSchema as Schema, v, 'value of map');
      }
      return;
    case 'STRUCT': {
      const struct = value as { schema: Schema; validate?: () => void };
      if (!schemaEquals(struct.schema, schema)) {
        throw new DataError(`Struct schemas do not match${where}`);
      }
      struct.validate?.();
      return;
    }
    default:
      return;
  }
}

/** Structural equality of schemas, default values included (ConnectSchema.equals). */
export function schemaEquals(a: Schema | null, b: Schema | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (
    a.type !== b.type ||
    a.optional !== b.optional ||
    a.name !== b.name ||
    a.version !== b.version ||
    a.doc !== b.doc ||
    !recordEquals(a.parameters, b.parameters) ||
    !valuesEqual(a.defaultValue, b.defaultValue) ||
    !schemaEquals(a.keySchema, b.keySchema) ||
    !schemaEquals(a.valueSchema, b.valueSchema)
  ) {
    return false;
  }
  const af = a.fields ?? [];
  const bf = b.fields ?? [];
  return af.length === bf.length && af.every((f, i) => f.name === bf[i]?.name && schemaEquals(f.schema, bf[i].schema));
}

function recordEquals(a: Readonly<Record<string, string>> | null, b: Readonly<Record<string, string>> | null): boolean {
  if (a === null || b === null) return a === b;
  const ak = Object.keys(a);
  return ak.length === Object.keys(b).length && ak.every((k) => a[k] === b[k]);
}

/** Deep equality of Connect values: bytes by content, Dates by instant, INT64 number vs bigint by value. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (isIntegral(a) && isIntegral(b)) return BigInt(a) === BigInt(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof BigDecimal && b instanceof BigDecimal) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  if (isStructLike(a) && isStructLike(b)) {
    return (
      schemaEquals(a.schema, b.schema) &&
      (a.schema.fields ?? []).every((f) => valuesEqual(a.getWithoutDefault(f.name), b.getWithoutDefault(f.name)))
    );
  }
  if (isMapValue(a) && isMapValue(b)) {
    const ae = mapEntries(a);
    const be = mapEntries(b);
    return ae.length === be.length && ae.every(([k, v]) => be.some(([k2, v2]) => valuesEqual(k, k2) && valuesEqual(v, v2)));
  }
  return false;
}

function isIntegral(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}
