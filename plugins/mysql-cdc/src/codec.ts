/**
 * Byte and number encodings the sandbox needs without Buffer: base64 (Kafka Connect's JsonConverter writes bytes
 * and Decimal values as base64 strings), Connect Decimal's unscaled two's-complement bytes, float32 rounding.
 */
import { BASE64_ALPHABET, base64Encode } from '@conveyor/sdk';

const LOOKUP: Record<string, number> = Object.fromEntries([...BASE64_ALPHABET].map((c, i) => [c, i]));

export function bytesToBase64(bytes: Uint8Array): string {
  return base64Encode(bytes);
}

export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean)) throw new Error(`not a base64 string: ${text.slice(0, 40)}`);
  const out = new Uint8Array(Math.floor((clean.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const ch of clean) {
    acc = (acc << 6) | LOOKUP[ch]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/** An exact decimal string ('-12.5', '1e3' is not accepted) as an unscaled integer at the given scale. */
export function decimalToUnscaled(text: string, scale: number): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal number: ${text}`);
  const frac = (m[3] ?? '').padEnd(scale, '0');
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) throw new Error(`decimal ${text} has more than ${scale} fractional digits`);
  const digits = `${m[2] ?? ''}${frac.slice(0, scale)}`.replace(/^0+(?=\d)/, '') || '0';
  const unscaled = BigInt(digits);
  return m[1] === '-' ? -unscaled : unscaled;
}

/** Big-endian two's-complement bytes of the shortest length, as Java's BigInteger.toByteArray() gives. */
export function bigintToTwosComplement(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 255n);
    bytes.unshift(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(bytes);
}

/** A Connect Decimal value as JsonConverter writes it: base64 of the unscaled value's bytes. */
export function decimalToBase64(text: string, scale: number): string {
  return bytesToBase64(bigintToTwosComplement(decimalToUnscaled(text, scale)));
}

/** The shortest decimal that reads back as the same float32, as Java's Float.toString would print it. */
export function float32(value: number): number {
  if (!Number.isFinite(value)) return value;
  const target = Math.fround(value);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(target.toPrecision(p));
    if (Math.fround(candidate) === target) return candidate;
  }
  return target;
}
