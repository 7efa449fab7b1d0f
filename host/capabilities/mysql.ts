/**
 * mysql capability: connections and parameterised queries, preflight checks, binlog streams and consistent snapshot
 * sessions (host/binlog), to policy-allowed servers only. Every call validates its arguments, bounds its batch sizes
 * and is timed out; binlog events and snapshot rows cross to the isolate as one JSON-safe batch per call.
 */
import { policyAddresses } from './address-match.ts';
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { BinlogStartSpec, MysqlTableFilter } from '../../sdk/capabilities.ts';
import { preflight } from '../binlog/preflight.ts';
import { openBinlogReader } from '../binlog/reader.ts';
import type { BinlogReader } from '../binlog/reader.ts';
import { openSnapshot } from '../binlog/snapshot.ts';
import type { SnapshotSession } from '../binlog/snapshot.ts';
import type { CapabilityPolicy } from './policy.ts';
import type { CapabilityMethods, Closeable } from './types.ts';
import { arr, denied, invalid, num, obj, plain, str, withTimeout } from './validate.ts';

const MAX_ROWS = 10_000;
const MAX_CONNECTIONS = 8;
const MAX_STREAMS = 2;
const MAX_SNAPSHOTS = 1;
const MAX_BATCH = 10_000;
const MAX_QUEUED = 100_000;
const MAX_WAIT_MS = 30_000;
const TIMEOUT_MS = 30_000;

interface ConnectTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
}

/** The server to connect to: allowed by address (address-match.ts) and pinned to the address that matched. */
async function target(call: string, policy: CapabilityPolicy, args: unknown[]): Promise<ConnectTarget> {
  const o = obj(call, args, 0, 'options');
  const named = str(call, [o['host']], 0, 'host', 255);
  const port = num(call, [o['port']], 0, 'port', 1, 65535, 3306);
  const host = await policyAddresses.allowed(named, port, policy.mysqlHosts);
  if (host === null) throw denied(call, `${named}:${port}`, 'server not in the connector policy');
  const user = str(call, [o['user']], 0, 'user', 255);
  const password = o['password'] === undefined ? '' : str(call, [o['password']], 0, 'password', 1024);
  const database = o['database'] === undefined ? undefined : str(call, [o['database']], 0, 'database', 255);
  return { host, port, user, password, ...(database === undefined ? {} : { database }) };
}

function patterns(call: string, v: unknown, name: string): string[] {
  const list = arr(call, [v], 0, name, 1000, true);
  return list.map((p, i) => {
    const s = str(call, [p], 0, `${name}[${i}]`, 4096);
    try {
      new RegExp(s);
    } catch {
      throw invalid(call, `${name}[${i}] is not a valid regular expression: ${s}`);
    }
    return s;
  });
}

/** Debezium include/exclude semantics: anchored, case-insensitive regexes against `db` and `db.table`. */
export function compileTableFilter(call: string, v: unknown): (db: string, table: string) => boolean {
  if (v === undefined || v === null) return () => true;
  const o = obj(call, [v], 0, 'filter');
  const [dbInc, dbExc, tInc, tExc] = (['databaseInclude', 'databaseExclude', 'tableInclude', 'tableExclude'] as const satisfies readonly (keyof MysqlTableFilter)[])
    .map((k) => patterns(call, o[k], `filter.${k}`).map((p) => new RegExp(`^(?:${p})$`, 'i')));
  const any = (res: RegExp[] | undefined, s: string): boolean => (res ?? []).some((re) => re.test(s));
  return (db, table) => {
    if ((dbInc?.length ?? 0) > 0 ? !any(dbInc, db) : any(dbExc, db)) return false;
    const id = `${db}.${table}`;
    if ((tInc?.length ?? 0) > 0) return any(tInc, id);
    return !any(tExc, id);
  };
}

function startOf(call: string, v: unknown): BinlogStartSpec {
  if (v === undefined || v === 'end') return 'end';
  const o = obj(call, [v], 0, 'start');
  if (o['gtids'] !== undefined) return { gtids: str(call, [o['gtids']], 0, 'start.gtids', 65536) };
  return { file: str(call, [o['file']], 0, 'start.file', 512), pos: num(call, [o['pos']], 0, 'start.pos', 4, Number.MAX_SAFE_INTEGER) };
}

export function mysqlCapability(policy: CapabilityPolicy): CapabilityMethods & Closeable {
  const connections = new Map<string, mysql.Connection>();
  const streams = new Map<string, BinlogReader>();
  const snapshots = new Map<string, SnapshotSession>();

  const conn = (call: string, args: unknown[]): mysql.Connection => {
    const c = connections.get(str(call, args, 0, 'connection', 64));
    if (!c) throw invalid(call, 'unknown connection handle');
    return c;
  };
  const handle = <T>(call: string, map: Map<string, T>, args: unknown[], name: string): T => {
    const h = map.get(str(call, args, 0, name, 64));
    if (h === undefined) throw invalid(call, `unknown ${name} handle`);
    return h;
  };

  return {
    async connect(args: unknown[]) {
      const t = await target('mysql.connect', policy, args);
      if (connections.size >= MAX_CONNECTIONS) throw invalid('mysql.connect', `at most ${MAX_CONNECTIONS} open connections per task`);
      const c = await withTimeout('mysql.connect', TIMEOUT_MS, mysql.createConnection({ ...t, connectTimeout: TIMEOUT_MS, supportBigNumbers: true, dateStrings: true }));
      const id = randomUUID();
      connections.set(id, c);
      c.on('error', () => connections.delete(id));
      return id;
    },
    async query(args: unknown[]) {
      const c = conn('mysql.query', args);
      const sql = str('mysql.query', args, 1, 'sql', 1024 * 1024);
      const params = arr('mysql.query', args, 2, 'params', 10_000, true);
      if (params.some((p) => p !== null && typeof p === 'object')) throw invalid('mysql.query', 'params must be scalars');
      const [result] = await withTimeout('mysql.query', TIMEOUT_MS, c.query({ sql, values: params, timeout: TIMEOUT_MS }));
      if (Array.isArray(result)) {
        if (result.length > MAX_ROWS) throw invalid('mysql.query', `query returned ${result.length} rows, more than ${MAX_ROWS}; page with LIMIT`);
        return { rows: plain(result) };
      }
      const header = result as { affectedRows?: number; insertId?: number };
      return { rows: [], affectedRows: header.affectedRows ?? 0, insertId: header.insertId ?? 0 };
    },
    async close(args: unknown[]) {
      const id = str('mysql.close', args, 0, 'connection', 64);
      const c = connections.get(id);
      connections.delete(id);
      await c?.end().catch(() => undefined);
      return null;
    },
    async preflight(args: unknown[]) {
      const call = 'mysql.preflight';
      const t = await target(call, policy, args);
      const o = obj(call, args, 0, 'options');
      const p = o['position'] === undefined || o['position'] === null ? null : obj(call, [o['position']], 0, 'position');
      const gtids = p === null || p['gtids'] === undefined || p['gtids'] === null ? null : str(call, [p['gtids']], 0, 'position.gtids', 65536);
      const position = p === null ? null : { file: str(call, [p['file']], 0, 'position.file', 512), pos: num(call, [p['pos']], 0, 'position.pos', 0, Number.MAX_SAFE_INTEGER), gtids };
      return withTimeout(call, TIMEOUT_MS, preflight({
        ...t, position, tableIncludeList: patterns(call, o['tableIncludeList'], 'tableIncludeList'), databaseIncludeList: patterns(call, o['databaseIncludeList'], 'databaseIncludeList'),
      }));
    },
    async binlogOpen(args: unknown[]) {
      const call = 'mysql.binlogOpen';
      const t = await target(call, policy, args);
      const o = obj(call, args, 0, 'options');
      if (streams.size >= MAX_STREAMS) throw invalid(call, `at most ${MAX_STREAMS} open binlog streams per task`);
      const reader = await withTimeout(call, TIMEOUT_MS, openBinlogReader({
        host: t.host, port: t.port, user: t.user, password: t.password,
        serverId: num(call, [o['serverId']], 0, 'serverId', 1, 4294967295),
        start: startOf(call, o['start']),
        includeTable: compileTableFilter(call, o['filter']),
        includeQuery: o['includeQuery'] === true,
        maxQueued: num(call, [o['maxQueued']], 0, 'maxQueued', 1, MAX_QUEUED, 10_000),
      }));
      const id = randomUUID();
      streams.set(id, reader);
      return id;
    },
    async binlogRead(args: unknown[]) {
      const reader = handle('mysql.binlogRead', streams, args, 'stream');
      const max = num('mysql.binlogRead', args, 1, 'max', 1, MAX_BATCH);
      const waitMs = num('mysql.binlogRead', args, 2, 'waitMs', 0, MAX_WAIT_MS, 0);
      return reader.read(max, waitMs);
    },
    async binlogClose(args: unknown[]) {
      const id = str('mysql.binlogClose', args, 0, 'stream', 64);
      const reader = streams.get(id);
      streams.delete(id);
      await reader?.close();
      return null;
    },
    async snapshotOpen(args: unknown[]) {
      const call = 'mysql.snapshotOpen';
      const t = await target(call, policy, args);
      const o = obj(call, args, 0, 'options');
      if (snapshots.size >= MAX_SNAPSHOTS) throw invalid(call, `at most ${MAX_SNAPSHOTS} open snapshot per task`);
      const lockMode = o['lockMode'] === undefined ? 'minimal' : str(call, [o['lockMode']], 0, 'lockMode', 16);
      if (lockMode !== 'minimal' && lockMode !== 'none') throw invalid(call, 'lockMode must be minimal or none');
      const session = await withTimeout(call, TIMEOUT_MS * 2, openSnapshot({ host: t.host, port: t.port, user: t.user, password: t.password, lockMode, includeTable: compileTableFilter(call, o['filter']) }));
      const id = randomUUID();
      snapshots.set(id, session);
      return { id, position: session.position, tables: session.tables };
    },
    async snapshotRead(args: unknown[]) {
      const call = 'mysql.snapshotRead';
      const session = handle(call, snapshots, args, 'snapshot');
      const db = str(call, args, 1, 'db', 255);
      const table = str(call, args, 2, 'table', 255);
      const limit = num(call, args, 3, 'limit', 1, MAX_ROWS);
      return withTimeout(call, TIMEOUT_MS, session.readChunk(db, table, limit));
    },
    async snapshotClose(args: unknown[]) {
      const id = str('mysql.snapshotClose', args, 0, 'snapshot', 64);
      const s = snapshots.get(id);
      snapshots.delete(id);
      await s?.close();
      return null;
    },
    async release() {
      await Promise.all([...streams.values()].map((s) => s.close().catch(() => undefined)));
      streams.clear();
      await Promise.all([...snapshots.values()].map((s) => s.close().catch(() => undefined)));
      snapshots.clear();
      await Promise.all([...connections.values()].map((c) => c.end().catch(() => undefined)));
      connections.clear();
    },
  };
}
