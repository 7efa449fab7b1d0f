/**
 * What a record becomes in a table: its primary key columns (from pk.mode) and value columns (the value struct's
 * fields, less those named as key columns, within fields.whitelist), each with the Connect schema that decides its SQL type, and
 * the row's values in column order. Confluent's FieldsMetadata rules and messages.
 */
import type { ConnectField, ConnectSchema, SinkRecord } from '@conveyor/sdk';
import type { JdbcSinkSettings } from './config.ts';

export interface Column {
  readonly name: string;
  readonly schema: ConnectSchema;
  readonly key: boolean;
}

/** The columns of a record's shape; records of one table with the same shape share one multi-row statement. */
export interface RowShape {
  readonly columns: readonly Column[];
  /** Stable text naming the columns and their schemas (a cache and grouping key). */
  readonly signature: string;
}

const KAFKA_PK_DEFAULTS = ['__connect_topic', '__connect_partition', '__connect_offset'] as const;
const KAFKA_PK_SCHEMAS: readonly ConnectSchema[] = [{ type: 'string' }, { type: 'int32' }, { type: 'int64' }];

function coordinates(r: SinkRecord): string {
  return `(topic='${r.topic}',partition=${r.partition},offset=${r.offset},timestamp=${r.timestamp})`;
}

function structFields(schema: ConnectSchema | null | undefined): readonly ConnectField[] | null {
  return schema?.type === 'struct' ? (schema.fields ?? []) : null;
}

function pick(fields: readonly ConnectField[], names: readonly string[], what: string): ConnectField[] {
  if (names.length === 0) return [...fields];
  return names.map((n) => {
    const f = fields.find((x) => x.field === n);
    if (f === undefined) throw new Error(`PK field not in ${what}: ${n}`);
    return f;
  });
}

/** The key columns of a record under pk.mode (empty for none). */
function keyColumns(r: SinkRecord, s: JdbcSinkSettings): Column[] {
  switch (s.pkMode) {
    case 'none':
      return [];
    case 'kafka': {
      const names = s.pkFields.length === 3 ? s.pkFields : KAFKA_PK_DEFAULTS;
      return names.map((name, i) => ({ name, schema: KAFKA_PK_SCHEMAS[i] as ConnectSchema, key: true }));
    }
    case 'record_key': {
      const schema = r.keySchema ?? null;
      if (schema === null) throw new Error(`PK mode for table is RECORD_KEY, but record key schema is missing ${coordinates(r)}`);
      const fields = structFields(schema);
      if (fields === null) {
        if (s.pkFields.length !== 1) throw new Error(`Need exactly one PK column defined since the key schema for records is a primitive type, defined columns are: [${s.pkFields.join(', ')}]`);
        return [{ name: s.pkFields[0] as string, schema: { ...schema, optional: false }, key: true }];
      }
      return pick(fields, s.pkFields, 'record key').map((f) => ({ name: f.field, schema: { ...f, optional: false }, key: true }));
    }
    case 'record_value': {
      const fields = structFields(r.valueSchema);
      if (fields === null) throw new Error(`PK mode for table is RECORD_VALUE, but record value schema is not a struct ${coordinates(r)}`);
      return pick(fields, s.pkFields, 'record value').map((f) => ({ name: f.field, schema: { ...f, optional: false }, key: true }));
    }
  }
}

/** The shape of a record that writes a row (its value is not null). */
export function shapeOf(r: SinkRecord, s: JdbcSinkSettings): RowShape {
  const fields = structFields(r.valueSchema);
  if (fields === null || r.value === null || typeof r.value !== 'object' || Array.isArray(r.value)) {
    throw new Error(`Sink connector is configured with 'delete.enabled=${s.deleteEnabled}' and 'pk.mode=${s.pkMode}' and therefore requires records with a non-null Struct value and non-null Struct schema, but found record at ${coordinates(r)} with a ${r.value === null ? 'null' : 'non-Struct'} value and ${r.valueSchema === null || r.valueSchema === undefined ? 'null' : r.valueSchema.type} value schema.`);
  }
  const keys = keyColumns(r, s);
  const keyNames = new Set(keys.map((k) => k.name));
  const whitelist = s.fieldsWhitelist.length === 0 ? null : new Set(s.fieldsWhitelist);
  const values = fields.filter((f) => !keyNames.has(f.field) && (whitelist === null || whitelist.has(f.field))).map((f) => ({ name: f.field, schema: f, key: false }));
  const columns = [...keys, ...values];
  return { columns, signature: JSON.stringify(columns.map((c) => [c.name, c.key, c.schema.type, c.schema.name ?? null, c.schema.optional ?? false])) };
}

/** The key columns of a tombstone (delete.enabled with pk.mode=record_key). */
export function deleteKeyColumns(r: SinkRecord, s: JdbcSinkSettings): Column[] {
  return keyColumns(r, s);
}

/** A record's value of a column, as the record holds it (before SQL conversion). */
export function rawValue(r: SinkRecord, c: Column, s: JdbcSinkSettings): unknown {
  if (c.key) {
    switch (s.pkMode) {
      case 'kafka':
        return [r.topic, r.partition, r.offsetText ?? r.offset][s.pkFields.length === 3 ? s.pkFields.indexOf(c.name) : KAFKA_PK_DEFAULTS.indexOf(c.name as (typeof KAFKA_PK_DEFAULTS)[number])];
      case 'record_key':
        return structFields(r.keySchema) === null ? r.key : (r.key as Record<string, unknown> | null)?.[c.name];
      default:
        return (r.value as Record<string, unknown> | null)?.[c.name];
    }
  }
  return (r.value as Record<string, unknown>)[c.name];
}
