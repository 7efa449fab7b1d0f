import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { Validators } from '../config/config-def.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { DataError, configError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import { newRecord } from '../record.ts';
import type { Transformation } from './types.ts';
import type { Side } from './util.ts';
import {
  REPLACE_NULL_WITH_DEFAULT,
  getField,
  keyValuePlugins,
  newMap,
  putField,
  requireMap,
  requireSchema,
  requireStruct,
  schemaCache,
  singlePlugin,
  structGet,
} from './util.ts';

export const SET_SCHEMA_METADATA_CONFIG: ConfigDef = [
  { name: 'schema.name', type: 'STRING', default: null, importance: 'HIGH', documentation: 'Schema name to set.' },
  { name: 'schema.version', type: 'INT', default: null, importance: 'HIGH', documentation: 'Schema version to set.' },
  REPLACE_NULL_WITH_DEFAULT,
];

class SetSchemaMetadata implements Transformation {
  readonly #name: string | null;
  readonly #version: number | null;
  readonly #side: Side;
  readonly #replaceNull: boolean;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig, side: Side) {
    this.#name = config['schema.name'] as string | null;
    this.#version = config['schema.version'] as number | null;
    if (this.#name === null && this.#version === null) {
      throw configError('Neither schema name nor version configured: set "schema.name" or "schema.version"');
    }
    this.#side = side;
    this.#replaceNull = config['replace.null.with.default'] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = requireSchema(this.#side.schema(record), 'updating schema metadata');
    const updated = this.#schemas.get(schema, () => {
      const b = SchemaBuilder.from(schema);
      if (this.#name !== null) b.name(this.#name);
      if (this.#version !== null) b.version(this.#version);
      return b.build();
    });
    const value = this.#side.value(record);
    if (!(value instanceof Struct)) return this.#side.update(record, updated, value);
    const out = new Struct(updated);
    for (const f of updated.fields ?? []) out.put(f.name, structGet(value, f.name, this.#replaceNull));
    return this.#side.update(record, updated, out);
  }
}

export const setSchemaMetadataPlugins = keyValuePlugins('SetSchemaMetadata', SET_SCHEMA_METADATA_CONFIG, (c, side) => new SetSchemaMetadata(c, side));

export const VALUE_TO_KEY_CONFIG: ConfigDef = [
  { name: 'fields', type: 'LIST', importance: 'HIGH', validate: Validators.nonEmptyList, documentation: 'Field names on the record value to extract as the record key.' },
  REPLACE_NULL_WITH_DEFAULT,
];

/** ValueToKey: the key becomes a struct (or map) of the listed value fields. */
export const valueToKeyPlugin = singlePlugin('ValueToKey', VALUE_TO_KEY_CONFIG, (config) => {
  const fields = config['fields'] as string[];
  const replaceNull = config['replace.null.with.default'] as boolean;
  const schemas = schemaCache<Schema>();
  return {
    apply: <R extends ConnectRecord>(record: R): R => {
      if (record.valueSchema === null) {
        const map = requireMap(record.value, 'copying fields from value to key');
        const key = newMap();
        for (const f of fields) putField(key, f, getField(map, f) ?? null);
        return newRecord(record, { keySchema: null, key });
      }
      const valueSchema = record.valueSchema;
      const struct = requireStruct(record.value, 'copying fields from value to key');
      const keySchema = schemas.get(valueSchema, () => {
        const b = SchemaBuilder.struct();
        for (const f of fields) {
          const field = valueSchema.fields?.find((x) => x.name === f);
          if (field === undefined) throw new DataError(`Field does not exist: ${f}`);
          b.field(f, field.schema);
        }
        return b.build();
      });
      const key = new Struct(keySchema);
      for (const f of fields) key.put(f, structGet(struct, f, replaceNull));
      return newRecord(record, { keySchema, key });
    },
  };
});
