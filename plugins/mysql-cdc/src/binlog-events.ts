/**
 * The JSON-safe binlog events the host's reader (host/binlog/reader.ts) delivers, one union per event kind.
 * Positions: `pos` is where the event starts, `nextPos` where the next one starts, `txFile`/`txPos` where the
 * transaction the event belongs to began (its GTID or BEGIN event). Row values follow types/values.ts.
 * host/binlog/events.ts declares the same shapes; a unit test keeps the two assignable both ways.
 */
import type { JsonValue } from '../../../sdk/records.ts';

export type BinlogRow = Record<string, JsonValue>;

interface Positioned {
  file: string;
  pos: number;
  nextPos: number;
  /** Milliseconds since the epoch (the binlog stores seconds). */
  timestamp: number;
  serverId: number;
  /** The transaction's GTID: 'domain-server-seq' (MariaDB) or 'uuid:n' (MySQL); null when unknown. */
  gtid: string | null;
}

export interface RotateEvent {
  kind: 'rotate';
  file: string;
  pos: number;
}
export interface BeginEvent extends Positioned {
  kind: 'begin';
}
export interface RowsEvent extends Positioned {
  kind: 'rows';
  op: 'insert' | 'update' | 'delete';
  db: string;
  table: string;
  tableId: number;
  txFile: string;
  txPos: number;
  rows: { before: BinlogRow | null; after: BinlogRow | null }[];
  /** The statement behind the rows (MariaDB annotate rows / MySQL rows query events), when requested. */
  query: string | null;
  thread: number | null;
}
export interface CommitEvent extends Positioned {
  kind: 'commit';
}
/** A statement outside a row transaction: DDL and the like. It is its own transaction (no commit follows). */
export interface QueryEvent extends Positioned {
  kind: 'query';
  db: string;
  sql: string;
  thread: number | null;
}
export interface HeartbeatEvent {
  kind: 'heartbeat';
  file: string;
  pos: number;
}

export type BinlogEvent = RotateEvent | BeginEvent | RowsEvent | CommitEvent | QueryEvent | HeartbeatEvent;
