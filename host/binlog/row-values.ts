/**
 * One representation of row values for both the binlog reader (zongji) and snapshot queries (mysql2), so a row read
 * in the snapshot and the same row read from the binlog compare equal:
 * - integers: numbers; 64-bit values beyond ±2^53 as exact decimal strings
 * - DECIMAL: exact decimal strings; FLOAT/DOUBLE: numbers
 * - CHAR/VARCHAR/TEXT, ENUM, SET, JSON (MariaDB: longtext; MySQL: read as text): strings
 * - BINARY/VARBINARY/BLOB and BIT: base64 of the stored bytes (BIT big-endian, as stored)
 * - DATE 'YYYY-MM-DD', TIME '[-]H:MM:SS[.f]', DATETIME 'YYYY-MM-DD HH:MM:SS[.f]', TIMESTAMP the same in UTC
 * - YEAR: number; NULL: null
 * Both sources must run with dateStrings and UTC (see connectionOptions).
 */
import type { BinlogRow, JsonValue } from './events.ts';

/** mysql2/zongji options that give the representation above. */
export const connectionOptions = { dateStrings: true, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false, jsonStrings: true } as const;

export function jsonValue(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  return JSON.stringify(v);
}

export function jsonRow(row: unknown): BinlogRow {
  const out: BinlogRow = {};
  for (const [k, v] of Object.entries(row as Record<string, unknown>)) out[k] = jsonValue(v);
  return out;
}
