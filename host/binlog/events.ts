/**
 * The JSON-safe events a BinlogReader delivers. Declared once in sdk/capabilities.ts, which the plugin (inside the
 * isolate) and the host share. Row values: see row-values.ts.
 */
export type { JsonValue } from '../../sdk/records.ts';
export type { BeginEvent, BinlogEvent, BinlogRow, CommitEvent, HeartbeatEvent, QueryEvent, RotateEvent, RowsEvent } from '../../sdk/capabilities.ts';
