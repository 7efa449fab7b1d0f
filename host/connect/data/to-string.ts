import { BigDecimal } from './big-decimal.ts';
import { isPlainObject, isStructLike } from './types.ts';

/**
 * Renders a Connect value the way Java's toString does for the equivalent objects (used by StringConverter and
 * Struct.toString): lists as [a, b], maps as {k=v, k2=v2}, bytes as base64.
 */
export function javaString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (isStructLike(value)) return (value as { toString(): string }).toString();
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (value instanceof Map) {
    return `{${[...(value as Map<unknown, unknown>).entries()].map(([k, v]) => `${javaString(k)}=${javaString(v)}`).join(', ')}}`;
  }
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${k}=${javaString(v)}`).join(', ')}}`;
  return Object.prototype.toString.call(value);
}
