/** The `source` block of every event: io.debezium.connector.mysql.Source, its schema and its value. */
import type { JsonValue } from '../../../../sdk/records.ts';
import { field, schema, struct } from '../types/connect.ts';
import type { ConnectSchema } from '../types/connect.ts';

export const CONNECTOR_NAME = 'mysql';
/** source.version: the Debezium release whose event format this connector reproduces. */
export const DEBEZIUM_COMPAT_VERSION = '3.0.0.Final';
export const SNAPSHOT_MARKERS = ['true', 'first', 'first_in_data_collection', 'last_in_data_collection', 'last', 'false', 'incremental'] as const;
export type SnapshotMarker = (typeof SNAPSHOT_MARKERS)[number];

export const SOURCE_SCHEMA: ConnectSchema = struct('io.debezium.connector.mysql.Source', false, [
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
]);

export interface SourceInfo {
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
 * ts_ns exceeds 2^53 but is a millisecond count times 10^6: as a JS number it serialises to exactly those digits
 * (the shortest round-trip form of the nearest double), which the host's JsonConverter reads back as an exact int64.
 * A decimal string would fail the host's INT64 check.
 */
export const nanos = (ms: number): number => Math.trunc(ms) * 1_000_000;

export function sourceValue(s: SourceInfo): JsonValue {
  return {
    version: DEBEZIUM_COMPAT_VERSION,
    connector: CONNECTOR_NAME,
    name: s.name,
    ts_ms: s.tsMs,
    snapshot: s.snapshot,
    db: s.db,
    sequence: null,
    ts_us: s.tsMs * 1000,
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
