/**
 * Per-table event schemas built from a TableDef: the key struct (primary-key columns), the value struct (all captured
 * columns), the envelope, and the converters that turn a host row into the value struct.
 */
import type { JsonValue } from '@conveyor/sdk';
import type { TableDef } from '../schema/table.ts';
import { field, schema, struct, withOptional } from '../types/connect.ts';
import type { ConnectField, ConnectSchema } from '../types/connect.ts';
import { columnDefault } from '../types/defaults.ts';
import { mapColumn } from '../types/mapping.ts';
import type { TypeModes, ValueKind } from '../types/mapping.ts';
import { convertValue } from '../types/values.ts';
import type { ColumnDef } from '../schema/table.ts';
import { FLAVOURS } from './flavour.ts';
import type { Flavour, FlavourName } from './flavour.ts';
import { sourceSchema } from './source-info.ts';

export type HostRow = Record<string, JsonValue>;

interface BoundColumn {
  col: ColumnDef;
  kind: ValueKind;
}

export interface TableSchema {
  db: string;
  table: string;
  topic: string;
  /** Null when the table has no primary key: events then have a null key. */
  keySchema: ConnectSchema | null;
  valueSchema: ConnectSchema;
  envelopeSchema: ConnectSchema;
  key(row: HostRow): JsonValue;
  /** `snapshot`: the row was read by the snapshot query (see convertValue). */
  value(row: HostRow, snapshot?: boolean): JsonValue;
  /** Whether an update changes the primary key (Debezium then emits a delete and a create). */
  keyChanged(before: HostRow, after: HostRow): boolean;
}

/** Topic names allow letters, digits, '.', '_' and '-'; Debezium replaces anything else with '_'. */
export function topicName(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_')).join('.');
}

const TRANSACTION_SCHEMA: ConnectSchema = struct('event.block', true, [
  field('id', schema('string', false)),
  field('total_order', schema('int64', false)),
  field('data_collection_order', schema('int64', false)),
], 1);

export function envelopeSchema(name: string, valueSchema: ConnectSchema, flavour: Flavour = FLAVOURS.mysql): ConnectSchema {
  const optionalValue = withOptional(valueSchema, true);
  return struct(`${name}.Envelope`, false, [
    field('before', optionalValue),
    field('after', optionalValue),
    field('source', sourceSchema(flavour)),
    field('transaction', TRANSACTION_SCHEMA),
    field('op', schema('string', false)),
    field('ts_ms', schema('int64', true)),
    field('ts_us', schema('int64', true)),
    field('ts_ns', schema('int64', true)),
  ], 2);
}

/** The schema with a `default` (after name, version and parameters, where JsonConverter writes it). */
function withDefault(s: ConnectSchema, value: JsonValue | undefined): ConnectSchema {
  return value === undefined ? s : { ...s, default: value };
}

function rowValue(columns: BoundColumn[], row: HostRow, snapshot = false): JsonValue {
  const out: Record<string, JsonValue> = {};
  for (const { col, kind } of columns) out[col.name] = convertValue(col, kind, row[col.name], snapshot);
  return out;
}

export function buildTableSchema(
  prefix: string,
  def: TableDef,
  modes: TypeModes & { readonly flavour?: FlavourName },
  includeColumn: (column: string) => boolean = () => true,
): TableSchema {
  const name = topicName(prefix, def.db, def.name);
  const pk = new Set(def.primaryKey.map((k) => k.toLowerCase()));
  const bound: BoundColumn[] = [];
  const valueFields: ConnectField[] = [];
  for (const col of def.columns) {
    if (!includeColumn(col.name)) continue;
    const m = mapColumn(col, modes);
    bound.push({ col, kind: m.kind });
    valueFields.push(field(col.name, withDefault(m.schema, columnDefault(col, m.kind))));
  }
  const keyColumns = def.columns
    .filter((c) => pk.has(c.name.toLowerCase()))
    .map((col) => ({ col: { ...col, optional: false }, kind: mapColumn({ ...col, optional: false }, modes).kind }));
  const keySchema =
    keyColumns.length === 0 ? null : struct(`${name}.Key`, false, keyColumns.map(({ col, kind }) => field(col.name, withDefault(mapColumn(col, modes).schema, columnDefault(col, kind)))));
  const valueSchema = struct(`${name}.Value`, false, valueFields);
  return {
    db: def.db,
    table: def.name,
    topic: name,
    keySchema,
    valueSchema,
    envelopeSchema: envelopeSchema(name, valueSchema, FLAVOURS[modes.flavour ?? 'mysql']),
    key: (row) => (keySchema === null ? null : rowValue(keyColumns, row)),
    keyChanged: (before, after) => keySchema !== null && JSON.stringify(rowValue(keyColumns, before)) !== JSON.stringify(rowValue(keyColumns, after)),
    value: (row, snapshot) => rowValue(bound, row, snapshot),
  };
}
