import { configError } from '../errors.ts';

/** Kafka's ConfigDef types, spelled as its REST API reports them. */
export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

/** One configuration key. Without `default` the key is required. */
export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly default?: unknown;
  readonly importance: Importance;
  readonly documentation: string;
  /** Allowed values for STRING (or each LIST element), compared case-insensitively when `caseInsensitive`. */
  readonly validValues?: readonly string[];
  readonly caseInsensitive?: boolean;
  /** Further check of the parsed value; returns what is wrong, or undefined. */
  readonly validate?: (value: unknown) => string | undefined;
  readonly group?: string;
  readonly orderInGroup?: number;
  readonly width?: Width;
  readonly displayName?: string;
}

export type ConfigDef = readonly ConfigKey[];
export type ParsedConfig = Readonly<Record<string, unknown>>;

/** The shape of GET /connector-plugins/{plugin}/config entries (Kafka's ConfigKeyInfo). */
export interface ConfigKeyInfo {
  name: string;
  type: ConfigType;
  required: boolean;
  default_value: string | null;
  importance: Importance;
  documentation: string;
  group: string | null;
  order: number;
  width: Width;
  display_name: string;
  dependents: string[];
}

export interface ParseOptions {
  /** Names the thing being configured in messages, e.g. `transform "mask"` . */
  readonly context: string;
  /** Prepended to key names in messages, e.g. `transforms.mask.` so users see the key they wrote. */
  readonly keyPrefix?: string;
  /** Keys accepted and dropped without complaint (ones other components read from the same map). */
  readonly ignore?: readonly string[];
}

const INT_LIMITS: Partial<Record<ConfigType, readonly [number, number]>> = {
  SHORT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  LONG: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function invalid(opts: ParseOptions, key: string, value: unknown, reason: string): Error {
  return configError(
    `${opts.context}: invalid value ${JSON.stringify(scalarText(value))} for configuration "${opts.keyPrefix ?? ''}${key}": ${reason}`,
  );
}

function parseType(key: ConfigKey, raw: unknown, opts: ParseOptions): unknown {
  const fail = (reason: string): Error => invalid(opts, key.name, raw, reason);
  switch (key.type) {
    case 'BOOLEAN': {
      if (typeof raw === 'boolean') return raw;
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (t === 'true' || t === 'false') return t === 'true';
      throw fail('expected true or false');
    }
    case 'STRING':
    case 'CLASS':
    case 'PASSWORD':
      if (typeof raw === 'string') return key.type === 'PASSWORD' ? raw : raw.trim();
      throw fail('expected a string');
    case 'SHORT':
    case 'INT':
    case 'LONG': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      const [lo, hi] = INT_LIMITS[key.type] ?? [0, 0];
      if (!Number.isInteger(n)) throw fail('expected an integer');
      if (n < lo || n > hi) throw fail(`expected an integer between ${lo} and ${hi}`);
      return n;
    }
    case 'DOUBLE': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (Number.isNaN(n)) throw fail('expected a number');
      return n;
    }
    case 'LIST': {
      if (Array.isArray(raw)) return raw.map((x) => String(x).trim());
      if (typeof raw !== 'string') throw fail('expected a comma-separated list');
      return raw.trim() === '' ? [] : raw.split(',').map((x) => x.trim());
    }
  }
}

function checkValidValues(key: ConfigKey, value: unknown, opts: ParseOptions): unknown {
  if (key.validValues === undefined || value === null) return value;
  const canon = (v: string): string | undefined =>
    key.validValues?.find((a) => (key.caseInsensitive === true ? a.toLowerCase() === v.toLowerCase() : a === v));
  const items = Array.isArray(value) ? (value as string[]) : [value as string];
  const out = items.map((item) => {
    const c = canon(item);
    if (c === undefined) throw invalid(opts, key.name, item, `must be one of ${key.validValues?.join(', ')}`);
    return c;
  });
  return Array.isArray(value) ? out : out[0];
}

/**
 * Parses and validates `props` against `def` like Kafka's ConfigDef.parse: strings are converted to the key's
 * type, defaults fill absent keys, required keys must be present, and keys not in the definition are refused.
 * The result is frozen.
 */
export function parseConfig(def: ConfigDef, props: Readonly<Record<string, unknown>>, opts: ParseOptions): ParsedConfig {
  const known = new Set(def.map((k) => k.name));
  const ignored = new Set(opts.ignore ?? []);
  for (const name of Object.keys(props)) {
    if (!known.has(name) && !ignored.has(name)) {
      const list = def.length === 0 ? 'it takes no configuration' : `known keys are ${[...known].join(', ')}`;
      throw configError(`${opts.context}: unknown configuration "${opts.keyPrefix ?? ''}${name}"; ${list}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of def) {
    const raw = props[key.name];
    let value: unknown;
    if (raw === undefined) {
      if (!('default' in key)) {
        throw configError(
          `${opts.context}: missing required configuration "${opts.keyPrefix ?? ''}${key.name}" which has no default value (${key.documentation})`,
        );
      }
      value = key.default;
    } else if (raw === null) {
      value = null;
    } else {
      value = parseType(key, raw, opts);
    }
    value = checkValidValues(key, value, opts);
    const problem = value === null ? (!('default' in key) ? 'a value is required' : undefined) : key.validate?.(value);
    if (problem !== undefined) throw invalid(opts, key.name, raw ?? value, problem);
    out[key.name] = value;
  }
  return Object.freeze(out);
}

/** ConfigDef.convertToString: how a default value is reported over REST. */
export function configValueToString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(scalarText).join(',');
  return scalarText(value);
}

export function toConfigKeyInfo(key: ConfigKey): ConfigKeyInfo {
  return {
    name: key.name,
    type: key.type,
    required: !('default' in key),
    default_value: 'default' in key ? configValueToString(key.default) : null,
    importance: key.importance,
    documentation: key.documentation,
    group: key.group ?? null,
    order: key.orderInGroup ?? -1,
    width: key.width ?? 'NONE',
    display_name: key.displayName ?? key.name,
    dependents: [],
  };
}

/** Validators shared by the built-in plugins. */
export const Validators = Object.freeze({
  nonEmptyString: (v: unknown): string | undefined =>
    typeof v === 'string' && v.length > 0 ? undefined : 'String must be non-empty',
  nonEmptyList: (v: unknown): string | undefined =>
    Array.isArray(v) && v.length > 0 ? undefined : 'Empty list',
  atLeast:
    (min: number) =>
    (v: unknown): string | undefined =>
      typeof v === 'number' && v >= min ? undefined : `Value must be at least ${min}`,
  regex: (v: unknown): string | undefined => {
    if (v === null) return undefined;
    try {
      new RegExp(scalarText(v));
      return undefined;
    } catch (err) {
      return `not a valid regular expression: ${(err as Error).message}`;
    }
  },
});

function scalarText(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** Sub-configuration under a prefix: withPrefix({"a.b": 1, "a.c": 2, "x": 3}, "a.") → {b: 1, c: 2}. */
export function withPrefix<T>(props: Readonly<Record<string, T>>, prefix: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}
