/**
 * Record value → Elasticsearch document, following the Connect schema when there is one (Confluent's
 * DataConverter with these deliberate differences, because Elasticsearch indexes the result better):
 * - Decimal (BASE64 or NUMERIC JsonConverter format) and Debezium's VariableScaleDecimal → a JSON number (double);
 * - Date → "yyyy-MM-dd"; Time → "HH:mm:ss.SSS" (micro/nano variants keep their digits); Timestamp → ISO-8601 UTC
 *   ("...T...Z", micro/nano digits kept); Debezium's io.debezium.time.* likewise; ZonedTimestamp stays as sent;
 * - bytes → base64 text; maps with string keys → objects when compact.map.entries, else [{key, value}];
 * - null fields take the schema default, stay null when optional, and are refused when required.
 * Without a schema (or with schema.ignore) the value is written as it came.
 */
import type { JsonValue } from '@conveyor/sdk';
import { LogicalName, base64Decode, base64Encode, baseType, unscaledFromBytes } from './connect-schema.ts';
import type { ConnectSchema } from './connect-schema.ts';
import { dataError } from './errors.ts';

export interface ConvertOptions {
  readonly compactMapEntries: boolean;
}

export type Document = { [key: string]: JsonValue };

/** The document for a non-null value; the top level must be an object (a struct, a string-keyed map, JSON object). */
export function toDocument(value: JsonValue, schema: ConnectSchema | null | undefined, options: ConvertOptions): Document {
  const converted = schema === null || schema === undefined ? value : convertValue(value, schema, options, '');
  if (typeof converted !== 'object' || converted === null || Array.isArray(converted)) {
    const kind = converted === null ? 'null' : Array.isArray(converted) ? 'an array' : typeof converted;
    throw dataError(`Top level payload is ${kind}; Elasticsearch documents must be JSON objects (wrap the value in a struct, e.g. with HoistField)`);
  }
  return converted;
}

export function convertValue(value: JsonValue | undefined, schema: ConnectSchema, options: ConvertOptions, path: string): JsonValue {
  if (value === null || value === undefined) {
    if (schema.default !== undefined && schema.default !== null) return convertValue(schema.default, { ...schema, default: null }, options, path);
    if (schema.optional === true) return null;
    throw dataError(`null value for field ${path === '' ? '(root)' : path} that is required and has no default value`);
  }
  const logical = schema.name === undefined || schema.name === null ? undefined : convertLogical(schema.name, value, schema, path);
  if (logical !== undefined) return logical;
  switch (baseType(schema)) {
    case 'bytes':
      return Array.isArray(value) ? base64Encode(value.map(Number)) : value;
    case 'array': {
      if (!Array.isArray(value)) throw mismatch(path, 'array', value);
      const items = schema.items;
      return items === undefined ? value : value.map((v, i) => convertValue(v, items, options, `${path}[${i}]`));
    }
    case 'map':
      return convertMap(value, schema, options, path);
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(path, 'struct', value);
      const out: Document = {};
      for (const f of schema.fields ?? []) out[f.field] = convertValue(value[f.field], f, options, path === '' ? f.field : `${path}.${f.field}`);
      return out;
    }
    default:
      return value;
  }
}

function convertMap(value: JsonValue, schema: ConnectSchema, options: ConvertOptions, path: string): JsonValue {
  const keySchema = schema.keys;
  const valueSchema = schema.values;
  let entries: [JsonValue, JsonValue][];
  if (Array.isArray(value)) {
    entries = value.map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw mismatch(path, 'map entry [key, value]', pair);
      return [pair[0]!, pair[1]!];
    });
  } else if (typeof value === 'object' && value !== null) {
    entries = Object.entries(value);
  } else {
    throw mismatch(path, 'map', value);
  }
  const conv = (v: JsonValue, s: ConnectSchema | undefined, p: string): JsonValue => (s === undefined ? v : convertValue(v, s, options, p));
  const stringKeys = keySchema === undefined ? entries.every(([k]) => typeof k === 'string') : baseType(keySchema) === 'string';
  if (options.compactMapEntries && stringKeys) {
    const out: Document = {};
    for (const [k, v] of entries) {
      const name = typeof k === 'string' ? k : JSON.stringify(k);
      out[name] = conv(v, valueSchema, `${path}.${name}`);
    }
    return out;
  }
  return entries.map(([k, v]) => ({ key: conv(k, keySchema, `${path}.key`), value: conv(v, valueSchema, `${path}.value`) }));
}

/** undefined when `name` is not a logical type this sink rewrites. */
function convertLogical(name: string, value: JsonValue, schema: ConnectSchema, path: string): JsonValue | undefined {
  switch (name) {
    case LogicalName.decimal:
      return decimalNumber(value, Number(schema.parameters?.['scale'] ?? 0), path);
    case LogicalName.dbzVariableScaleDecimal: {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mismatch(path, 'VariableScaleDecimal struct', value);
      return decimalNumber(value['value'] ?? null, Number(value['scale'] ?? 0), path);
    }
    case LogicalName.date:
    case LogicalName.dbzDate:
      return typeof value === 'number' ? isoDate(value) : value;
    case LogicalName.time:
    case LogicalName.dbzTime:
      return typeof value === 'number' ? timeOfDay(BigInt(Math.trunc(value)) * 1_000_000n, 3) : value;
    case LogicalName.dbzMicroTime:
      return typeof value === 'number' ? timeOfDay(BigInt(Math.trunc(value)) * 1000n, 6) : value;
    case LogicalName.dbzNanoTime:
      return typeof value === 'number' ? timeOfDay(BigInt(Math.trunc(value)), 9) : value;
    case LogicalName.timestamp:
    case LogicalName.dbzTimestamp:
      return typeof value === 'number' ? isoTimestamp(BigInt(Math.trunc(value)) * 1_000_000n, 3) : value;
    case LogicalName.dbzMicroTimestamp:
      return typeof value === 'number' ? isoTimestamp(BigInt(Math.trunc(value)) * 1000n, 6) : value;
    case LogicalName.dbzNanoTimestamp:
      return typeof value === 'number' ? isoTimestamp(BigInt(Math.trunc(value)), 9) : value;
    default:
      return undefined;
  }
}

function decimalNumber(value: JsonValue, scale: number, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') throw mismatch(path, 'Decimal', value);
  let unscaled: bigint;
  try {
    unscaled = unscaledFromBytes(base64Decode(value));
  } catch (err) {
    // A NUMERIC-format decimal that was stringified on the way.
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) return n;
    throw dataError(`field ${path}: Decimal value is neither base64 nor a number`, err);
  }
  return scale >= 0 ? Number(`${unscaled}e-${scale}`) : Number(unscaled) * 10 ** -scale;
}

const DAY_NS = 86_400_000_000_000n;

function isoDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

function fraction(nanosOfSecond: bigint, digits: number): string {
  return nanosOfSecond.toString().padStart(9, '0').slice(0, digits);
}

function timeOfDay(nanos: bigint, digits: number): string {
  const n = ((nanos % DAY_NS) + DAY_NS) % DAY_NS;
  const secs = Number(n / 1_000_000_000n);
  const hh = String(Math.floor(secs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((secs % 3600) / 60)).padStart(2, '0');
  const ss = String(secs % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}.${fraction(n % 1_000_000_000n, digits)}`;
}

function isoTimestamp(nanos: bigint, digits: number): string {
  const secs = nanos >= 0n ? nanos / 1_000_000_000n : -((-nanos + 999_999_999n) / 1_000_000_000n);
  const nanoOfSecond = nanos - secs * 1_000_000_000n;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return `${base}.${fraction(nanoOfSecond, digits)}Z`;
}

function mismatch(path: string, expected: string, value: JsonValue): Error {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return dataError(`field ${path === '' ? '(root)' : path}: expected ${expected}, got ${got}`);
}
