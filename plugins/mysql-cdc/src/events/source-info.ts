/** The `source` block of every event: io.debezium.connector.{mysql,mariadb}.Source, its schema and its value. */
import type { JsonValue } from '@conveyor/sdk';
import { field, schema, struct } from '../types/connect.ts';
import type { ConnectSchema } from '../types/connect.ts';
import { FLAVOURS } from './flavour.ts';
import type { Flavour, FlavourName } from './flavour.ts';
export const SNAPSHOT_MARKERS = ['true', 'first', 'first_in_data_collection', 'last_in_data_collection', 'last', 'false', 'incremental'] as const;
export type SnapshotMarker = (typeof SNAPSHOT_MARKERS)[number];

const sourceSchemaOf = (f: Flavour): ConnectSchema => struct(`${f.namespace}.Source`, false, [
  field('version', schema('string', false)),
  field('connector', schema('string', false)),
  field('name', schema('string', false)),
  field('ts_ms', schema('int64', false)),
  field('snapshot', schema('string', true, { name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: SNAPSHOT_MARKERS.join(',') }, default: 'false' })),
  field('db', schema('string', false)),
  field('sequence', schema('string', true)),
  field('ts_us', schema('int64', true)),
  field('ts_ns', schema('int64', true)),
  field('table', schema('string', true)),
  field('server_id', schema('int64', false)),
  field('gtid', schema('string', true)),
  field('file', schema('string', false)),
  field('pos', schema('int64', false)),
  field('row', schema('int32', false)),
  field('thread', schema('int64', true)),
  field('query', schema('string', true)),
], f.schemaVersion);

const SOURCE_SCHEMAS: Readonly<Record<FlavourName, ConnectSchema>> = { mysql: sourceSchemaOf(FLAVOURS.mysql), mariadb: sourceSchemaOf(FLAVOURS.mariadb) };

export function sourceSchema(f: Flavour): ConnectSchema {
  return SOURCE_SCHEMAS[f.connector];
}

export interface SourceInfo {
  flavour: Flavour;
  /** topic.prefix */
  name: string;
  /** When the change happened in the database (binlog event time; snapshot: when the row was read). */
  tsMs: number;
  snapshot: SnapshotMarker;
  db: string;
  table: string | null;
  serverId: number;
  gtid: string | null;
  file: string;
  pos: number;
  row: number;
  thread: number | null;
  query: string | null;
}

/**
 * Microseconds of a millisecond time: below 2^53 until the year 2255, so a plain number.
 */
export const micros = (ms: number): number => Math.trunc(ms) * 1000;

/**
 * Nanoseconds of a millisecond time. They exceed 2^53, where a double is up to 128 ns off, so the value is the exact
 * decimal string; the host reads a digit string under an int64 schema as that int64 (JsonConverter writes it as a
 * bare number, as Debezium's long).
 */
export const nanos = (ms: number): string => (BigInt(Math.trunc(ms)) * 1_000_000n).toString();

export function sourceValue(s: SourceInfo): JsonValue {
  return {
    version: s.flavour.version,
    connector: s.flavour.connector,
    name: s.name,
    ts_ms: s.tsMs,
    snapshot: s.snapshot,
    db: s.db,
    sequence: null,
    ts_us: micros(s.tsMs),
    ts_ns: nanos(s.tsMs),
    table: s.table,
    server_id: s.serverId,
    gtid: s.gtid,
    file: s.file,
    pos: s.pos,
    row: s.row,
    thread: s.thread,
    query: s.query,
  };
}
