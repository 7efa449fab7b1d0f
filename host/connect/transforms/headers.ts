import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { Validators } from '../config/config-def.ts';
import { parseHeaderString } from '../converters/simple-header-converter.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { DataError, configError } from '../errors.ts';
import type { ConnectRecord, Header } from '../record.ts';
import { header, newRecord } from '../record.ts';
import type { Transformation } from './types.ts';
import type { Side } from './util.ts';
import {
  REPLACE_NULL_WITH_DEFAULT,
  copySchemaBasics,
  getField,
  keyValuePlugins,
  newMap,
  putField,
  requireMap,
  requireStruct,
  schemaCache,
  singlePlugin,
  structGet,
} from './util.ts';

export const DROP_HEADERS_CONFIG: ConfigDef = [
  { name: 'headers', type: 'LIST', importance: 'HIGH', validate: Validators.nonEmptyList, documentation: 'The name of the headers to be removed.' },
];

/** DropHeaders: removes every header whose key is listed. */
export const dropHeadersPlugin = singlePlugin('DropHeaders', DROP_HEADERS_CONFIG, (config) => {
  const names = new Set(config['headers'] as string[]);
  return {
    apply: <R extends ConnectRecord>(record: R): R =>
      newRecord(record, { headers: record.headers.filter((h) => !names.has(h.key)) }),
  };
});

export const INSERT_HEADER_CONFIG: ConfigDef = [
  { name: 'header', type: 'STRING', importance: 'HIGH', validate: Validators.nonEmptyString, documentation: 'The name of the header.' },
  { name: 'value.literal', type: 'STRING', importance: 'HIGH', documentation: 'The literal value that is to be set as the header value on all records.' },
];

/** InsertHeader: adds a header whose schema and value are parsed from a literal as SimpleHeaderConverter would. */
export const insertHeaderPlugin = singlePlugin('InsertHeader', INSERT_HEADER_CONFIG, (config) => {
  const key = config['header'] as string;
  const parsed = parseHeaderString(config['value.literal'] as string);
  const h = header(key, parsed.schema, parsed.value);
  return {
    apply: <R extends ConnectRecord>(record: R): R => newRecord(record, { headers: [...record.headers, h] }),
  };
});

export const HEADER_FROM_CONFIG: ConfigDef = [
  { name: 'fields', type: 'LIST', importance: 'HIGH', validate: Validators.nonEmptyList, documentation: 'Field names in the record whose values are to be copied or moved to headers.' },
  { name: 'headers', type: 'LIST', importance: 'HIGH', validate: Validators.nonEmptyList, documentation: 'Header names, in the same order as the field names listed in the fields configuration property.' },
  {
    name: 'operation',
    type: 'STRING',
    importance: 'HIGH',
    validValues: ['move', 'copy'],
    documentation: 'Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value).',
  },
  REPLACE_NULL_WITH_DEFAULT,
];

class HeaderFrom implements Transformation {
  readonly #fields: string[];
  readonly #headers: string[];
  readonly #move: boolean;
  readonly #side: Side;
  readonly #replaceNull: boolean;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig, side: Side) {
    this.#fields = config['fields'] as string[];
    this.#headers = config['headers'] as string[];
    if (this.#fields.length !== this.#headers.length) {
      throw configError(`Invalid value for configuration fields: 'fields' config must have the same number of elements as 'headers' config.`);
    }
    this.#move = config['operation'] === 'move';
    this.#side = side;
    this.#replaceNull = config['replace.null.with.default'] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record);
    const schema = this.#side.schema(record);
    if (value === null || value === undefined) return record;
    const added: Header[] = [];
    if (schema === null) {
      const map = requireMap(value, 'header ' + (this.#move ? 'move' : 'copy'));
      this.#fields.forEach((f, i) => added.push(header(this.#headers[i] ?? f, null, getField(map, f) ?? null)));
      let out: unknown = map;
      if (this.#move) {
        const copy = newMap();
        for (const [k, v] of Object.entries(map)) if (!this.#fields.includes(k)) putField(copy, k, v);
        out = copy;
      }
      return newRecord(this.#side.update(record, null, out), { headers: [...record.headers, ...added] });
    }
    const struct = requireStruct(value, 'header ' + (this.#move ? 'move' : 'copy'));
    this.#fields.forEach((f, i) => {
      const field = schema.fields?.find((x) => x.name === f);
      if (field === undefined) throw new DataError(`Field ${f} not found in value schema`);
      added.push(header(this.#headers[i] ?? f, field.schema, structGet(struct, f, this.#replaceNull)));
    });
    let outSchema = schema;
    let out: Struct = struct;
    if (this.#move) {
      outSchema = this.#schemas.get(schema, () => {
        const b = copySchemaBasics(schema, SchemaBuilder.struct());
        for (const f of schema.fields ?? []) if (!this.#fields.includes(f.name)) b.field(f.name, f.schema);
        if (schema.optional) b.optional();
        return b.build();
      });
      out = new Struct(outSchema);
      for (const f of outSchema.fields ?? []) out.put(f.name, structGet(struct, f.name, this.#replaceNull));
    }
    return newRecord(this.#side.update(record, outSchema, out), { headers: [...record.headers, ...added] });
  }
}

export const headerFromPlugins = keyValuePlugins('HeaderFrom', HEADER_FROM_CONFIG, (config, side) => new HeaderFrom(config, side));
