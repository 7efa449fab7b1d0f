import { DataError } from '../errors.ts';
import type { Field, Schema, StructLike } from './types.ts';
import { validateValue } from './validate.ts';
import { javaString } from './to-string.ts';

/** A STRUCT value: a schema and one slot per field (org.apache.kafka.connect.data.Struct). */
export class Struct implements StructLike {
  readonly connectStruct = true as const;
  readonly schema: Schema;
  readonly #values: unknown[];

  constructor(schema: Schema) {
    if (schema.type !== 'STRUCT' || schema.fields === null) {
      throw new DataError(`Not a struct schema: ${schema.type}`);
    }
    this.schema = schema;
    this.#values = schema.fields.map(() => null);
  }

  #field(name: string): Field {
    const f = this.schema.fields?.find((x) => x.name === name);
    if (f === undefined) throw new DataError(`${name} is not a valid field name`);
    return f;
  }

  /** The field's value, or its schema default when the value is null (Struct.get). */
  get(name: string): unknown {
    const f = this.#field(name);
    const v = this.#values[f.index] ?? null;
    return v === null ? f.schema.defaultValue : v;
  }

  getWithoutDefault(name: string): unknown {
    return this.#values[this.#field(name).index] ?? null;
  }

  /** Sets a field after checking the value against the field's schema. */
  put(name: string, value: unknown): this {
    const f = this.#field(name);
    validateValue(f.schema, value, f.name);
    this.#values[f.index] = value ?? null;
    return this;
  }

  /** Sets several fields from a plain object. */
  putAll(values: Readonly<Record<string, unknown>>): this {
    for (const [k, v] of Object.entries(values)) this.put(k, v);
    return this;
  }

  /** Throws unless every required field without a default has a value. */
  validate(): void {
    for (const f of this.schema.fields ?? []) validateValue(f.schema, this.#values[f.index] ?? null, f.name);
  }

  /** Kafka's format: Struct{a=1,b=x}, null fields left out. */
  toString(): string {
    const parts: string[] = [];
    for (const f of this.schema.fields ?? []) {
      const v = this.#values[f.index] ?? null;
      if (v !== null) parts.push(`${f.name}=${javaString(v)}`);
    }
    return `Struct{${parts.join(',')}}`;
  }

  /** A plain object of the field values (defaults not applied), for logging and tests. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.schema.fields ?? []) out[f.name] = this.#values[f.index] ?? null;
    return out;
  }
}

export function isStruct(value: unknown): value is Struct {
  return value instanceof Struct;
}
