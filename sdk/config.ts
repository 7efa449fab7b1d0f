/**
 * Connector configuration definitions in the spirit of Kafka Connect's ConfigDef. Definitions are plain data
 * (validators included) so the host can validate a config from the manifest without running plugin code.
 */
import { isPassword, Password } from './password.ts';

/** Kafka Connect's ConfigDef types; each parses to the value type ValueOfConfigType names. */
export type ConfigType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'list' | 'password' | 'class';
/** Kafka Connect's importance levels, shown by /config/validate. */
export type Importance = 'high' | 'medium' | 'low';

/** Declarative checks a key's parsed value must pass (the host runs them from the manifest too). */
export type ConfigValidator =
  | { kind: 'range'; min?: number; max?: number }
  | { kind: 'oneOf'; values: readonly string[] }
  | { kind: 'nonEmpty' }
  | { kind: 'pattern'; regex: string };

/** One key of a config definition, as Kafka Connect's ConfigDef.define takes it. */
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

/** A plugin's config keys; declare it `as const` so ctx.config is typed from it. */
export type ConfigDefinition = readonly ConfigKey[];
/** A parsed config value: see ConfigValues for the type of each key. */
export type ParsedValue = string | number | boolean | readonly string[] | Password | null;
/** A parsed config without per-key types (a definition not declared `as const`). */
export type ParsedConfig = Readonly<Record<string, ParsedValue>>;

/** What a value of one config type parses to (the type of its entry in `ctx.config`). */
export type ValueOfConfigType<T extends ConfigType> = T extends 'int' | 'long' | 'double'
  ? number
  : T extends 'boolean'
    ? boolean
    : T extends 'list'
      ? readonly string[]
      : T extends 'password'
        ? Password
        : string;

/** The parsed value of one key: null only when the key's default is null (a required key is always present). */
export type ConfigValueOf<K extends ConfigKey> = K extends { readonly default: null } ? ValueOfConfigType<K['type']> | null : ValueOfConfigType<K['type']>;

/**
 * `ctx.config` for a config definition: `{ 'batch.size': number, enabled: boolean, topics: readonly string[], ... }`
 * for an `as const` definition, `ParsedConfig` for one typed only as ConfigDefinition.
 */
export type ConfigValues<C extends ConfigDefinition> = string extends C[number]['name'] ? ParsedConfig : { readonly [K in C[number] as K['name']]: ConfigValueOf<K> };

/** One entry of Kafka Connect's /config/validate response. */
export interface ConfigValueReport {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

/** Declares one key (an identity function that checks the shape); `as const` arrays of plain objects work as well. */
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
    case 'password':
      return new Password(raw);
    default:
      return raw;
  }
}

function checkValidator(key: ConfigKey, v: ConfigValidator, parsed: ParsedValue): string | null {
  const value = isPassword(parsed) ? parsed.value() : parsed;
  // A password's text is checked but never shown in the message.
  const shown = (x: unknown): string => (isPassword(parsed) ? Password.HIDDEN : String(x));
  switch (v.kind) {
    case 'range':
      if (typeof value !== 'number') return null;
      if (v.min !== undefined && value < v.min) return `Invalid value ${value} for configuration ${key.name}: Value must be at least ${v.min}`;
      if (v.max !== undefined && value > v.max) return `Invalid value ${value} for configuration ${key.name}: Value must be no more than ${v.max}`;
      return null;
    case 'oneOf': {
      const values = Array.isArray(value) ? (value as string[]) : [String(value)];
      const bad = values.find((x) => !v.values.includes(x));
      return bad === undefined ? null : `Invalid value ${shown(bad)} for configuration ${key.name}: String must be one of: ${v.values.join(', ')}`;
    }
    case 'nonEmpty':
      return value === null || value === '' || (Array.isArray(value) && value.length === 0) ? `Invalid value for configuration ${key.name}: must be non-empty` : null;
    case 'pattern':
      return typeof value === 'string' && !new RegExp(v.regex).test(value) ? `Invalid value ${shown(value)} for configuration ${key.name}: must match ${v.regex}` : null;
  }
}

function defaultValue(key: ConfigKey): ParsedValue {
  const d = key.default;
  if (d === undefined || d === null) return null;
  if (typeof d === 'string' && key.type !== 'string' && key.type !== 'class') return parseValue(key, d);
  return d;
}

/** Kafka Connect's /config/validate entries for every defined key (password values shown as [hidden]); unknown keys are ignored here (the host checks framework keys separately). */
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

/** Parses a config into typed values (typed key by key for an `as const` definition); throws one Error listing every problem. */
export function parseConfig<const C extends ConfigDefinition>(def: C, props: Readonly<Record<string, string>>): ConfigValues<C> {
  const problems = validateConfig(def, props).flatMap((r) => r.errors);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const out: Record<string, ParsedValue> = {};
  for (const key of def) {
    const raw = props[key.name];
    out[key.name] = raw === undefined ? defaultValue(key) : parseValue(key, raw);
  }
  return Object.freeze(out) as ConfigValues<C>;
}
