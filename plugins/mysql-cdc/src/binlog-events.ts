/**
 * The binlog events the host's reader (host/binlog/reader.ts) delivers through the mysql capability, declared once in
 * sdk/capabilities.ts. Row values follow types/values.ts.
 */
export type { BeginEvent, BinlogEvent, BinlogRow, CommitEvent, HeartbeatEvent, QueryEvent, RotateEvent, RowsEvent } from '@conveyor/sdk';
