/** mysql capability: connections, parameterised queries and binlog row events, to policy-allowed servers only. */
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import ZongJi from '@vlasky/zongji';
import type { BinlogRowEvent } from '../../sdk/capabilities.ts';
import type { CapabilityPolicy } from './policy.ts';
import type { CapabilityMethods, Closeable } from './types.ts';
import { arr, denied, invalid, num, obj, plain, str, withTimeout } from './validate.ts';

const MAX_ROWS = 10_000;
const MAX_CONNECTIONS = 8;
const MAX_QUEUED_EVENTS = 50_000;
const TIMEOUT_MS = 30_000;

interface ConnectTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
}

function target(call: string, policy: CapabilityPolicy, args: unknown[]): ConnectTarget {
  const o = obj(call, args, 0, 'options');
  const host = str(call, [o['host']], 0, 'host', 255);
  const port = num(call, [o['port']], 0, 'port', 1, 65535, 3306);
  if (!policy.mysqlHosts.includes(`${host}:${port}`)) throw denied(call, `${host}:${port}`, 'server not in the connector policy');
  const user = str(call, [o['user']], 0, 'user', 255);
  const password = o['password'] === undefined ? '' : str(call, [o['password']], 0, 'password', 1024);
  const database = o['database'] === undefined ? undefined : str(call, [o['database']], 0, 'database', 255);
  return { host, port, user, password, ...(database === undefined ? {} : { database }) };
}

interface BinlogStream {
  zongji: ZongJi;
  queue: BinlogRowEvent[];
  error: Error | null;
  wake: (() => void) | null;
}

export function mysqlCapability(policy: CapabilityPolicy): CapabilityMethods & Closeable {
  const connections = new Map<string, mysql.Connection>();
  const streams = new Map<string, BinlogStream>();

  const conn = (call: string, args: unknown[]): mysql.Connection => {
    const c = connections.get(str(call, args, 0, 'connection', 64));
    if (!c) throw invalid(call, 'unknown connection handle');
    return c;
  };

  return {
    async connect(args: unknown[]) {
      const t = target('mysql.connect', policy, args);
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
    binlogOpen(args: unknown[]) {
      const t = target('mysql.binlogOpen', policy, args);
      const o = obj('mysql.binlogOpen', args, 0, 'options');
      const serverId = num('mysql.binlogOpen', [o['serverId']], 0, 'serverId', 1, 4294967295);
      const from = o['from'] as { file?: unknown; position?: unknown } | undefined;
      const tables = Array.isArray(o['tables']) ? (o['tables'] as unknown[]).map(String) : undefined;
      const zongji = new ZongJi({ host: t.host, port: t.port, user: t.user, password: t.password });
      const stream: BinlogStream = { zongji, queue: [], error: null, wake: null };
      let file = typeof from?.file === 'string' ? from.file : '';
      zongji.on('error', (err: Error) => {
        stream.error = err;
        stream.wake?.();
      });
      zongji.on('binlog', (raw: unknown) => {
        const evt = raw as Record<string, unknown> & { getEventName(): string };
        const name = evt.getEventName();
        if (name === 'rotate') {
          file = String(evt['binlogName']);
          return;
        }
        const type = name === 'writerows' ? 'insert' : name === 'updaterows' ? 'update' : name === 'deleterows' ? 'delete' : null;
        if (type === null) return;
        const map = (evt['tableMap'] as Record<string, { parentSchema: string; tableName: string }>)[String(evt['tableId'])];
        if (!map || (tables && !tables.includes(`${map.parentSchema}.${map.tableName}`))) return;
        const rows = (evt['rows'] as Record<string, unknown>[]).map((r) =>
          type === 'update' ? { before: plain(r['before']), after: plain(r['after']) } : type === 'delete' ? { before: plain(r) } : { after: plain(r) },
        ) as BinlogRowEvent['rows'];
        stream.queue.push({ type, database: map.parentSchema, table: map.tableName, rows, position: { file, position: Number(evt['nextPosition']) }, timestamp: Number(evt['timestamp']) });
        if (stream.queue.length > MAX_QUEUED_EVENTS) {
          stream.error = new Error(`binlog stream has more than ${MAX_QUEUED_EVENTS} unread events; read faster`);
          zongji.stop();
        }
        stream.wake?.();
      });
      zongji.start({
        serverId,
        includeEvents: ['rotate', 'tablemap', 'writerows', 'updaterows', 'deleterows'],
        ...(file !== '' && typeof from?.position === 'number' ? { filename: file, position: from.position } : { startAtEnd: true }),
      });
      const id = randomUUID();
      streams.set(id, stream);
      return Promise.resolve(id);
    },
    async binlogRead(args: unknown[]) {
      const id = str('mysql.binlogRead', args, 0, 'stream', 64);
      const s = streams.get(id);
      if (!s) throw invalid('mysql.binlogRead', 'unknown stream handle');
      const max = num('mysql.binlogRead', args, 1, 'max', 1, 10_000);
      const waitMs = num('mysql.binlogRead', args, 2, 'waitMs', 0, 30_000, 0);
      if (s.queue.length === 0 && s.error === null && waitMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          s.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        s.wake = null;
      }
      if (s.error && s.queue.length === 0) throw invalid('mysql.binlogRead', s.error.message);
      return s.queue.splice(0, max);
    },
    binlogClose(args: unknown[]) {
      const id = str('mysql.binlogClose', args, 0, 'stream', 64);
      streams.get(id)?.zongji.stop();
      streams.delete(id);
      return Promise.resolve(null);
    },
    async release() {
      for (const s of streams.values()) s.zongji.stop();
      streams.clear();
      await Promise.all([...connections.values()].map((c) => c.end().catch(() => undefined)));
      connections.clear();
    },
  };
}
