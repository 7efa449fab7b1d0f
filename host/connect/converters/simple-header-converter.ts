import { parseConfig } from '../config/config-def.ts';
import { BigDecimal } from '../data/big-decimal.ts';
import { DateType, Decimal, TimeType, TimestampType } from '../data/logical.ts';
import { Schemas } from '../data/schema.ts';
import type { Schema } from '../data/types.ts';
import { LOGICAL_DATE, LOGICAL_TIME, LOGICAL_TIMESTAMP } from '../data/types.ts';
import { convertToJson } from './json-codec.ts';
import { javaDoubleString, javaFloatString, stringifyJsonTree } from './json-tree.ts';
import { TYPE_ONLY_CONFIG } from './string-converter.ts';
import type { ConverterPlugin, HeaderConverter, SchemaAndValue } from './types.ts';
import { CONVERTER_TYPE_KEY, CONVERTER_VERSION } from './types.ts';

const INT_TYPES: [Schema, bigint, bigint][] = [
  [Schemas.INT8, -128n, 127n],
  [Schemas.INT16, -32768n, 32767n],
  [Schemas.INT32, -(2n ** 31n), 2n ** 31n - 1n],
  [Schemas.INT64, -(2n ** 63n), 2n ** 63n - 1n],
];
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

/**
 * The scalar part of Kafka's Values.parseString: booleans, integers (smallest fitting type), decimals
 * (FLOAT64, or Decimal beyond double range), ISO dates, times and timestamps; anything else is a STRING.
 */
export function parseHeaderString(text: string): SchemaAndValue {
  const t = text.trim();
  if (t === '') return { schema: Schemas.STRING, value: text };
  if (t === 'true' || t === 'false') return { schema: Schemas.BOOLEAN, value: t === 'true' };
  if (/^[+-]?\d+$/.test(t)) {
    const big = BigInt(t);
    for (const [schema, lo, hi] of INT_TYPES) {
      if (big >= lo && big <= hi) return { schema, value: schema.type === 'INT64' ? int64(big) : Number(big) };
    }
    return { schema: Decimal.schema(0), value: new BigDecimal(big, 0) };
  }
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(t)) {
    const n = Number(t);
    if (Number.isFinite(n)) return { schema: Schemas.FLOAT64, value: n };
    const d = BigDecimal.parse(t);
    return { schema: Decimal.schema(d.scale), value: d };
  }
  if (TIMESTAMP_RE.test(t)) return { schema: TimestampType.SCHEMA, value: new Date(t) };
  if (DATE_RE.test(t) && !Number.isNaN(Date.parse(`${t}T00:00:00Z`))) {
    return { schema: DateType.SCHEMA, value: new Date(`${t}T00:00:00Z`) };
  }
  const time = TIME_RE.exec(t);
  if (time !== null) {
    const [h, m, s, ms] = time.slice(1).map(Number) as [number, number, number, number];
    if (h < 24 && m < 60 && s < 60) return { schema: TimeType.SCHEMA, value: new Date(((h * 60 + m) * 60 + s) * 1000 + ms) };
  }
  return { schema: Schemas.STRING, value: text };
}

function int64(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

/** Kafka's Values.convertToString for headers: scalars in Java form, logical types in ISO form, containers as JSON. */
export function headerValueToString(schema: Schema | null, value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) {
    const iso = value.toISOString();
    if (schema?.name === LOGICAL_DATE) return iso.slice(0, 10);
    if (schema?.name === LOGICAL_TIME) return iso.slice(11);
    if (schema === null || schema.name === LOGICAL_TIMESTAMP) return iso;
  }
  if (value instanceof BigDecimal) return value.toString();
  if (typeof value === 'number') {
    if (schema?.type === 'FLOAT32') return javaFloatString(value);
    if (schema?.type === 'FLOAT64' || !Number.isInteger(value)) return javaDoubleString(value);
    return String(value);
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return stringifyJsonTree(convertToJson(schema, value, { decimalFormat: 'NUMERIC', replaceNullWithDefault: true }));
}

/** org.apache.kafka.connect.storage.SimpleHeaderConverter: the worker's default header converter. */
export class SimpleHeaderConverter implements HeaderConverter {
  configure(config: Readonly<Record<string, unknown>>): void {
    parseConfig(TYPE_ONLY_CONFIG, { [CONVERTER_TYPE_KEY]: 'header', ...config }, { context: 'SimpleHeaderConverter' });
  }

  fromConnectHeader(_topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    return Buffer.from(headerValueToString(schema, value), 'utf8');
  }

  toConnectHeader(_topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    return parseHeaderString(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }
}

export const simpleHeaderConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
  aliases: ['SimpleHeaderConverter', 'SimpleHeader'],
  version: CONVERTER_VERSION,
  configDef: TYPE_ONLY_CONFIG,
  createHeaderConverter: () => new SimpleHeaderConverter(),
};
