import { DataError } from '../errors.ts';

/**
 * A JSON document as JsonConverter sees it: numbers keep their exact text (so int64 and decimals survive) and
 * objects keep their key order (plain JS objects would move integer-like keys first).
 */
export type JsonTree = null | boolean | string | JsonNumber | JsonTree[] | JsonObject;

export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  /** True when written without a fraction or exponent (Jackson's isIntegralNumber). */
  isIntegral(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}

export class JsonObject {
  readonly entries: [string, JsonTree][];
  constructor(entries: [string, JsonTree][] = []) {
    this.entries = entries;
  }
  get(key: string): JsonTree | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e !== undefined && e[0] === key) return e[1];
    }
    return undefined;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  set(key: string, value: JsonTree): this {
    this.entries.push([key, value]);
    return this;
  }
}

export function jsonNodeType(node: JsonTree | undefined): string {
  if (node === undefined) return 'MISSING';
  if (node === null) return 'NULL';
  if (typeof node === 'boolean') return 'BOOLEAN';
  if (typeof node === 'string') return 'STRING';
  if (node instanceof JsonNumber) return 'NUMBER';
  if (Array.isArray(node)) return 'ARRAY';
  return 'OBJECT';
}

type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

/** Parses JSON text; numbers become JsonNumber with their source text. */
export function parseJsonTree(text: string): JsonTree {
  const reviver: Reviver = (_key, value, context) => {
    if (typeof value === 'number') return new JsonNumber(context.source ?? String(value));
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber)) {
      return new JsonObject(Object.entries(value as Record<string, JsonTree>));
    }
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown) as JsonTree;
}

/** Serialises compactly, as Jackson's default writer does. */
export function stringifyJsonTree(node: JsonTree): string {
  if (node === null) return 'null';
  if (typeof node === 'boolean') return node ? 'true' : 'false';
  if (typeof node === 'string') return JSON.stringify(node);
  if (node instanceof JsonNumber) return node.text;
  if (Array.isArray(node)) return `[${node.map(stringifyJsonTree).join(',')}]`;
  return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${stringifyJsonTree(v)}`).join(',')}}`;
}

/** A JS value with no schema as JSON: integral numbers as integers, others as Java doubles. */
export function jsonInteger(value: number | bigint): JsonNumber {
  if (typeof value === 'number' && !Number.isInteger(value)) throw new DataError(`Expected an integer, got ${value}`);
  return new JsonNumber(typeof value === 'bigint' ? value.toString() : value.toFixed(0));
}

/** Non-finite doubles are written as strings, like Jackson's WRITE_NAN_AS_STRINGS default. */
export function jsonDouble(value: number): JsonTree {
  return Number.isFinite(value) ? new JsonNumber(javaDoubleString(value)) : javaDoubleString(value);
}

export function jsonFloat(value: number): JsonTree {
  return Number.isFinite(value) ? new JsonNumber(javaFloatString(value)) : javaDoubleString(value);
}

/** Double.toString: shortest digits; plain for 1e-3 <= |d| < 1e7, otherwise d.dddE±n; always a fraction digit. */
export function javaDoubleString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return formatJava(value, value.toExponential());
}

/** Float.toString for a value already rounded to float32: the shortest digits that identify the float. */
export function javaFloatString(value: number): string {
  if (!Number.isFinite(value) || value === 0) return javaDoubleString(value);
  const f = Math.fround(value);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return formatJava(f, candidate.toExponential());
  }
  return formatJava(f, f.toExponential());
}

function formatJava(value: number, exponential: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential);
  if (m === null) return String(value);
  const sign = m[1] ?? '';
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const exp = Number(m[4]);
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1) || '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1) || '0';
  return `${sign}${digits[0] ?? '0'}.${frac}E${exp}`;
}
