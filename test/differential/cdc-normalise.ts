/**
 * What must differ between Debezium's records and Conveyor's for the same statements, rewritten to the same text
 * before comparing: each side's topic prefix and the run's database name (back to `{prefix}`, `{db}`), the times
 * each connector read or wrote something (envelope and schema-change `ts_*`, a snapshot's `source.ts_*`, history
 * `ts_ms`; not a transaction event's, which is the binlog's), the binlog position a snapshot was taken at (`source.file/pos/gtid`, a snapshot history record's
 * `position`) and the run id header. Streamed events keep their source block: both connectors read the same binlog
 * events, so file, position, GTID, server id, thread and event time must agree.
 */
import { unfill } from './normalise.ts';
import type { Vars } from './normalise.ts';
import type { TopicRecord } from './cdc-topics.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const TIME = '<time>';
const SNAPSHOT_POSITION = '<snapshot position>';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Header values that differ per connector run. */
const RUN_HEADERS = new Set(['__debezium.context.runId']);

const with_ = (o: Obj, keys: readonly string[], to: unknown): Obj =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, keys.includes(k) && v !== null ? to : v]));

/** A Debezium source block: times and position of a snapshot read; a streamed one as it is. */
function source(s: unknown): unknown {
  if (!isObj(s)) return s;
  const snapshot = s['snapshot'];
  if (snapshot === undefined || snapshot === null || snapshot === 'false' || snapshot === false) return s;
  return with_(with_(s, ['ts_ms', 'ts_us', 'ts_ns'], TIME), ['file', 'pos', 'gtid'], SNAPSHOT_POSITION);
}

/**
 * A record value's payload (an envelope's, a schema change's, a history record). A transaction event's ts_ms is the
 * binlog time of its BEGIN or commit, compared as it is.
 */
function payload(p: unknown): unknown {
  if (!isObj(p)) return p;
  const transactionEvent = typeof p['status'] === 'string' && 'data_collections' in p;
  let out = transactionEvent ? p : with_(p, ['ts_ms', 'ts_us', 'ts_ns'], TIME);
  if ('source' in out) out = { ...out, source: source(out['source']) };
  const position = out['position'];
  if (isObj(position) && ['INITIAL', true, 'true'].includes(position['snapshot'] as string)) {
    out = { ...out, position: with_(position, ['file', 'pos', 'gtids', 'ts_sec'], SNAPSHOT_POSITION) };
  }
  return out;
}

/** JsonConverter's envelope ({schema, payload}) keeps its schema; its payload is normalised. */
function body(v: unknown): unknown {
  if (isObj(v) && 'schema' in v && 'payload' in v && Object.keys(v).length === 2) return { schema: v['schema'], payload: payload(v['payload']) };
  return payload(v);
}

export interface NormalRecord {
  key: unknown;
  value: unknown;
  headers: Record<string, unknown>;
}

export function normaliseRecord(r: TopicRecord, vars: Vars): NormalRecord {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, RUN_HEADERS.has(k) && typeof v === 'string' && UUID.test(v) ? '<run id>' : v]));
  return {
    key: body(unfill(r.key, vars)),
    value: body(unfill(r.value, vars)),
    headers: unfill(headers, vars) as Record<string, unknown>,
  };
}
