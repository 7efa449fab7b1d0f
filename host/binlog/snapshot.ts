/**
 * A consistent snapshot: one REPEATABLE READ transaction started WITH CONSISTENT SNAPSHOT, the binlog position (and
 * GTID position) that matches it exactly, the captured tables' CREATE TABLE statements as of that instant, and
 * chunked reads by primary key. Locking (snapshot.locking.mode):
 * - minimal: FLUSH TABLES WITH READ LOCK only while the transaction starts and the position and DDL are read;
 * - none: no lock; MariaDB's binlog_snapshot_file/position status gives the position of the snapshot itself
 *   (no GTID position then: streaming resumes by file and position).
 */
import mysql from 'mysql2/promise';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { classifyServerError } from './errors.ts';
import type { BinlogRow } from './events.ts';
import { connectionOptions, jsonRow } from './row-values.ts';

export interface SnapshotOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  lockMode: 'minimal' | 'none';
  includeTable: (db: string, table: string) => boolean;
  logger?: Logger;
}

export interface SnapshotTable {
  db: string;
  table: string;
  /** SHOW CREATE TABLE at the snapshot instant. */
  ddl: string;
  primaryKey: string[];
  /** The server's row estimate, for progress reports. */
  estimatedRows: number;
}

export interface SnapshotPosition {
  file: string;
  pos: number;
  /** MariaDB @@gtid_binlog_pos or MySQL @@gtid_executed at the snapshot; null when it cannot be read consistently. */
  gtids: string | null;
}

export interface SnapshotChunk {
  rows: BinlogRow[];
  /** No rows remain after this chunk. */
  done: boolean;
  /** Rows of this table read so far, including this chunk. */
  rowsRead: number;
}

export interface SnapshotSession {
  readonly position: SnapshotPosition;
  readonly tables: readonly SnapshotTable[];
  /** The next chunk of a table, in primary-key order (tables without one: in storage order by offset). */
  readChunk(db: string, table: string, limit: number): Promise<SnapshotChunk>;
  /** Ends the snapshot transaction. */
  close(): Promise<void>;
}

const q = (id: string): string => `\`${id.replace(/`/g, '``')}\``;
const SYSTEM = ['mysql', 'sys', 'performance_schema', 'information_schema'];

interface Cursor {
  last: unknown[] | null;
  read: number;
}

export async function openSnapshot(o: SnapshotOptions): Promise<SnapshotSession> {
  const target = { host: o.host, port: o.port, user: o.user };
  const log = o.logger?.child({ component: 'binlog-snapshot' });
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({ host: o.host, port: o.port, user: o.user, password: o.password, ...connectionOptions, multipleStatements: false });
  } catch (err) {
    throw classifyServerError(err, target, 'opening the snapshot connection');
  }
  let locked = false;
  try {
    await conn.query("SET SESSION time_zone = '+00:00'");
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const [verRows] = await conn.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    const mariadb = /mariadb/i.test(String(verRows[0]?.['v'] ?? ''));
    const [all] = await conn.query<mysql.RowDataPacket[]>(
      "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS t, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME",
    );
    const chosen = all
      .map((r) => ({ db: String(r['db']), table: String(r['t']), estimatedRows: Number(r['n'] ?? 0) }))
      .filter((t) => !SYSTEM.includes(t.db.toLowerCase()) && o.includeTable(t.db, t.table));
    let lockMode = o.lockMode;
    if (lockMode === 'none' && !mariadb) {
      throw new ConveyorError(ErrorCode.configInvalid, 'snapshot.locking.mode=none needs MariaDB (binlog_snapshot_file/position); on MySQL use snapshot.locking.mode=minimal');
    }
    if (lockMode === 'minimal') {
      try {
        await conn.query('FLUSH TABLES WITH READ LOCK');
        locked = true;
      } catch (err) {
        if (!mariadb) throw classifyServerError(err, target, 'FLUSH TABLES WITH READ LOCK');
        log?.warn('global read lock not allowed; using the snapshot transaction position instead', { err });
        lockMode = 'none';
      }
    }
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    let position: SnapshotPosition;
    if (lockMode === 'minimal') {
      const [status] = await conn.query<mysql.RowDataPacket[]>('SHOW MASTER STATUS');
      const s = status[0];
      if (!s) throw new ConveyorError(ErrorCode.configInvalid, `Binary logging is off at ${o.host}:${o.port}: start the server with log_bin`);
      const [g] = await conn.query<mysql.RowDataPacket[]>(mariadb ? 'SELECT @@gtid_binlog_pos AS g' : 'SELECT @@gtid_executed AS g');
      const gtids = String(g[0]?.['g'] ?? '').replace(/\s+/g, '');
      position = { file: String(s['File']), pos: Number(s['Position']), gtids: gtids === '' ? null : gtids };
    } else {
      const [status] = await conn.query<mysql.RowDataPacket[]>("SHOW STATUS LIKE 'binlog_snapshot_%'");
      const v = Object.fromEntries(status.map((r) => [String(r['Variable_name']).toLowerCase(), String(r['Value'])]));
      position = { file: v['binlog_snapshot_file'] ?? '', pos: Number(v['binlog_snapshot_position'] ?? 0), gtids: null };
    }
    const tables: SnapshotTable[] = [];
    for (const t of chosen) {
      const [create] = await conn.query<mysql.RowDataPacket[]>(`SHOW CREATE TABLE ${q(t.db)}.${q(t.table)}`);
      const [keys] = await conn.query<mysql.RowDataPacket[]>(`SHOW KEYS FROM ${q(t.db)}.${q(t.table)} WHERE Key_name = 'PRIMARY'`);
      const primaryKey = keys.sort((a, b) => Number(a['Seq_in_index']) - Number(b['Seq_in_index'])).map((k) => String(k['Column_name']));
      tables.push({ ...t, ddl: String(create[0]?.['Create Table'] ?? ''), primaryKey });
    }
    if (locked) {
      await conn.query('UNLOCK TABLES');
      locked = false;
    }
    log?.info('snapshot opened', { file: position.file, pos: position.pos, gtids: position.gtids, tables: tables.length, lockMode });
    const cursors = new Map<string, Cursor>();
    return {
      position,
      tables,
      async readChunk(db, table, limit) {
        const t = tables.find((x) => x.db === db && x.table === table);
        if (!t) throw new ConveyorError(ErrorCode.badRequest, `${db}.${table} is not part of this snapshot`);
        const key = `${db}.${table}`;
        const cur = cursors.get(key) ?? { last: null, read: 0 };
        cursors.set(key, cur);
        const from = `${q(db)}.${q(table)}`;
        let rows: mysql.RowDataPacket[];
        if (t.primaryKey.length === 0) {
          [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT * FROM ${from} LIMIT ? OFFSET ?`, [limit, cur.read]);
        } else {
          const cols = t.primaryKey.map(q).join(', ');
          const where = cur.last === null ? '' : `WHERE (${cols}) > (${t.primaryKey.map(() => '?').join(', ')})`;
          [rows] = await conn.query<mysql.RowDataPacket[]>({ sql: `SELECT * FROM ${from} ${where} ORDER BY ${cols} LIMIT ?`, typeCast: true }, [...(cur.last ?? []), limit]);
          const lastRow = rows.at(-1);
          if (lastRow) cur.last = t.primaryKey.map((k) => lastRow[k] as unknown);
        }
        cur.read += rows.length;
        return { rows: rows.map(jsonRow), done: rows.length < limit, rowsRead: cur.read };
      },
      async close() {
        await conn.query('COMMIT').catch(() => undefined);
        await conn.end().catch(() => undefined);
      },
    };
  } catch (err) {
    if (locked) await conn.query('UNLOCK TABLES').catch(() => undefined);
    await conn.end().catch(() => undefined);
    throw err instanceof ConveyorError ? err : classifyServerError(err, target, 'taking the snapshot');
  }
}
