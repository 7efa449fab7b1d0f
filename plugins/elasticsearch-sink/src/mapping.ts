/**
 * Elasticsearch mappings from Connect schemas (Confluent's Mapping.inferMapping): int8/16/32/64 → byte, short,
 * integer, long; float32/64 → float, double; boolean; string → text with a keyword subfield (ignore_above 256);
 * bytes → binary; Decimal → double; Date/Timestamp (Connect's and Debezium's, ZonedTimestamp too) → date;
 * times of day → date with an hour:minute:second[.fraction] format, matching what convert.ts writes; structs →
 * properties; arrays → their element's mapping; maps → an object (compact string-keyed maps) or
 * {key, value} properties. Primitive defaults become null_value (not for text or binary, which lack it).
 */
import type { JsonValue } from '@conveyor/sdk';
import { LogicalName, baseType } from './connect-schema.ts';
import type { ConnectSchema } from './connect-schema.ts';
import { convertValue } from './convert.ts';
import { dataError } from './errors.ts';

export type Mapping = { [key: string]: JsonValue };

const PRIMITIVE: Record<string, string> = {
  int8: 'byte',
  int16: 'short',
  int32: 'integer',
  int64: 'long',
  float32: 'float',
  float64: 'double',
  boolean: 'boolean',
  string: 'text',
  bytes: 'binary',
};

const DATE_NAMES = new Set<string>([
  LogicalName.date,
  LogicalName.timestamp,
  LogicalName.dbzDate,
  LogicalName.dbzTimestamp,
  LogicalName.dbzMicroTimestamp,
  LogicalName.dbzNanoTimestamp,
  LogicalName.dbzZonedTimestamp,
]);
const TIME_NAMES = new Set<string>([LogicalName.time, LogicalName.dbzTime, LogicalName.dbzMicroTime, LogicalName.dbzNanoTime]);
const TIME_FORMAT = 'strict_hour_minute_second_fraction||strict_hour_minute_second';

/** The mapping body for an index whose documents follow `valueSchema` (a struct): {"properties": {...}}. */
export function buildIndexMapping(valueSchema: ConnectSchema, options: { compactMapEntries: boolean; dataStream?: boolean }): Mapping {
  if (baseType(valueSchema) !== 'struct') throw dataError(`Cannot infer a mapping from a ${valueSchema.type} schema; documents need a struct value schema (or set schema.ignore=true)`);
  const mapping = fieldMapping(valueSchema, options.compactMapEntries);
  if (options.dataStream === true) (mapping['properties'] as Mapping)['@timestamp'] = { type: 'date' };
  return mapping;
}

export function fieldMapping(schema: ConnectSchema, compact: boolean): Mapping {
  const name = schema.name ?? '';
  if (DATE_NAMES.has(name)) return withNull({ type: 'date' }, schema, compact);
  if (TIME_NAMES.has(name)) return withNull({ type: 'date', format: TIME_FORMAT }, schema, compact);
  if (name === LogicalName.decimal || name === LogicalName.dbzVariableScaleDecimal) return withNull({ type: 'double' }, schema, compact);
  const type = baseType(schema);
  switch (type) {
    case 'struct': {
      const properties: Mapping = {};
      for (const f of schema.fields ?? []) properties[f.field] = fieldMapping(f, compact);
      return { properties };
    }
    case 'array':
      if (schema.items === undefined) throw dataError('array schema without items');
      return fieldMapping(schema.items, compact);
    case 'map': {
      if (schema.keys === undefined || schema.values === undefined) throw dataError('map schema without keys or values');
      if (compact && baseType(schema.keys) === 'string') return { type: 'object' };
      return { properties: { key: fieldMapping(schema.keys, compact), value: fieldMapping(schema.values, compact) } };
    }
    default: {
      const esType = PRIMITIVE[type];
      if (esType === undefined) throw dataError(`no Elasticsearch type for Connect type ${type}`);
      if (esType === 'text') return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
      return withNull({ type: esType }, schema, compact);
    }
  }
}

function withNull(mapping: Mapping, schema: ConnectSchema, compact: boolean): Mapping {
  if (schema.default === undefined || schema.default === null || mapping['type'] === 'binary') return mapping;
  return { ...mapping, null_value: convertValue(schema.default, schema, { compactMapEntries: compact }, '') };
}
