import { DataError } from '../errors.ts';

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * An exact decimal: unscaled × 10^-scale, like java.math.BigDecimal. Values of the Connect Decimal logical type
 * use it so that no digit is lost between the wire and a connector.
 */
export class BigDecimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    if (!Number.isInteger(scale)) throw new DataError(`Decimal scale must be an integer, got ${scale}`);
    this.unscaled = unscaled;
    this.scale = scale;
    Object.freeze(this);
  }

  /** Parses decimal text ("12.50", "-1E+3", "7"); the scale follows the digits as written, as in Java. */
  static parse(text: string): BigDecimal {
    const m = DECIMAL_PATTERN.exec(text.trim());
    const intPart = m?.[2] ?? '';
    const fracPart = m?.[3] ?? '';
    if (m === null || intPart.length + fracPart.length === 0) {
      throw new DataError(`Invalid decimal value: "${text}"`);
    }
    const digits = BigInt((intPart + fracPart).replace(/^0+(?=\d)/, '') || '0');
    const exponent = m[4] === undefined ? 0 : Number(m[4]);
    return new BigDecimal(m[1] === '-' ? -digits : digits, fracPart.length - exponent);
  }

  /** Converts a finite JS number by its shortest round-trip text; integral values get scale 1 like Java's "1.0". */
  static fromNumber(value: number): BigDecimal {
    if (!Number.isFinite(value)) throw new DataError(`Cannot represent ${value} as a decimal`);
    const text = String(value);
    const d = BigDecimal.parse(text);
    return /^-?\d+$/.test(text) ? d.setScale(1) : d;
  }

  /** Same value at another scale; throws when that would need rounding. */
  setScale(scale: number): BigDecimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new BigDecimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    if (this.unscaled % divisor !== 0n) {
      throw new DataError(`Decimal ${this.toString()} cannot be rescaled to scale ${scale} without rounding`);
    }
    return new BigDecimal(this.unscaled / divisor, scale);
  }

  /** Rescales, rounding half-up when digits are dropped (for casts and timestamp precision). */
  setScaleRounded(scale: number): BigDecimal {
    if (scale >= this.scale) return this.setScale(scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    const q = this.unscaled / divisor;
    const r = this.unscaled % divisor;
    const abs = r < 0n ? -r : r;
    const up = abs * 2n >= divisor ? (this.unscaled < 0n ? -1n : 1n) : 0n;
    return new BigDecimal(q + up, scale);
  }

  equals(other: BigDecimal): boolean {
    return this.unscaled === other.unscaled && this.scale === other.scale;
  }

  /** Numeric comparison ignoring scale (Java's compareTo). */
  compareTo(other: BigDecimal): number {
    const s = Math.max(this.scale, other.scale);
    const a = this.setScale(s).unscaled;
    const b = other.setScale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** The integral part, truncated toward zero. */
  toBigInt(): bigint {
    if (this.scale <= 0) return this.unscaled * 10n ** BigInt(-this.scale);
    return this.unscaled / 10n ** BigInt(this.scale);
  }

  /** Digits without an exponent, e.g. "0.0000001". */
  toPlainString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    let body: string;
    if (this.scale <= 0) {
      body = this.unscaled === 0n ? '0' : digits + '0'.repeat(-this.scale);
    } else if (digits.length > this.scale) {
      body = `${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`;
    } else {
      body = `0.${'0'.repeat(this.scale - digits.length)}${digits}`;
    }
    return negative ? `-${body}` : body;
  }

  /** Java's BigDecimal.toString: plain unless the scale is negative or the adjusted exponent is below -6. */
  toString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    const adjusted = digits.length - 1 - this.scale;
    if (this.scale >= 0 && adjusted >= -6) return this.toPlainString();
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exp = adjusted >= 0 ? `E+${adjusted}` : `E${adjusted}`;
    return `${negative ? '-' : ''}${mantissa}${exp}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Big-endian two's complement, minimal length (java.math.BigInteger.toByteArray). */
export function bigintToBytes(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    const signBitSet = (byte & 0x80) !== 0;
    if ((v === 0n && !signBitSet) || (v === -1n && signBitSet)) break;
  }
  return Uint8Array.from(out.reverse());
}

/** Reads big-endian two's complement (new java.math.BigInteger(byte[])). */
export function bigintFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new DataError('Cannot read a decimal from zero bytes');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  const first = bytes[0] ?? 0;
  return (first & 0x80) !== 0 ? v - (1n << BigInt(bytes.length * 8)) : v;
}
