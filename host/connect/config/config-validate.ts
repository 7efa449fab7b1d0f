/**
 * ConfigDef.validate's answer for one key, in Kafka's words: what PUT /connector-plugins/{p}/config/validate shows
 * as a config's `value`. A value that does not parse is reported as null with the reason; a validator then sees
 * null, as Kafka's do ("Value must be non-null").
 */
import type { ConfigValueReport } from '../../../sdk/config.ts';
import type { ConfigKey } from './config-def.ts';
import { configValueToString } from './config-def.ts';

/** What the worker knows about a key beyond its definition. */
export interface KeyContext {
  /** The effective default when the key is absent (the worker's converter, the plugin's version). */
  readonly default?: string | null;
  readonly recommended?: readonly string[];
  /** For CLASS keys: whether a class of that name is installed. */
  readonly classExists?: (name: string) => boolean;
}

const INTEGER_RANGES: Partial<Record<ConfigKey['type'], readonly [number, number]>> = {
  SHORT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  LONG: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

function parse(key: ConfigKey, raw: string, ctx: KeyContext): Parsed {
  const range = INTEGER_RANGES[key.type];
  if (range !== undefined) {
    const n = /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    return Number.isInteger(n) && n >= range[0] && n <= range[1] ? { ok: true, value: n } : { ok: false, reason: `Not a number of type ${key.type}` };
  }
  switch (key.type) {
    case 'DOUBLE': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      return Number.isNaN(n) ? { ok: false, reason: 'Not a number of type DOUBLE' } : { ok: true, value: n };
    }
    case 'BOOLEAN': {
      const t = raw.trim().toLowerCase();
      return t === 'true' || t === 'false' ? { ok: true, value: t === 'true' } : { ok: false, reason: 'Expected value to be either true or false' };
    }
    case 'CLASS':
      return ctx.classExists === undefined || ctx.classExists(raw.trim()) ? { ok: true, value: raw.trim() } : { ok: false, reason: `Class ${raw.trim()} could not be found.` };
    case 'LIST':
      return { ok: true, value: raw.trim() === '' ? [] : raw.split(',').map((s) => s.trim()) };
    default:
      return { ok: true, value: key.type === 'PASSWORD' ? raw : raw.trim() };
  }
}

function validValuesProblem(key: ConfigKey, value: unknown): string | undefined {
  const allowed = key.validValues;
  if (allowed === undefined || typeof value !== 'string') return undefined;
  if (key.caseInsensitive === true) {
    return allowed.some((a) => a.toLowerCase() === value.toLowerCase()) ? undefined : `String must be one of (case insensitive): ${allowed.map((a) => a.toUpperCase()).join(', ')}`;
  }
  return allowed.includes(value) ? undefined : `String must be one of: ${allowed.join(', ')}`;
}

/** The report for `key` given its raw value (undefined when absent). */
export function validateKey(key: ConfigKey, raw: string | undefined, ctx: KeyContext = {}): ConfigValueReport {
  const recommended = [...(ctx.recommended ?? [])];
  const fallback = ctx.default !== undefined ? ctx.default : 'default' in key ? configValueToString(key.default) : undefined;
  if (raw === undefined) {
    if (fallback === undefined) return { name: key.name, value: null, recommended_values: recommended, errors: [`Missing required configuration "${key.name}" which has no default value.`], visible: true };
    return { name: key.name, value: fallback, recommended_values: recommended, errors: [], visible: true };
  }
  const errors: string[] = [];
  const parsed = parse(key, raw, ctx);
  if (!parsed.ok) errors.push(`Invalid value ${raw} for configuration ${key.name}: ${parsed.reason}`);
  const value = parsed.ok ? parsed.value : null;
  const problem = validValuesProblem(key, value) ?? key.validate?.(value);
  if (problem !== undefined) errors.push(`Invalid value ${value === null ? 'null' : raw} for configuration ${key.name}: ${problem}`);
  return { name: key.name, value: parsed.ok ? raw : null, recommended_values: recommended, errors, visible: true };
}
