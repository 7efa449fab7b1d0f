/**
 * Connect schemas as plain JSON in Kafka Connect JsonConverter's schema format. Keys are written in the order
 * JsonConverter writes them (type, fields, optional, name, version, parameters, default, field), so serialised events
 * compare byte for byte with Debezium's.
 */
import type { JsonValue } from '@conveyor/sdk';

export type ConnectType = 'int8' | 'int16' | 'int32' | 'int64' | 'float' | 'double' | 'boolean' | 'string' | 'bytes' | 'array' | 'struct';

export interface ConnectSchema {
  type: ConnectType;
  fields?: ConnectField[];
  items?: ConnectSchema;
  optional: boolean;
  name?: string;
  version?: number;
  parameters?: Record<string, string>;
  default?: JsonValue;
}
export type ConnectField = ConnectSchema & { field: string };

export interface SchemaOptions {
  name?: string;
  version?: number;
  parameters?: Record<string, string>;
  default?: JsonValue;
}

export function schema(type: ConnectType, optional: boolean, opts: SchemaOptions = {}): ConnectSchema {
  const s: ConnectSchema = { type, optional };
  if (opts.name !== undefined) s.name = opts.name;
  if (opts.version !== undefined) s.version = opts.version;
  if (opts.parameters !== undefined) s.parameters = opts.parameters;
  if (opts.default !== undefined) s.default = opts.default;
  return s;
}

export function struct(name: string, optional: boolean, fields: ConnectField[], version?: number): ConnectSchema {
  const s: ConnectSchema = { type: 'struct', fields, optional, name };
  if (version !== undefined) s.version = version;
  return s;
}

export function array(items: ConnectSchema, optional: boolean): ConnectSchema {
  return { type: 'array', items, optional };
}

export function field(name: string, s: ConnectSchema): ConnectField {
  return { ...s, field: name };
}

/** A copy with a different optionality, keeping key order. */
export function withOptional(s: ConnectSchema, optional: boolean): ConnectSchema {
  const { field: _f, ...rest } = s as ConnectField;
  return { ...rest, optional };
}
