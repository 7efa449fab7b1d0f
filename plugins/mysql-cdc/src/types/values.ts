/**
 * Row values as the host delivers them (see host/binlog/row-values.ts: integers as numbers, or decimal strings beyond
 * ±2^53; DECIMAL as exact strings; binary, BLOB and BIT values as base64 of the stored bytes; temporals as strings,
 * TIMESTAMP in UTC; YEAR as a number; ENUM/SET as text, or as index/bitmask when the server sent no metadata) →
 * Debezium's values, written as JsonConverter writes them (bytes and Decimal as base64).
 */
import type { JsonValue } from '@conveyor/sdk';
import { base64ToBytes, bigintToTwosComplement, bytesToBase64, decimalToBase64, float32 } from '../codec.ts';
import type { ColumnDef } from '../schema/table.ts';
import type { ValueKind } from './mapping.ts';
import { parseDate, parseDateTime, parseTime, zonedTimestamp } from './temporal.ts';

export class ValueError extends Error {
  constructor(column: ColumnDef, value: JsonValue, reason: string) {
    super(`column ${column.name} (${column.typeExpression}): cannot convert ${JSON.stringify(value)?.slice(0, 80)}: ${reason}`);
    this.name = 'ValueError';
  }
}

/**
 * An int64 in JSON: a number when exactly representable, else its decimal string (the host's JSON writer must emit it
 * as a bare number; JS numbers cannot hold it).
 */
function int64(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

function toBigInt(v: JsonValue): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new Error('not an integer');
}

function zeroOr<T>(col: ColumnDef, zero: T): T | null {
  return col.optional ? null : zero;
}

function enumText(col: ColumnDef, v: JsonValue, set: boolean): string {
  if (typeof v === 'string') return v;
  if (typeof v !== 'number') throw new Error('not a string or index');
  const members = col.enumValues ?? [];
  if (!set) return v === 0 ? '' : (members[v - 1] ?? '');
  return members.filter((_, i) => (BigInt(v) >> BigInt(i)) & 1n).join(',');
}

/** BIT(n): the server's big-endian bytes → Debezium's little-endian bytes, ceil(n/8) long. */
function bits(col: ColumnDef, v: string): string {
  const be = base64ToBytes(v);
  const size = Math.ceil((col.length ?? 1) / 8);
  const le = new Uint8Array(size);
  for (let i = 0; i < size && i < be.length; i++) le[i] = be[be.length - 1 - i]!;
  return bytesToBase64(le);
}

/** Scalars as text; objects and arrays (JSON column values from a server without jsonStrings) as JSON text. */
function text(v: JsonValue): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? `${v}` : JSON.stringify(v);
}

/** Microseconds since the epoch as an int64 (exact past 2^53: year 2255 on). */
function epochMicrosInt64(days: number, micros: number): number | string {
  return int64(BigInt(days) * 86_400_000_000n + BigInt(micros));
}

/** Java's ISO formatter, which Debezium's snapshot path uses: the fraction without trailing zeros, none when zero. */
const trimFraction = (iso: string): string => iso.replace(/(\.\d*?)0+Z$/, '$1Z').replace(/\.Z$/, 'Z');

function convert(col: ColumnDef, kind: ValueKind, v: JsonValue, snapshot: boolean): JsonValue {
  switch (kind) {
    case 'boolean':
      return typeof v === 'boolean' ? v : Number(v) !== 0;
    case 'bool-bit':
      return typeof v === 'string' ? base64ToBytes(v).some((b) => b !== 0) : Number(v) !== 0;
    case 'int':
    case 'year':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error('not an integer');
      return v;
    case 'int64':
      return int64(toBigInt(v));
    case 'uint64-long':
      // Debezium's long mode: values above 2^63-1 wrap around as Java's long does.
      return int64(BigInt.asIntN(64, toBigInt(v)));
    case 'uint64-decimal':
      return bytesToBase64(bigintToTwosComplement(toBigInt(v)));
    case 'float32':
      return float32(Number(v));
    case 'float32-double':
      return Math.fround(Number(v));
    case 'float64':
    case 'decimal-double':
      return Number(v);
    case 'decimal-bytes':
      return decimalToBase64(text(v), col.scale ?? 0);
    case 'decimal-string':
      return text(v);
    case 'string':
    case 'unknown':
      return text(v);
    case 'json':
      return text(v);
    case 'bytes':
    case 'bytes-base64':
      if (typeof v !== 'string') throw new Error('bytes must arrive as base64 text');
      return v;
    case 'bytes-base64-url-safe':
      if (typeof v !== 'string') throw new Error('bytes must arrive as base64 text');
      return v.replaceAll('+', '-').replaceAll('/', '_');
    case 'bytes-hex':
      if (typeof v !== 'string') throw new Error('bytes must arrive as base64 text');
      return [...base64ToBytes(v)].map((b) => b.toString(16).padStart(2, '0')).join('');
    case 'bits':
      if (typeof v !== 'string') throw new Error('bits must arrive as base64 text');
      return bits(col, v);
    case 'enum':
      return enumText(col, v, false);
    case 'set':
      return enumText(col, v, true);
    case 'date': {
      const days = parseDate(text(v));
      return days === null ? zeroOr(col, 0) : days;
    }
    case 'time-micros':
      return parseTime(text(v));
    case 'time-millis': {
      // Kafka Connect's Time is a time of day: Debezium leaves a duration outside 00:00–24:00 null (and logs it).
      const millis = Math.floor(parseTime(text(v)) / 1000);
      return millis >= 0 && millis < 86_400_000 ? millis : null;
    }
    case 'datetime-millis':
    case 'datetime-micros': {
      const p = parseDateTime(text(v));
      if (p.zero) return zeroOr(col, 0);
      return kind === 'datetime-micros' ? epochMicrosInt64(p.days, p.micros) : p.days * 86_400_000 + Math.floor(p.micros / 1000);
    }
    case 'timestamp-zoned': {
      const p = parseDateTime(text(v));
      // A zero TIMESTAMP: Debezium's binlog path gives the epoch even for a nullable column, its snapshot path null.
      if (p.zero) return snapshot ? zeroOr(col, zonedTimestamp(0, 0, 0)) : zonedTimestamp(0, 0, 0);
      const iso = zonedTimestamp(p.days, p.micros, col.length ?? 0);
      return snapshot ? trimFraction(iso) : iso;
    }
  }
}

/** `snapshot`: the value was read by the snapshot's query (Debezium's JDBC path), not from the binlog. */
export function convertValue(col: ColumnDef, kind: ValueKind, v: JsonValue | undefined, snapshot = false): JsonValue {
  if (v === null || v === undefined) return null;
  try {
    return convert(col, kind, v, snapshot);
  } catch (err) {
    throw new ValueError(col, v, (err as Error).message);
  }
}
