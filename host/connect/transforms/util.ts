import type { ConfigDef, ConfigKey, ParsedConfig } from '../config/config-def.ts';
import { SchemaBuilder } from '../data/schema.ts';
import { Struct } from '../data/struct.ts';
import type { Schema } from '../data/types.ts';
import { isPlainObject } from '../data/types.ts';
import { describeValue } from '../data/validate.ts';
import { DataError } from '../errors.ts';
import type { ConnectRecord, SinkRecord } from '../record.ts';
import { newRecord } from '../record.ts';
import type { TransformPlugin, Transformation } from './types.ts';
import { TRANSFORMS_PACKAGE, TRANSFORMS_VERSION } from './types.ts';

/** Which half of the record a $Key or $Value transform works on. */
export interface Side {
  readonly which: 'key' | 'value';
  schema(record: ConnectRecord): Schema | null;
  value(record: ConnectRecord): unknown;
  update<R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown): R;
}

export const KEY_SIDE: Side = {
  which: 'key',
  schema: (r) => r.keySchema,
  value: (r) => r.key,
  update: (r, schema, value) => newRecord(r, { keySchema: schema, key: value }),
};

export const VALUE_SIDE: Side = {
  which: 'value',
  schema: (r) => r.valueSchema,
  value: (r) => r.value,
  update: (r, schema, value) => newRecord(r, { valueSchema: schema, value }),
};

export const REPLACE_NULL_WITH_DEFAULT: ConfigKey = {
  name: 'replace.null.with.default',
  type: 'BOOLEAN',
  default: true,
  importance: 'MEDIUM',
  documentation: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
};

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) throw new DataError(`Only Struct objects supported for [${purpose}], found: ${describeValue(value)}`);
  return value;
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

/** A schemaless map value as a plain object (a Map with string keys is accepted and copied). */
export function requireMap(value: unknown, purpose: string): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  if (value instanceof Map && [...(value as Map<unknown, unknown>).keys()].every((k) => typeof k === 'string')) {
    return Object.fromEntries(value as Map<string, unknown>);
  }
  throw new DataError(`Only Map objects supported in absence of schema for [${purpose}], found: ${describeValue(value)}`);
}

export function requireMapOrNull(value: unknown, purpose: string): Record<string, unknown> | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataError(`Schema required for [${purpose}]`);
  return schema;
}

export function isSinkRecord(record: ConnectRecord): record is SinkRecord {
  return 'kafkaOffset' in record;
}

/** A fresh plain object, safe for any key including "__proto__". */
export function newMap(): Record<string, unknown> {
  return Object.create(Object.prototype) as Record<string, unknown>;
}

export function putField(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function getField(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** SchemaUtil.copySchemaBasics: type, name, version, doc and parameters (not optional or default). */
export function copySchemaBasics(source: Schema, builder?: SchemaBuilder): SchemaBuilder {
  let b = builder;
  if (b === undefined) {
    if (source.type === 'ARRAY') b = SchemaBuilder.array(source.valueSchema as Schema);
    else if (source.type === 'MAP') b = SchemaBuilder.map(source.keySchema as Schema, source.valueSchema as Schema);
    else b = new SchemaBuilder(source.type);
  }
  return b.name(source.name).version(source.version).doc(source.doc).parameters(source.parameters);
}

/** Caches a derived schema per source schema object (schemas are immutable). */
export function schemaCache<K extends object>(): { get(key: K, make: () => Schema): Schema } {
  const cache = new WeakMap<K, Schema>();
  return {
    get(key, make) {
      let s = cache.get(key);
      if (s === undefined) {
        s = make();
        cache.set(key, s);
      }
      return s;
    },
  };
}

/** Reads a Struct field honouring replace.null.with.default. */
export function structGet(struct: Struct, name: string, replaceNullWithDefault: boolean): unknown {
  return replaceNullWithDefault ? struct.get(name) : struct.getWithoutDefault(name);
}

/** The Kafka-style pair of plugins Name$Key and Name$Value sharing one config definition. */
export function keyValuePlugins(
  simple: string,
  configDef: ConfigDef,
  factory: (config: ParsedConfig, side: Side, raw: Readonly<Record<string, unknown>>) => Transformation,
  extra: Partial<Pick<TransformPlugin, 'acceptedAliasKeys'>> = {},
): TransformPlugin[] {
  return (['Key', 'Value'] as const).map((suffix) => ({
    className: `${TRANSFORMS_PACKAGE}${simple}$${suffix}`,
    aliases: [`${simple}$${suffix}`],
    version: TRANSFORMS_VERSION,
    configDef,
    ...extra,
    create: (config: ParsedConfig, raw: Readonly<Record<string, unknown>>) =>
      factory(config, suffix === 'Key' ? KEY_SIDE : VALUE_SIDE, raw),
  }));
}

/** A plugin without $Key/$Value variants. */
export function singlePlugin(
  simple: string,
  configDef: ConfigDef,
  factory: (config: ParsedConfig) => Transformation,
): TransformPlugin {
  return {
    className: `${TRANSFORMS_PACKAGE}${simple}`,
    aliases: [simple],
    version: TRANSFORMS_VERSION,
    configDef,
    create: (config: ParsedConfig) => factory(config),
  };
}
