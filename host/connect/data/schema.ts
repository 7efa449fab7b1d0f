import { DataError } from '../errors.ts';

import type { Field, Schema, SchemaType } from './types.ts';
import { validateValue } from './validate.ts';

export type { Field, Schema, SchemaType } from './types.ts';
export { SCHEMA_TYPES, isPrimitiveType, isSchemaType } from './types.ts';

export function schemaField(schema: Schema, name: string): Field | undefined {
  return schema.fields?.find((f) => f.name === name);
}

/** Mutable builder mirroring org.apache.kafka.connect.data.SchemaBuilder; each attribute may be set once. */
export class SchemaBuilder {
  readonly type: SchemaType;
  #optional = false;
  #defaultValue: unknown = null;
  #name: string | null = null;
  #version: number | null = null;
  #doc: string | null = null;
  #parameters: Record<string, string> | null = null;
  #keySchema: Schema | null = null;
  #valueSchema: Schema | null = null;
  #fields: Field[] | null = null;

  constructor(type: SchemaType) {
    this.type = type;
    if (type === 'STRUCT') this.#fields = [];
  }

  static int8(): SchemaBuilder { return new SchemaBuilder('INT8'); }
  static int16(): SchemaBuilder { return new SchemaBuilder('INT16'); }
  static int32(): SchemaBuilder { return new SchemaBuilder('INT32'); }
  static int64(): SchemaBuilder { return new SchemaBuilder('INT64'); }
  static float32(): SchemaBuilder { return new SchemaBuilder('FLOAT32'); }
  static float64(): SchemaBuilder { return new SchemaBuilder('FLOAT64'); }
  static bool(): SchemaBuilder { return new SchemaBuilder('BOOLEAN'); }
  static string(): SchemaBuilder { return new SchemaBuilder('STRING'); }
  static bytes(): SchemaBuilder { return new SchemaBuilder('BYTES'); }
  static struct(): SchemaBuilder { return new SchemaBuilder('STRUCT'); }

  static array(valueSchema: Schema): SchemaBuilder {
    const b = new SchemaBuilder('ARRAY');
    b.#valueSchema = valueSchema;
    return b;
  }

  static map(keySchema: Schema, valueSchema: Schema): SchemaBuilder {
    const b = new SchemaBuilder('MAP');
    b.#keySchema = keySchema;
    b.#valueSchema = valueSchema;
    return b;
  }

  static type(type: SchemaType): SchemaBuilder {
    if (type === 'ARRAY' || type === 'MAP') throw new DataError(`Use SchemaBuilder.array/map to build a ${type} schema`);
    return new SchemaBuilder(type);
  }

  /** A builder holding every attribute of `schema` (fields included), to adjust and rebuild. */
  static from(schema: Schema): SchemaBuilder {
    const b = new SchemaBuilder(schema.type);
    b.#optional = schema.optional;
    b.#defaultValue = schema.defaultValue;
    b.#name = schema.name;
    b.#version = schema.version;
    b.#doc = schema.doc;
    b.#parameters = schema.parameters === null ? null : { ...schema.parameters };
    b.#keySchema = schema.keySchema;
    b.#valueSchema = schema.valueSchema;
    b.#fields = schema.fields === null ? null : [...schema.fields];
    return b;
  }

  optional(): this {
    this.#optional = true;
    return this;
  }

  required(): this {
    this.#optional = false;
    return this;
  }

  isOptional(): boolean {
    return this.#optional;
  }

  name(name: string | null): this {
    this.#name = name;
    return this;
  }

  version(version: number | null): this {
    this.#version = version;
    return this;
  }

  doc(doc: string | null): this {
    this.#doc = doc;
    return this;
  }

  parameter(key: string, value: string): this {
    this.#parameters ??= {};
    this.#parameters[key] = value;
    return this;
  }

  parameters(params: Readonly<Record<string, string>> | null): this {
    if (params === null) return this;
    for (const [k, v] of Object.entries(params)) this.parameter(k, v);
    return this;
  }

  /** Sets the default; it is checked against this schema at build(). */
  defaultValue(value: unknown): this {
    this.#defaultValue = value ?? null;
    return this;
  }

  field(name: string, schema: Schema): this {
    if (this.#fields === null) throw new DataError(`Cannot add a field to a non-struct schema (${this.type})`);
    if (name.length === 0) throw new DataError('Field name cannot be empty');
    if (this.#fields.some((f) => f.name === name)) throw new DataError(`Cannot create field because of field name duplication ${name}`);
    this.#fields.push(Object.freeze({ name, index: this.#fields.length, schema }));
    return this;
  }

  /** Fields added so far (STRUCT builders only). */
  fieldList(): readonly Field[] {
    return this.#fields ?? [];
  }

  build(): Schema {
    const schema: Schema = Object.freeze({
      type: this.type,
      optional: this.#optional,
      defaultValue: this.#defaultValue,
      name: this.#name,
      version: this.#version,
      doc: this.#doc,
      parameters: this.#parameters === null ? null : Object.freeze({ ...this.#parameters }),
      keySchema: this.#keySchema,
      valueSchema: this.#valueSchema,
      fields: this.#fields === null ? null : Object.freeze([...this.#fields]),
    });
    if (schema.defaultValue !== null) {
      try {
        validateValue(schema, schema.defaultValue);
      } catch (err) {
        throw new DataError(`Invalid default value for ${describeSchema(schema)}: ${(err as Error).message}`, { cause: err });
      }
    }
    return schema;
  }
}

function primitive(type: SchemaType, optional: boolean): Schema {
  const b = new SchemaBuilder(type);
  if (optional) b.optional();
  return b.build();
}

/** The predefined schemas of org.apache.kafka.connect.data.Schema. */
export const Schemas = Object.freeze({
  INT8: primitive('INT8', false),
  INT16: primitive('INT16', false),
  INT32: primitive('INT32', false),
  INT64: primitive('INT64', false),
  FLOAT32: primitive('FLOAT32', false),
  FLOAT64: primitive('FLOAT64', false),
  BOOLEAN: primitive('BOOLEAN', false),
  STRING: primitive('STRING', false),
  BYTES: primitive('BYTES', false),
  OPTIONAL_INT8: primitive('INT8', true),
  OPTIONAL_INT16: primitive('INT16', true),
  OPTIONAL_INT32: primitive('INT32', true),
  OPTIONAL_INT64: primitive('INT64', true),
  OPTIONAL_FLOAT32: primitive('FLOAT32', true),
  OPTIONAL_FLOAT64: primitive('FLOAT64', true),
  OPTIONAL_BOOLEAN: primitive('BOOLEAN', true),
  OPTIONAL_STRING: primitive('STRING', true),
  OPTIONAL_BYTES: primitive('BYTES', true),
});

/** The optional schema of a primitive type. */
export function optionalSchemaOf(type: SchemaType): Schema {
  return primitive(type, true);
}

/** A short description for error messages, e.g. Schema{org.apache.kafka.connect.data.Decimal:BYTES}. */
export function describeSchema(schema: Schema | null): string {
  if (schema === null) return 'null';
  return schema.name === null ? `Schema{${schema.type}}` : `Schema{${schema.name}:${schema.type}}`;
}
