/**
 * The JSON-safe events a BinlogReader delivers. The same shapes are declared inside the plugin
 * (plugins/mysql-cdc/src/binlog-events.ts), which cannot import host code; a unit test keeps them in step.
 * Row values: see row-values.ts.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type BinlogRow = Record<string, JsonValue>;

interface Positioned {
  file: string;
  /** Where the event starts; nextPos is where the next one starts. */
  pos: number;
  nextPos: number;
  /** Milliseconds since the epoch (second resolution: the binlog header holds seconds). */
  timestamp: number;
  serverId: number;
  /** The transaction's GTID ('domain-server-seq' on MariaDB, 'uuid:n' on MySQL), null when the server has none. */
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
  /** Where the enclosing transaction began (its GTID/BEGIN event): the resume point for this event. */
  txFile: string;
  txPos: number;
  rows: { before: BinlogRow | null; after: BinlogRow | null }[];
  query: string | null;
  thread: number | null;
}
export interface CommitEvent extends Positioned {
  kind: 'commit';
}
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
