import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { isPlainObject } from '../data/types.ts';
import { DataError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import type { Transformation } from './types.ts';
import type { Side } from './util.ts';
import { copySchemaBasics, keyValuePlugins, newMap, putField, requireMapOrNull, requireStructOrNull, schemaCache } from './util.ts';

export const FLATTEN_CONFIG: ConfigDef = [
  { name: 'delimiter', type: 'STRING', default: '.', importance: 'MEDIUM', documentation: 'Delimiter to insert between field names from the input record when generating field names for the output record' },
];

class Flatten implements Transformation {
  readonly #delimiter: string;
  readonly #side: Side;
  readonly #schemas = schemaCache<Schema>();

  constructor(config: ParsedConfig, side: Side) {
    this.#delimiter = config['delimiter'] as string;
    this.#side = side;
  }

  #name(prefix: string, name: string): string {
    return prefix === '' ? name : prefix + this.#delimiter + name;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#side.schema(record);
    const value = this.#side.value(record);
    if (schema === null) {
      const map = requireMapOrNull(value, 'flattening');
      if (map === null) return record;
      const out = newMap();
      this.#flattenMap(map, '', out);
      return this.#side.update(record, null, out);
    }
    const struct = requireStructOrNull(value, 'flattening');
    const flat = this.#schemas.get(schema, () => {
      const b = copySchemaBasics(schema, SchemaBuilder.struct());
      this.#flattenSchema(schema, '', b, schema.optional);
      if (schema.optional) b.optional();
      return b.build();
    });
    if (struct === null) return this.#side.update(record, flat, null);
    const out = new Struct(flat);
    this.#flattenStruct(schema, struct, '', out);
    return this.#side.update(record, flat, out);
  }

  #flattenMap(map: Record<string, unknown>, prefix: string, out: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(map)) {
      const name = this.#name(prefix, k);
      if (isPlainObject(v) || v instanceof Map) this.#flattenMap(requireMapOrNull(v, 'flattening') ?? {}, name, out);
      else if (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date)) {
        throw new DataError(`Flatten transformation does not support ${v.constructor.name} for record without schemas (for field ${name}).`);
      } else putField(out, name, v ?? null);
    }
  }

  #flattenSchema(schema: Schema, prefix: string, b: SchemaBuilder, optional: boolean): void {
    for (const f of schema.fields ?? []) {
      const name = this.#name(prefix, f.name);
      const fieldOptional = optional || f.schema.optional;
      if (f.schema.type === 'STRUCT') {
        this.#flattenSchema(f.schema, name, b, fieldOptional);
        continue;
      }
      const fb = copySchemaBasics(f.schema);
      if (fieldOptional) fb.optional();
      if (f.schema.defaultValue !== null) fb.defaultValue(f.schema.defaultValue);
      b.field(name, fb.build());
    }
  }

  #flattenStruct(schema: Schema, struct: Struct | null, prefix: string, out: Struct): void {
    for (const f of schema.fields ?? []) {
      const name = this.#name(prefix, f.name);
      const v = struct === null ? null : struct.get(f.name);
      if (f.schema.type === 'STRUCT') this.#flattenStruct(f.schema, v as Struct | null, name, out);
      else out.put(name, v);
    }
  }
}

export const flattenPlugins = keyValuePlugins('Flatten', FLATTEN_CONFIG, (c, side) => new Flatten(c, side));
