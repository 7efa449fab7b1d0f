/**
 * Offsets in Debezium's MySQL shape: partition {server: prefix}; offset {file, pos, gtids, event, row, server_id,
 * ts_sec, snapshot, snapshot_completed}. file/pos name the BEGIN of the transaction in progress (or the next one);
 * event/row count the row events and rows of it already emitted, so a resume skips exactly those.
 */
import type { BinlogStartSpec, JsonValue, SourceOffset, SourcePartition } from '@conveyor/sdk';
import type { SnapshotMode } from './config.ts';

export interface CdcOffset {
  file: string;
  pos: number;
  /** Completed transactions (MariaDB position or MySQL GTID set); null when the server gave none. */
  gtids: string | null;
  event: number;
  row: number;
  serverId: number;
  tsSec: number;
  /** True while the initial snapshot runs: a restart then snapshots again. */
  snapshot: boolean;
  snapshotCompleted: boolean;
}

export function sourcePartition(prefix: string): SourcePartition {
  return { server: prefix };
}

export function encodeOffset(o: CdcOffset): SourceOffset {
  const out: Record<string, JsonValue> = { file: o.file, pos: o.pos };
  if (o.gtids !== null) out['gtids'] = o.gtids;
  if (o.event > 0) out['event'] = o.event;
  if (o.row > 0) out['row'] = o.row;
  out['server_id'] = o.serverId;
  out['ts_sec'] = o.tsSec;
  if (o.snapshot) out['snapshot'] = true;
  out['snapshot_completed'] = o.snapshotCompleted;
  return out;
}

/** Reads a stored offset, tolerating Debezium's own (e.g. offsets migrated from a Debezium deployment). */
export function decodeOffset(raw: SourceOffset | null): CdcOffset | null {
  if (raw === null) return null;
  const file = raw['file'];
  const pos = raw['pos'];
  if (typeof file !== 'string' || typeof pos !== 'number') throw new Error(`stored offset has no binlog file/pos: ${JSON.stringify(raw)}`);
  const num = (k: string): number => (typeof raw[k] === 'number' ? (raw[k]) : Number(raw[k] ?? 0));
  const snapshot = raw['snapshot'] === true || raw['snapshot'] === 'true';
  return {
    file,
    pos,
    gtids: typeof raw['gtids'] === 'string' && raw['gtids'] !== '' ? raw['gtids'] : null,
    event: num('event'),
    row: num('row'),
    serverId: num('server_id'),
    tsSec: num('ts_sec'),
    snapshot,
    snapshotCompleted: raw['snapshot_completed'] === undefined ? !snapshot : raw['snapshot_completed'] === true,
  };
}

export type StartPlan =
  | { action: 'snapshot'; data: boolean; stream: boolean; reason: string }
  | { action: 'stream'; offset: CdcOffset; rebuildHistory: boolean }
  | { action: 'idle'; reason: string }
  | { action: 'fail'; message: string };

/**
 * What a task does at start, by snapshot.mode, the stored offset and whether the server still has the binlog the
 * offset points at (SHOW BINARY LOGS; gtid_purged).
 */
export function planStart(mode: SnapshotMode, offset: CdcOffset | null, positionAvailable: boolean): StartPlan {
  const unfinished = offset !== null && offset.snapshot && !offset.snapshotCompleted;
  if (mode === 'always') return { action: 'snapshot', data: true, stream: true, reason: 'snapshot.mode=always' };
  if (mode === 'recovery') {
    if (offset === null) return { action: 'fail', message: 'snapshot.mode=recovery rebuilds the schema history for existing offsets, but this connector has none; use snapshot.mode=initial' };
    if (!positionAvailable) return purged(offset);
    return { action: 'stream', offset, rebuildHistory: true };
  }
  if (offset === null || unfinished) {
    const reason = offset === null ? 'no stored offsets' : 'the previous snapshot did not complete';
    if (mode === 'no_data') return { action: 'snapshot', data: false, stream: true, reason };
    return { action: 'snapshot', data: true, stream: mode !== 'initial_only', reason };
  }
  if (mode === 'initial_only') return { action: 'idle', reason: 'snapshot.mode=initial_only and the snapshot is complete' };
  if (!positionAvailable) {
    if (mode === 'when_needed') return { action: 'snapshot', data: true, stream: true, reason: `binlog position ${offset.file}:${offset.pos} is no longer on the server` };
    return purged(offset);
  }
  return { action: 'stream', offset, rebuildHistory: false };
}

function purged(offset: CdcOffset): StartPlan {
  return {
    action: 'fail',
    message:
      `The connector's binlog position ${offset.file}:${offset.pos}${offset.gtids ? ` (GTIDs ${offset.gtids})` : ''} is no longer available on the server (the binlog was purged); ` +
      'events between the last stored offset and now are lost. Set snapshot.mode=when_needed to take a new snapshot, or delete the connector offsets, and raise the server\'s binlog retention (binlog_expire_logs_seconds / expire_logs_days).',
  };
}

/**
 * Where a stream resumes: the GTID position when the offset has one — any server of the replication topology can
 * serve it, so after a failover to a replica the stream resumes where the primary left off (the event/row counts then
 * skip what of the transaction in progress was already emitted) — else the file and position.
 */
export function streamStart(o: CdcOffset): BinlogStartSpec {
  return o.gtids !== null && o.gtids !== '' ? { gtids: o.gtids } : { file: o.file, pos: o.pos };
}

/** Compares binlog positions: files by their numeric suffix, then pos. */
export function comparePositions(a: { file: string; pos: number }, b: { file: string; pos: number }): number {
  const seq = (f: string): number => Number(/(\d+)$/.exec(f)?.[1] ?? 0);
  const byFile = a.file === b.file ? 0 : seq(a.file) - seq(b.file) || a.file.localeCompare(b.file);
  return byFile !== 0 ? byFile : a.pos - b.pos;
}
