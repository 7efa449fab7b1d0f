import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { Validators } from '../config/config-def.ts';
import { headerValueToString } from '../converters/simple-header-converter.ts';
import { BigDecimal } from '../data/big-decimal.ts';
import { isLogicalName } from '../data/logical.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema, SchemaType } from '../data/types.ts';
import { isPrimitiveType } from '../data/types.ts';
import { describeValue } from '../data/validate.ts';
import { DataError, configError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
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

const PURPOSE = 'cast types';
const WHOLE_VALUE = '';
const TARGETS: Record<string, SchemaType> = {
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float32: 'FLOAT32',
  float64: 'FLOAT64',
  boolean: 'BOOLEAN',
  string: 'STRING',
};
const INT_BITS: Partial<Record<SchemaType, number>> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 };

export const CAST_CONFIG: ConfigDef = [
  {
    name: 'spec',
    type: 'LIST',
    importance: 'HIGH',
    validate: Validators.nonEmptyList,
    documentation:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. ' +
      'A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string.',
  },
  REPLACE_NULL_WITH_DEFAULT,
];

/** Parses `spec` into field → target type; the empty field name means the whole value. */
export function parseCastSpec(spec: readonly string[]): Map<string, SchemaType> {
  const casts = new Map<string, SchemaType>();
  for (const entry of spec) {
    const idx = entry.lastIndexOf(':');
    const field = idx < 0 ? WHOLE_VALUE : entry.slice(0, idx).trim();
    const typeName = (idx < 0 ? entry : entry.slice(idx + 1)).trim().toLowerCase();
    const type = TARGETS[typeName];
    if (type === undefined) {
      throw configError(`Invalid value ${entry} for configuration spec: Invalid type found in casting spec: ${typeName}; valid types are ${Object.keys(TARGETS).join(', ')}`);
    }
    casts.set(field, type);
  }
  if (casts.has(WHOLE_VALUE) && casts.size > 1) {
    throw configError('Invalid value for configuration spec: Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec');
  }
  return casts;
}

function toNumeric(value: unknown, target: SchemaType): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof BigDecimal) return target === 'FLOAT32' || target === 'FLOAT64' ? value.toNumber() : value.toBigInt();
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const n = Number(value.trim());
    if (value.trim() !== '' && !Number.isNaN(n)) {
      return /^\s*[+-]?\d+\s*$/.test(value) && !Number.isSafeInteger(n) ? BigInt(value.trim()) : n;
    }
  }
  throw new DataError(`Value (${describeValue(value)}) ${String(value)} cannot be cast to ${target}`);
}

/** Casts one value like Kafka's Cast.castValueToType: integers truncate and wrap as Java's narrowing does. */
export function castValue(value: unknown, target: SchemaType, source: Schema | null): unknown {
  if (value === null || value === undefined) return null;
  const bits = INT_BITS[target];
  if (bits !== undefined) {
    const n = toNumeric(value, target);
    const big = typeof n === 'bigint' ? n : Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
    const wrapped = BigInt.asIntN(bits, big);
    return bits === 64 && (wrapped > BigInt(Number.MAX_SAFE_INTEGER) || wrapped < BigInt(Number.MIN_SAFE_INTEGER)) ? wrapped : Number(wrapped);
  }
  switch (target) {
    case 'FLOAT32':
      return Math.fround(Number(toNumeric(value, target)));
    case 'FLOAT64':
      return Number(toNumeric(value, target));
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') return value.trim().toLowerCase() === 'true';
      return Number(toNumeric(value, target)) !== 0;
    case 'STRING':
      return headerValueToString(source, value);
    default:
      throw new DataError(`Cast transformation does not support casting to ${target}`);
  }
}

function checkSource(type: SchemaType, target: SchemaType, logicalName: string | null = null): void {
  if (logicalName !== null && isLogicalName(logicalName)) return;
  if (target !== 'STRING' && (!isPrimitiveType(type) || type === 'BYTES')) {
    throw new DataError(`Cast transformation does not support casting from ${type} to ${target}`);
  }
}

function inferType(value: unknown): SchemaType {
  if (typeof value === 'number' || typeof value === 'bigint') return 'INT64';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'string') return 'STRING';
  if (value instanceof Uint8Array) return 'BYTES';
  if (value instanceof BigDecimal || value instanceof Date) return 'INT64';
  return 'STRUCT';
}

class Cast implements Transformation {
  readonly #casts: Map<string, SchemaType>;
  readonly #side: Side;
  readonly #replaceNull: boolean;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig, side: Side) {
    this.#casts = parseCastSpec(config['spec'] as string[]);
    this.#side = side;
    this.#replaceNull = config['replace.null.with.default'] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#side.schema(record);
    const whole = this.#casts.get(WHOLE_VALUE);
    if (schema === null) {
      if (whole !== undefined) {
        checkSource(inferType(value), whole);
        return this.#side.update(record, null, castValue(value, whole, null));
      }
      const map = requireMap(value, PURPOSE);
      const out = newMap();
      for (const [k, v] of Object.entries(map)) {
        const t = this.#casts.get(k);
        if (t !== undefined && v !== null) checkSource(inferType(v), t);
        putField(out, k, t === undefined ? v : castValue(v, t, null));
      }
      return this.#side.update(record, null, out);
    }
    if (whole !== undefined) {
      checkSource(schema.type, whole, schema.name);
      const target = this.#schemas.get(schema, () => castSchema(schema, whole));
      return this.#side.update(record, target, castValue(value, whole, schema));
    }
    const struct = requireStruct(value, PURPOSE);
    const target = this.#schemas.get(schema, () => this.#structSchema(schema));
    const out = new Struct(target);
    for (const f of schema.fields ?? []) {
      const v = structGet(struct, f.name, this.#replaceNull);
      const t = this.#casts.get(f.name);
      out.put(f.name, t === undefined ? v : castValue(v, t, f.schema));
    }
    return this.#side.update(record, target, out);
  }

  #structSchema(schema: Schema): Schema {
    if (schema.type !== 'STRUCT') throw new DataError(`Only Struct objects supported for [${PURPOSE}], found: ${schema.type}`);
    const b = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const f of schema.fields ?? []) {
      const t = this.#casts.get(f.name);
      if (t !== undefined) checkSource(f.schema.type, t, f.schema.name);
      b.field(f.name, t === undefined ? f.schema : castSchema(f.schema, t));
    }
    if (schema.optional) b.optional();
    return b.build();
  }
}

/** The schema of a cast value: the bare target type, optional and default carried over. */
function castSchema(source: Schema, target: SchemaType): Schema {
  const b = new SchemaBuilder(target);
  if (source.optional) b.optional();
  if (source.defaultValue !== null) b.defaultValue(castValue(source.defaultValue, target, source));
  return b.build();
}

export const castPlugins = keyValuePlugins('Cast', CAST_CONFIG, (config, side) => new Cast(config, side));
