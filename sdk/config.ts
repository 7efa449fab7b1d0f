/**
 * Connector configuration definitions in the spirit of Kafka Connect's ConfigDef. Definitions are plain data
 * (validators included) so the host can validate a config from the manifest without running plugin code.
 */
export type ConfigType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'list' | 'password' | 'class';
export type Importance = 'high' | 'medium' | 'low';

export type ConfigValidator =
  | { kind: 'range'; min?: number; max?: number }
  | { kind: 'oneOf'; values: readonly string[] }
  | { kind: 'nonEmpty' }
  | { kind: 'pattern'; regex: string };

export interface ConfigKey {
  name: string;
  type: ConfigType;
  /** Absent means the key is required. */
  default?: string | number | boolean | readonly string[] | null;
  importance: Importance;
  documentation: string;
  group?: string;
  orderInGroup?: number;
  displayName?: string;
  validators?: readonly ConfigValidator[];
  recommendedValues?: readonly string[];
}

export type ConfigDefinition = readonly ConfigKey[];
export type ParsedValue = string | number | boolean | readonly string[] | null;
export type ParsedConfig = Record<string, ParsedValue>;

/** One entry of Kafka Connect's /config/validate response. */
export interface ConfigValueReport {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export function configKey(key: ConfigKey): ConfigKey {
  return key;
}

/** Parses one raw string property; throws an Error whose message says what is wrong. */
export function parseValue(key: ConfigKey, raw: string): ParsedValue {
  switch (key.type) {
    case 'int':
    case 'long': {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isInteger(n)) throw new Error(`Invalid value ${raw} for configuration ${key.name}: Not a number of type ${key.type.toUpperCase()}`);
      if (key.type === 'int' && (n > 2147483647 || n < -2147483648)) throw new Error(`Invalid value ${raw} for configuration ${key.name}: out of INT range`);
      return n;
    }
    case 'double': {
      const n = Number(raw.trim());
      if (raw.trim() === '' || Number.isNaN(n)) throw new Error(`Invalid value ${raw} for configuration ${key.name}: Not a number of type DOUBLE`);
      return n;
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') throw new Error(`Invalid value ${raw} for configuration ${key.name}: Expected value to be either true or false`);
      return v === 'true';
    }
    case 'list':
      return raw.trim() === '' ? [] : raw.split(',').map((s) => s.trim());
    default:
      return raw;
  }
}

function checkValidator(key: ConfigKey, v: ConfigValidator, value: ParsedValue): string | null {
  switch (v.kind) {
    case 'range':
      if (typeof value !== 'number') return null;
      if (v.min !== undefined && value < v.min) return `Invalid value ${value} for configuration ${key.name}: Value must be at least ${v.min}`;
      if (v.max !== undefined && value > v.max) return `Invalid value ${value} for configuration ${key.name}: Value must be no more than ${v.max}`;
      return null;
    case 'oneOf': {
      const values = Array.isArray(value) ? (value as string[]) : [String(value)];
      const bad = values.find((x) => !v.values.includes(x));
      return bad === undefined ? null : `Invalid value ${bad} for configuration ${key.name}: String must be one of: ${v.values.join(', ')}`;
    }
    case 'nonEmpty':
      return value === null || value === '' || (Array.isArray(value) && value.length === 0) ? `Invalid value for configuration ${key.name}: must be non-empty` : null;
    case 'pattern':
      return typeof value === 'string' && !new RegExp(v.regex).test(value) ? `Invalid value ${value} for configuration ${key.name}: must match ${v.regex}` : null;
  }
}

function defaultValue(key: ConfigKey): ParsedValue {
  const d = key.default;
  if (d === undefined || d === null) return null;
  if (typeof d === 'string' && key.type !== 'string' && key.type !== 'password' && key.type !== 'class') return parseValue(key, d);
  return d;
}

/** Validates every defined key; unknown keys are ignored here (the host checks framework keys separately). */
export function validateConfig(def: ConfigDefinition, props: Readonly<Record<string, string>>): ConfigValueReport[] {
  return def.map((key) => {
    const raw = props[key.name];
    const errors: string[] = [];
    let parsed: ParsedValue = null;
    if (raw === undefined) {
      if (key.default === undefined) errors.push(`Missing required configuration "${key.name}" which has no default value.`);
      else parsed = defaultValue(key);
    } else {
      try {
        parsed = parseValue(key, raw);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length === 0) {
      for (const v of key.validators ?? []) {
        const e = checkValidator(key, v, parsed);
        if (e !== null) errors.push(e);
      }
    }
    const shown = raw ?? (key.default === undefined || key.default === null ? null : String(key.default));
    return {
      name: key.name,
      value: key.type === 'password' && shown !== null ? '[hidden]' : shown,
      recommended_values: [...(key.recommendedValues ?? [])],
      errors,
      visible: true,
    };
  });
}

/** Parses a config into typed values; throws one Error listing every problem. */
export function parseConfig(def: ConfigDefinition, props: Readonly<Record<string, string>>): ParsedConfig {
  const problems = validateConfig(def, props).flatMap((r) => r.errors);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const out: ParsedConfig = {};
  for (const key of def) {
    const raw = props[key.name];
    out[key.name] = raw === undefined ? defaultValue(key) : parseValue(key, raw);
  }
  return Object.freeze(out);
}
