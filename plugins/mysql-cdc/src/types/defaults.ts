/**
 * Column defaults as Debezium puts them in field schemas (`default`): a literal DEFAULT converted like a row value of
 * the column; an expression (uuid(), (1+2), CURRENT_TIMESTAMP on a nullable column) gives none; DEFAULT NULL and no
 * DEFAULT give none; CURRENT_TIMESTAMP on a NOT NULL DATETIME/TIMESTAMP gives the epoch, as Debezium 3.5 does.
 * TIMESTAMP literals are read as UTC (the session time zone of the servers we test with).
 */
import type { JsonValue } from '@conveyor/sdk';
import { bigintToTwosComplement, bytesToBase64 } from '../codec.ts';
import type { ColumnDef } from '../schema/table.ts';
import type { ValueKind } from './mapping.ts';
import { convertValue } from './values.ts';

const TEMPORAL_NOW = /^(CURRENT_TIMESTAMP|NOW|LOCALTIME|LOCALTIMESTAMP)\b/i;
const INT64_MAX = 2n ** 63n - 1n;

function hexBytes(text: string): Uint8Array {
  const hex = text.replace(/^0x|^x'|'$/gi, '');
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return Uint8Array.from(even.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function bitsValue(text: string): bigint {
  const digits = /^b'([01]*)'$/i.exec(text)?.[1] ?? '';
  return digits === '' ? 0n : BigInt(`0b${digits}`);
}

/** UTF-8 without TextEncoder/TextDecoder, which the sandbox does not have. */
const utf8 = (text: string): Uint8Array =>
  Uint8Array.from(encodeURIComponent(text).match(/%[0-9A-F]{2}|[^%]/g) ?? [], (p) => (p.length === 3 ? parseInt(p.slice(1), 16) : p.charCodeAt(0)));
const fromUtf8 = (bytes: Uint8Array): string => decodeURIComponent([...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));

/** The DEFAULT literal in the form the host delivers row values of this kind (see values.ts). */
function hostForm(col: ColumnDef, kind: ValueKind, text: string): JsonValue {
  const k = col.defaultKind;
  const numeric = k === 'boolean' ? (text.toUpperCase() === 'TRUE' ? '1' : '0') : k === 'bits' ? bitsValue(text).toString() : k === 'hex' ? BigInt(`0x${[...hexBytes(text)].map((b) => b.toString(16).padStart(2, '0')).join('') || '0'}`).toString() : text;
  switch (kind) {
    case 'boolean':
    case 'int':
    case 'year':
    case 'float32':
    case 'float32-double':
    case 'float64':
    case 'decimal-double':
      return Number(numeric);
    case 'bool-bit':
    case 'bits':
      return bytesToBase64(bigintToTwosComplement(BigInt(numeric)).slice(-Math.ceil((col.length ?? 1) / 8)));
    case 'int64':
    case 'uint64-decimal':
    case 'decimal-bytes':
    case 'decimal-string':
      return numeric;
    case 'uint64-long': {
      // Debezium's long mode keeps a default above 2^63-1 at Long.MAX_VALUE (a row value wraps around instead).
      const v = BigInt(numeric);
      return (v > INT64_MAX ? INT64_MAX : v).toString();
    }
    case 'bytes':
    case 'bytes-base64':
    case 'bytes-base64-url-safe':
    case 'bytes-hex':
      return bytesToBase64(k === 'hex' ? hexBytes(text) : utf8(text));
    default:
      return k === 'hex' ? fromUtf8(hexBytes(text)) : text;
  }
}

function isTemporal(kind: ValueKind): boolean {
  return kind === 'datetime-millis' || kind === 'datetime-micros' || kind === 'timestamp-zoned';
}

/** The `default` of the column's field schema, or undefined for none. */
export function columnDefault(col: ColumnDef, kind: ValueKind): JsonValue | undefined {
  const text = col.defaultExpression;
  if (text === null || col.defaultKind === null) return undefined;
  if (col.defaultKind === 'expression') {
    if (col.optional || !isTemporal(kind) || !TEMPORAL_NOW.test(text)) return undefined;
    return convertValue(col, kind, '0000-00-00 00:00:00') ?? undefined;
  }
  try {
    return convertValue(col, kind, hostForm(col, kind, text)) ?? undefined;
  } catch {
    // A literal the column type cannot hold (MariaDB would have refused it): no default rather than a failed task.
    return undefined;
  }
}
