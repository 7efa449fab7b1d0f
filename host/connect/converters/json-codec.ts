import { BigDecimal } from '../data/big-decimal.ts';
import { DateType, Decimal, TimeType, TimestampType } from '../data/logical.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema, SchemaType } from '../data/types.ts';
import { LOGICAL_DATE, LOGICAL_DECIMAL, LOGICAL_TIME, LOGICAL_TIMESTAMP, isStructLike } from '../data/types.ts';
import { describeValue, isMapValue, mapEntries, schemaEquals } from '../data/validate.ts';
import { DataError } from '../errors.ts';
import type { JsonTree } from './json-tree.ts';
import { JsonNumber, JsonObject, jsonDouble, jsonFloat, jsonInteger, jsonNodeType } from './json-tree.ts';

export interface JsonCodecOptions {
  readonly decimalFormat: 'BASE64' | 'NUMERIC';
  readonly replaceNullWithDefault: boolean;
  /**
   * Accept a decimal string such as "18446744073709551615" where the schema is INT64. Records coming out of the
   * sandbox carry 64-bit integers beyond ±2^53 this way, since a JSON number there would lose digits.
   */
  readonly int64Strings?: boolean;
}

const TYPE_NAMES: Record<SchemaType, string> = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
};
const TYPES_BY_NAME = new Map(Object.entries(TYPE_NAMES).map(([t, n]) => [n, t as SchemaType]));

/** JsonConverter.asJsonSchema: key order type, items|keys,values|fields, optional, name, version, doc, parameters, default. */
export function asJsonSchema(schema: Schema | null, opts: JsonCodecOptions): JsonObject | null {
  if (schema === null) return null;
  const out = new JsonObject([['type', TYPE_NAMES[schema.type]]]);
  if (schema.type === 'ARRAY') out.set('items', asJsonSchema(schema.valueSchema, opts));
  if (schema.type === 'MAP') {
    out.set('keys', asJsonSchema(schema.keySchema, opts));
    out.set('values', asJsonSchema(schema.valueSchema, opts));
  }
  if (schema.type === 'STRUCT') {
    const fields = (schema.fields ?? []).map((f) => {
      const fieldSchema = asJsonSchema(f.schema, opts) as JsonObject;
      return new JsonObject([...fieldSchema.entries, ['field', f.name]]);
    });
    out.set('fields', fields);
  }
  out.set('optional', schema.optional);
  if (schema.name !== null) out.set('name', schema.name);
  if (schema.version !== null) out.set('version', new JsonNumber(String(schema.version)));
  if (schema.doc !== null) out.set('doc', schema.doc);
  if (schema.parameters !== null) out.set('parameters', new JsonObject(Object.entries(schema.parameters)));
  if (schema.defaultValue !== null) out.set('default', convertToJson(schema, schema.defaultValue, opts));
  return out;
}

/** JsonConverter.asConnectSchema. */
export function asConnectSchema(json: JsonTree | undefined, opts: JsonCodecOptions): Schema | null {
  if (json === null || json === undefined) return null;
  if (!(json instanceof JsonObject)) throw new DataError(`Schema must be a JSON object, found ${jsonNodeType(json)}`);
  const typeNode = json.get('type');
  if (typeof typeNode !== 'string') throw new DataError("Schema must contain 'type' field");
  const type = TYPES_BY_NAME.get(typeNode);
  if (type === undefined) throw new DataError(`Unknown schema type: ${typeNode}`);
  let builder: SchemaBuilder;
  if (type === 'ARRAY') {
    const items = json.get('items');
    if (items === undefined || items === null) throw new DataError('Array schema did not specify the element type');
    builder = SchemaBuilder.array(asConnectSchema(items, opts) as Schema);
  } else if (type === 'MAP') {
    const keys = json.get('keys');
    if (keys === undefined) throw new DataError('Map schema did not specify the key type');
    const values = json.get('values');
    if (values === undefined) throw new DataError('Map schema did not specify the value type');
    builder = SchemaBuilder.map(asConnectSchema(keys, opts) as Schema, asConnectSchema(values, opts) as Schema);
  } else {
    builder = new SchemaBuilder(type);
  }
  if (type === 'STRUCT') {
    const fields = json.get('fields');
    if (!Array.isArray(fields)) throw new DataError('Struct schema\'s "fields" argument is not an array.');
    for (const f of fields) {
      const name = f instanceof JsonObject ? f.get('field') : undefined;
      if (typeof name !== 'string') throw new DataError("Struct schema's field name not specified properly");
      builder.field(name, asConnectSchema(f, opts) as Schema);
    }
  }
  if (json.get('optional') === true) builder.optional();
  const name = json.get('name');
  if (typeof name === 'string') builder.name(name);
  const version = json.get('version');
  if (version instanceof JsonNumber && version.isIntegral()) builder.version(Number(version.text));
  const doc = json.get('doc');
  if (typeof doc === 'string') builder.doc(doc);
  const params = json.get('parameters');
  if (params instanceof JsonObject) {
    for (const [k, v] of params.entries) {
      if (typeof v !== 'string') throw new DataError('Schema parameters must have string values.');
      builder.parameter(k, v);
    }
  }
  const dflt = json.get('default');
  if (dflt !== undefined) builder.defaultValue(convertToConnect(builder.build(), dflt, opts));
  return builder.build();
}

function logicalToJson(schema: Schema, value: unknown, opts: JsonCodecOptions): JsonTree | undefined {
  const expectDate = (label: string): Date => {
    if (!(value instanceof Date)) throw new DataError(`Invalid type for ${label}, expected Date but was ${describeValue(value)}`);
    return value;
  };
  switch (schema.name) {
    case LOGICAL_DECIMAL: {
      if (!(value instanceof BigDecimal)) {
        throw new DataError(`Invalid type for Decimal, expected BigDecimal but was ${describeValue(value)}`);
      }
      if (opts.decimalFormat === 'NUMERIC') return new JsonNumber(value.toString());
      return Buffer.from(Decimal.fromLogical(schema, value)).toString('base64');
    }
    case LOGICAL_DATE:
      return jsonInteger(DateType.fromLogical(schema, expectDate('Date')));
    case LOGICAL_TIME:
      return jsonInteger(TimeType.fromLogical(schema, expectDate('Time')));
    case LOGICAL_TIMESTAMP:
      return jsonInteger(TimestampType.fromLogical(schema, expectDate('Timestamp')));
    default:
      return undefined;
  }
}

function inferType(value: unknown): SchemaType {
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'string') return 'STRING';
  if (value instanceof Uint8Array) return 'BYTES';
  if (Array.isArray(value)) return 'ARRAY';
  if (isStructLike(value)) return 'STRUCT';
  if (isMapValue(value)) return 'MAP';
  throw new DataError(`Value of type ${describeValue(value)} does not have a corresponding schema type.`);
}

function fail(type: SchemaType, value: unknown): DataError {
  return new DataError(`Invalid value for schema type ${type}: ${describeValue(value)}`);
}

/** JsonConverter.convertToJson: a Connect value (with or without schema) as a JSON tree. */
export function convertToJson(schema: Schema | null, value: unknown, opts: JsonCodecOptions): JsonTree {
  if (value === null || value === undefined) {
    if (schema === null) return null;
    if (schema.defaultValue !== null && opts.replaceNullWithDefault) return convertToJson(schema, schema.defaultValue, opts);
    if (schema.optional) return null;
    throw new DataError('Conversion error: null value for field that is required and has no default value');
  }
  if (schema !== null && schema.name !== null) {
    const logical = logicalToJson(schema, value, opts);
    if (logical !== undefined) return logical;
  }
  if (schema === null && value instanceof BigDecimal) return new JsonNumber(value.toString());
  const type = schema?.type ?? inferType(value);
  switch (type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      if (typeof value !== 'number' && typeof value !== 'bigint') throw fail(type, value);
      return jsonInteger(value);
    case 'FLOAT32':
      if (typeof value !== 'number') throw fail(type, value);
      return jsonFloat(value);
    case 'FLOAT64':
      if (typeof value !== 'number') throw fail(type, value);
      return jsonDouble(value);
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw fail(type, value);
      return value;
    case 'STRING':
      if (typeof value !== 'string') throw fail(type, value);
      return value;
    case 'BYTES':
      if (!(value instanceof Uint8Array)) throw new DataError(`Invalid type for bytes type: ${describeValue(value)}`);
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    case 'ARRAY':
      if (!Array.isArray(value)) throw fail(type, value);
      return value.map((item) => convertToJson(schema?.valueSchema ?? null, item, opts));
    case 'MAP': {
      const entries = mapEntries(value);
      const objectMode = schema === null ? entries.every(([k]) => typeof k === 'string') : schema.keySchema?.type === 'STRING';
      const ks = schema?.keySchema ?? null;
      const vs = schema?.valueSchema ?? null;
      if (objectMode) {
        return new JsonObject(entries.map(([k, v]) => {
          const key = convertToJson(ks, k, opts);
          if (typeof key !== 'string') throw new DataError('Map key must be a string in object mode');
          return [key, convertToJson(vs, v, opts)];
        }));
      }
      return entries.map(([k, v]) => [convertToJson(ks, k, opts), convertToJson(vs, v, opts)]);
    }
    case 'STRUCT': {
      if (!isStructLike(value)) throw fail(type, value);
      const struct = value as Struct;
      if (schema !== null && !schemaEquals(struct.schema, schema)) throw new DataError('Mismatching schema.');
      const s = struct.schema;
      return new JsonObject((s.fields ?? []).map((f) => {
        const v = opts.replaceNullWithDefault ? struct.get(f.name) : struct.getWithoutDefault(f.name);
        return [f.name, convertToJson(f.schema, v, opts)];
      }));
    }
  }
}

function integral(node: JsonTree, type: SchemaType, lo: bigint, hi: bigint): number | bigint {
  if (!(node instanceof JsonNumber)) throw new DataError(`Invalid JSON for ${type}: expected a number, found ${jsonNodeType(node)}`);
  const d = BigDecimal.parse(node.text);
  let big: bigint;
  try {
    big = d.setScale(0).unscaled;
  } catch {
    throw new DataError(`Invalid JSON for ${type}: ${node.text} is not an integer`);
  }
  if (big < lo || big > hi) throw new DataError(`Invalid JSON for ${type}: ${node.text} is out of range`);
  return type === 'INT64' && (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) ? big : Number(big);
}

const RANGES: Partial<Record<SchemaType, readonly [bigint, bigint]>> = {
  INT8: [-128n, 127n],
  INT16: [-32768n, 32767n],
  INT32: [-(2n ** 31n), 2n ** 31n - 1n],
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
};

function decodeBase64(node: JsonTree, what: string): Buffer {
  if (typeof node !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(node)) {
    throw new DataError(`Invalid ${what}: expected a base64 string, found ${jsonNodeType(node)}`);
  }
  return Buffer.from(node, 'base64');
}

function logicalToConnect(schema: Schema, node: JsonTree): unknown {
  switch (schema.name) {
    case LOGICAL_DECIMAL: {
      if (node instanceof JsonNumber) {
        const d = BigDecimal.parse(node.text);
        const scale = Decimal.scale(schema);
        return d.scale <= scale ? d.setScale(scale) : d;
      }
      if (typeof node === 'string') return Decimal.toLogical(schema, decodeBase64(node, 'Decimal'));
      throw new DataError(`Invalid type for Decimal, underlying representation should be numeric or bytes but was ${jsonNodeType(node)}`);
    }
    case LOGICAL_DATE:
      return DateType.toLogical(schema, Number(integral(node, 'INT32', ...(RANGES.INT32 ?? [0n, 0n]))));
    case LOGICAL_TIME:
      return TimeType.toLogical(schema, Number(integral(node, 'INT32', ...(RANGES.INT32 ?? [0n, 0n]))));
    case LOGICAL_TIMESTAMP:
      return TimestampType.toLogical(schema, integral(node, 'INT64', ...(RANGES.INT64 ?? [0n, 0n])));
    default:
      return undefined;
  }
}

/** JsonConverter.convertToConnect: a JSON tree as a Connect value of `schema` (inferring types when null). */
export function convertToConnect(schema: Schema | null, node: JsonTree | undefined, opts: JsonCodecOptions): unknown {
  if (node === null || node === undefined) {
    if (schema === null) return null;
    if (schema.defaultValue !== null && opts.replaceNullWithDefault) return schema.defaultValue;
    if (schema.optional) return null;
    throw new DataError(`Invalid null value for required ${schema.type} field`);
  }
  if (schema === null) return inferToConnect(node, opts);
  if (schema.name !== null) {
    const logical = logicalToConnect(schema, node);
    if (logical !== undefined) return logical;
  }
  const type = schema.type;
  switch (type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64': {
      const [lo, hi] = RANGES[type] ?? [0n, 0n];
      if (type === 'INT64' && opts.int64Strings === true && typeof node === 'string' && /^-?\d+$/.test(node)) {
        return integral(new JsonNumber(node), type, lo, hi);
      }
      return integral(node, type, lo, hi);
    }
    case 'FLOAT32':
    case 'FLOAT64': {
      if (!(node instanceof JsonNumber)) throw new DataError(`Invalid JSON for ${type}: expected a number, found ${jsonNodeType(node)}`);
      return type === 'FLOAT32' ? Math.fround(Number(node.text)) : Number(node.text);
    }
    case 'BOOLEAN':
      if (typeof node !== 'boolean') throw new DataError(`Invalid JSON for BOOLEAN: found ${jsonNodeType(node)}`);
      return node;
    case 'STRING':
      if (typeof node !== 'string') throw new DataError(`Invalid JSON for STRING: found ${jsonNodeType(node)}`);
      return node;
    case 'BYTES':
      return decodeBase64(node, 'bytes field');
    case 'ARRAY':
      if (!Array.isArray(node)) throw new DataError(`Arrays should be encoded as JSON arrays, but found ${jsonNodeType(node)}`);
      return node.map((item) => convertToConnect(schema.valueSchema, item, opts));
    case 'MAP':
      return mapToConnect(schema, node, opts);
    case 'STRUCT': {
      if (!(node instanceof JsonObject)) throw new DataError(`Structs should be encoded as JSON objects, but found ${jsonNodeType(node)}`);
      const struct = new Struct(schema);
      for (const f of schema.fields ?? []) struct.put(f.name, convertToConnect(f.schema, node.get(f.name), opts));
      return struct;
    }
  }
}

function mapToConnect(schema: Schema, node: JsonTree, opts: JsonCodecOptions): Map<unknown, unknown> {
  const result = new Map<unknown, unknown>();
  if (schema.keySchema?.type === 'STRING') {
    if (!(node instanceof JsonObject)) {
      throw new DataError(`Maps with string fields should be encoded as JSON objects, but found ${jsonNodeType(node)}`);
    }
    for (const [k, v] of node.entries) result.set(k, convertToConnect(schema.valueSchema, v, opts));
    return result;
  }
  if (!Array.isArray(node)) {
    throw new DataError(`Maps with non-string fields should be encoded as JSON array of tuples, but found ${jsonNodeType(node)}`);
  }
  for (const entry of node) {
    if (!Array.isArray(entry)) throw new DataError(`Found invalid map entry instead of array tuple: ${jsonNodeType(entry)}`);
    if (entry.length !== 2) throw new DataError(`Found invalid map entry, expected length 2 but found :${entry.length}`);
    result.set(convertToConnect(schema.keySchema, entry[0], opts), convertToConnect(schema.valueSchema, entry[1], opts));
  }
  return result;
}

/** Schemaless: integral numbers → INT64, other numbers → FLOAT64, objects → plain objects, arrays → arrays. */
function inferToConnect(node: JsonTree, opts: JsonCodecOptions): unknown {
  if (node === null) return null;
  if (node instanceof JsonNumber) {
    if (!node.isIntegral()) return Number(node.text);
    const big = BigInt(node.text);
    return big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER) ? big : Number(big);
  }
  if (Array.isArray(node)) return node.map((n) => inferToConnect(n, opts));
  if (node instanceof JsonObject) return Object.fromEntries(node.entries.map(([k, v]) => [k, inferToConnect(v, opts)]));
  return node;
}
