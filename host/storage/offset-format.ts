import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { JsonValue, OffsetEntry, SourceOffset, SourcePartition } from './offset-store.ts';

/*
 * Kafka Connect writes offsets with JsonConverter(schemas.enable=false): the key is the list
 * [connector, partition] and the value is the offset map, both through Jackson's compact writer. Map entries keep
 * the order the connector built them in, so we serialise in insertion order; lookups use a canonical (sorted)
 * form because Connect itself compares deserialised maps, not bytes.
 */

/** Jackson-compatible compact JSON: same escapes (upper-case \u00XX), Java's Double.toString for fractions. */
export function toConnectJson(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return formatNumber(value);
    default:
      break;
  }
  if (Array.isArray(value)) return '[' + value.map((v) => toConnectJson(v)).join(',') + ']';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) parts.push(quote(k) + ':' + toConnectJson(v));
  return '{' + parts.join(',') + '}';
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function quote(s: string): string {
  return '"' + s.replace(/["\\\u0000-\u001f]/g, (c) => SHORT_ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')) + '"';
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) {
    throw new ConveyorError(ErrorCode.badRequest, `offset values must be finite numbers, got ${n}`);
  }
  if (Number.isSafeInteger(n)) return String(n);
  // Java: plain notation within [1e-3, 1e7), otherwise d.dddE±n; whole doubles always carry ".0".
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(n) ? `${n}.0` : String(n);
  const [mantissa = '0', exp = '0'] = n.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** Offsets-topic key bytes: ["<connector>",{partition}]. */
export function serializeOffsetKey(connector: string, partition: SourcePartition): Buffer {
  return Buffer.from(toConnectJson([connector, partition as JsonValue]), 'utf8');
}

/** Offsets-topic value bytes, or null for a tombstone. */
export function serializeOffsetValue(offset: SourceOffset | null): Buffer | null {
  return offset === null ? null : Buffer.from(toConnectJson(offset as JsonValue), 'utf8');
}

/** Parses a key written by Kafka Connect or by us; returns undefined for keys of another shape (Connect skips them). */
export function parseOffsetKey(key: Buffer | string): { connector: string; partition: SourcePartition } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key.toString());
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [connector, partition] = parsed as unknown[];
  if (typeof connector !== 'string' || !isPlainObject(partition)) return undefined;
  return { connector, partition: partition as SourcePartition };
}

export function parseOffsetValue(value: Buffer | string | null): SourceOffset | null | undefined {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value.toString());
    return isPlainObject(parsed) ? (parsed as SourceOffset) : parsed === null ? null : undefined;
  } catch {
    return undefined;
  }
}

/** Order-independent identity of a connector's source partition, for in-memory maps. */
export function canonicalKey(connector: string, partition: SourcePartition): string {
  return JSON.stringify([connector, sortKeys(partition)], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k] as JsonValue);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Builds an entry from raw topic/file bytes; undefined when the record is not an offset (it is then ignored). */
export function decodeOffsetRecord(key: Buffer | string | null, value: Buffer | string | null): OffsetEntry | undefined {
  if (key === null) return undefined;
  const k = parseOffsetKey(key);
  const v = parseOffsetValue(value);
  if (k === undefined || v === undefined) return undefined;
  return { connector: k.connector, partition: k.partition, offset: v };
}
