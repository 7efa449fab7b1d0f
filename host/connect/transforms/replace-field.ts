import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { configError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import type { Transformation } from './types.ts';
import type { Side } from './util.ts';
import {
  REPLACE_NULL_WITH_DEFAULT,
  copySchemaBasics,
  keyValuePlugins,
  newMap,
  putField,
  requireMap,
  requireStruct,
  schemaCache,
  structGet,
} from './util.ts';

export const REPLACE_FIELD_CONFIG: ConfigDef = [
  { name: 'exclude', type: 'LIST', default: [], importance: 'MEDIUM', documentation: 'Fields to exclude. This takes precedence over the fields to include.' },
  { name: 'include', type: 'LIST', default: [], importance: 'MEDIUM', documentation: 'Fields to include. If specified, only these fields will be used.' },
  { name: 'renames', type: 'LIST', default: [], importance: 'MEDIUM', documentation: 'Field rename mappings.' },
  REPLACE_NULL_WITH_DEFAULT,
];

/** Kafka still accepts the pre-2.6 names of exclude and include. */
const DEPRECATED: Record<string, string> = { blacklist: 'exclude', whitelist: 'include' };

export function parseRenames(mappings: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of mappings) {
    const parts = m.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw configError(`Invalid value ${m} for configuration renames: Invalid rename mapping: ${m}`);
    }
    out.set(parts[0] as string, parts[1] as string);
  }
  return out;
}

class ReplaceField implements Transformation {
  readonly #exclude: Set<string>;
  readonly #include: Set<string>;
  readonly #renames: Map<string, string>;
  readonly #reverse: Map<string, string>;
  readonly #side: Side;
  readonly #replaceNull: boolean;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig, raw: Readonly<Record<string, unknown>>, side: Side) {
    const list = (key: 'exclude' | 'include'): string[] => {
      const legacy = Object.keys(DEPRECATED).find((k) => DEPRECATED[k] === key);
      const legacyValue = legacy === undefined ? undefined : raw[legacy];
      if ((config[key] as string[]).length === 0 && typeof legacyValue === 'string' && legacyValue.trim() !== '') {
        return legacyValue.split(',').map((s) => s.trim());
      }
      return config[key] as string[];
    };
    this.#exclude = new Set(list('exclude'));
    this.#include = new Set(list('include'));
    this.#renames = parseRenames(config['renames'] as string[]);
    this.#reverse = new Map([...this.#renames].map(([a, b]) => [b, a]));
    this.#side = side;
    this.#replaceNull = config['replace.null.with.default'] as boolean;
  }

  #keep(name: string): boolean {
    return !this.#exclude.has(name) && (this.#include.size === 0 || this.#include.has(name));
  }

  #renamed(name: string): string {
    return this.#renames.get(name) ?? name;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#side.schema(record);
    if (schema === null) {
      const out = newMap();
      for (const [k, v] of Object.entries(requireMap(value, 'field replacement'))) if (this.#keep(k)) putField(out, this.#renamed(k), v);
      return this.#side.update(record, null, out);
    }
    const struct = requireStruct(value, 'field replacement');
    const updated = this.#schemas.get(schema, () => {
      const b = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const f of schema.fields ?? []) if (this.#keep(f.name)) b.field(this.#renamed(f.name), f.schema);
      if (schema.optional) b.optional();
      return b.build();
    });
    const out = new Struct(updated);
    for (const f of updated.fields ?? []) out.put(f.name, structGet(struct, this.#reverse.get(f.name) ?? f.name, this.#replaceNull));
    return this.#side.update(record, updated, out);
  }
}

export const replaceFieldPlugins = keyValuePlugins(
  'ReplaceField',
  REPLACE_FIELD_CONFIG,
  (config, side, raw) => new ReplaceField(config, raw, side),
  { acceptedAliasKeys: Object.keys(DEPRECATED) },
);
