import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { Validators } from '../config/config-def.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { DataError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import { FIELD_SYNTAX_VERSION, parseFieldPath } from './field-path.ts';
import type { Transformation } from './types.ts';
import type { Side } from './util.ts';
import {
  REPLACE_NULL_WITH_DEFAULT,
  getField,
  keyValuePlugins,
  newMap,
  putField,
  requireMapOrNull,
  requireStructOrNull,
  schemaCache,
  structGet,
} from './util.ts';

export const EXTRACT_FIELD_CONFIG: ConfigDef = [
  { name: 'field', type: 'STRING', importance: 'MEDIUM', validate: Validators.nonEmptyString, documentation: 'Field name to extract.' },
  REPLACE_NULL_WITH_DEFAULT,
  FIELD_SYNTAX_VERSION,
];

class ExtractField implements Transformation {
  readonly #path: string[];
  readonly #side: Side;
  readonly #replaceNull: boolean;

  constructor(config: ParsedConfig, side: Side) {
    this.#path = parseFieldPath(config['field'] as string, config['field.syntax.version']);
    this.#side = side;
    this.#replaceNull = config['replace.null.with.default'] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#side.schema(record);
    const value = this.#side.value(record);
    if (schema === null) {
      let map = requireMapOrNull(value, 'field extraction');
      let out: unknown = null;
      for (const [i, seg] of this.#path.entries()) {
        if (map === null) break;
        out = getField(map, seg) ?? null;
        if (i < this.#path.length - 1) map = requireMapOrNull(out, 'field extraction');
      }
      return this.#side.update(record, null, map === null ? null : out);
    }
    let s: Schema = schema;
    let struct = requireStructOrNull(value, 'field extraction');
    let out: unknown = null;
    for (const [i, seg] of this.#path.entries()) {
      const field = s.fields?.find((f) => f.name === seg);
      if (field === undefined) throw new DataError(`Unknown field: ${this.#path.join('.')}`);
      out = struct === null ? null : structGet(struct, seg, this.#replaceNull);
      s = field.schema;
      if (i < this.#path.length - 1) struct = requireStructOrNull(out, 'field extraction');
    }
    return this.#side.update(record, s, out);
  }
}

export const extractFieldPlugins = keyValuePlugins('ExtractField', EXTRACT_FIELD_CONFIG, (c, side) => new ExtractField(c, side));

export const HOIST_FIELD_CONFIG: ConfigDef = [
  {
    name: 'field',
    type: 'STRING',
    importance: 'MEDIUM',
    validate: Validators.nonEmptyString,
    documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
  },
];

class HoistField implements Transformation {
  readonly #field: string;
  readonly #side: Side;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig, side: Side) {
    this.#field = config['field'] as string;
    this.#side = side;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#side.schema(record);
    const value = this.#side.value(record);
    if (schema === null) {
      const out = newMap();
      putField(out, this.#field, value);
      return this.#side.update(record, null, out);
    }
    const updated = this.#schemas.get(schema, () => SchemaBuilder.struct().field(this.#field, schema).build());
    return this.#side.update(record, updated, new Struct(updated).put(this.#field, value));
  }
}

export const hoistFieldPlugins = keyValuePlugins('HoistField', HOIST_FIELD_CONFIG, (c, side) => new HoistField(c, side));
