/**
 * Checks the server and the user before a connector starts, so each misconfiguration fails with a message naming the
 * problem and the fix: credentials, binary logging, ROW format, FULL row images, privileges, a purged or unknown
 * binlog position, include-list entries that match no table.
 */
import mysql from 'mysql2/promise';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { classifyServerError } from './errors.ts';
import { gtidPositionProblem } from './gtid-position.ts';

export type PreflightCheck = 'connection' | 'credentials' | 'log_bin' | 'binlog_format' | 'binlog_row_image' | 'privileges' | 'position' | 'tables';

export interface PreflightProblem {
  check: PreflightCheck;
  message: string;
}

export interface PreflightOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  /**
   * A stored position to resume from: it must still be on the server. With GTIDs on a server that has them, they are
   * what is checked (the file belongs to whichever server wrote the offset, perhaps a primary that is gone).
   */
  position?: { file: string; pos: number; gtids?: string | null } | null;
  /** Regexes (Debezium semantics: anchored, case-insensitive) that must each match at least one table / database. */
  tableIncludeList?: readonly string[];
  databaseIncludeList?: readonly string[];
}

export interface PreflightReport {
  problems: PreflightProblem[];
  warnings: string[];
  server: { version: string; mariadb: boolean; serverId: number; binlogFiles: { file: string; size: number }[] } | null;
}

const REQUIRED = ['SELECT', 'RELOAD', 'SHOW DATABASES', 'REPLICATION SLAVE', 'REPLICATION CLIENT'] as const;

/** Privileges granted ON *.* , from SHOW GRANTS lines. MariaDB names REPLICATION CLIENT "BINLOG MONITOR". */
export function missingPrivileges(grants: readonly string[]): string[] {
  const global = grants.filter((g) => /\bON\s+\*\.\*\s+TO\b/i.test(g)).join('\n').toUpperCase();
  if (/GRANT ALL PRIVILEGES ON \*\.\*/.test(global)) return [];
  return REQUIRED.filter((p) => {
    if (p === 'REPLICATION CLIENT') return !/REPLICATION CLIENT|BINLOG MONITOR/.test(global);
    return !new RegExp(`(^|[ ,])${p}(,| ON)`).test(global);
  });
}

const FIXES: Record<string, (value: string) => string> = {
  log_bin: (v) => `Binary logging is off (log_bin=${v}): start the server with log_bin (e.g. log-bin=mysql-bin in my.cnf) and a server_id`,
  binlog_format: (v) => `binlog_format is ${v}, change data capture needs ROW: set binlog_format=ROW in my.cnf (and SET GLOBAL binlog_format='ROW')`,
  binlog_row_image: (v) => `binlog_row_image is ${v}, change data capture needs FULL: set binlog_row_image=FULL in my.cnf (and SET GLOBAL binlog_row_image='FULL')`,
};

function matchesAny(pattern: string, ids: readonly string[]): boolean {
  const re = new RegExp(`^(?:${pattern})$`, 'i');
  return ids.some((id) => re.test(id));
}

export async function preflight(o: PreflightOptions): Promise<PreflightReport> {
  const target = { host: o.host, port: o.port, user: o.user };
  const problems: PreflightProblem[] = [];
  const warnings: string[] = [];
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({ host: o.host, port: o.port, user: o.user, password: o.password, connectTimeout: 10_000 });
  } catch (err) {
    const e = classifyServerError(err, target, 'connecting');
    return { problems: [{ check: (err as { errno?: number }).errno === 1045 ? 'credentials' : 'connection', message: e.message }], warnings, server: null };
  }
  try {
    const [vars] = await conn.query<mysql.RowDataPacket[]>(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin','binlog_format','binlog_row_image','binlog_row_metadata','server_id','version')",
    );
    const v = Object.fromEntries(vars.map((r) => [String(r['Variable_name']), String(r['Value'])]));
    if (v['log_bin'] !== 'ON') problems.push({ check: 'log_bin', message: FIXES['log_bin']!(v['log_bin'] ?? 'OFF') });
    if (v['binlog_format'] !== 'ROW') problems.push({ check: 'binlog_format', message: FIXES['binlog_format']!(v['binlog_format'] ?? 'unknown') });
    if (v['binlog_row_image'] !== 'FULL') problems.push({ check: 'binlog_row_image', message: FIXES['binlog_row_image']!(v['binlog_row_image'] ?? 'unknown') });
    if (v['binlog_row_metadata'] !== undefined && v['binlog_row_metadata'] !== 'FULL') {
      warnings.push(`binlog_row_metadata is ${v['binlog_row_metadata']}: column names are then read from INFORMATION_SCHEMA, which is wrong for events older than the last DDL; set binlog_row_metadata=FULL`);
    }
    const [grantRows] = await conn.query<mysql.RowDataPacket[]>('SHOW GRANTS FOR CURRENT_USER()');
    const missing = missingPrivileges(grantRows.map((r) => String(Object.values(r)[0])));
    if (missing.length > 0) {
      problems.push({ check: 'privileges', message: `User '${o.user}' lacks ${missing.join(', ')}: GRANT ${missing.join(', ')} ON *.* TO '${o.user}'` });
    }
    let binlogFiles: { file: string; size: number }[] = [];
    if (v['log_bin'] === 'ON' && !missing.includes('REPLICATION CLIENT')) {
      const [logs] = await conn.query<mysql.RowDataPacket[]>('SHOW BINARY LOGS');
      binlogFiles = logs.map((r) => ({ file: String(r['Log_name']), size: Number(r['File_size']) }));
    }
    const gtids = o.position?.gtids ?? null;
    if (gtids !== null && gtids !== '' && binlogFiles.length > 0) {
      const problem = await gtidPositionProblem(conn, /mariadb/i.test(v['version'] ?? ''), gtids, binlogFiles[0]?.file);
      if (problem !== null) problems.push({ check: 'position', message: problem });
    } else if (o.position && binlogFiles.length > 0) {
      const f = binlogFiles.find((b) => b.file === o.position!.file);
      if (!f) {
        problems.push({
          check: 'position',
          message: `Binlog file ${o.position.file} is no longer on the server (it has ${binlogFiles[0]!.file} to ${binlogFiles.at(-1)!.file}); the binlog was purged and changes since the last offset are lost: set snapshot.mode=when_needed (or delete the connector's offsets) to take a new snapshot, and keep binlogs longer (binlog_expire_logs_seconds)`,
        });
      } else if (o.position.pos > f.size) {
        problems.push({ check: 'position', message: `Binlog position ${o.position.file}:${o.position.pos} is past the end of the file (${f.size} bytes): the offsets belong to another server; delete the connector's offsets or set snapshot.mode=when_needed` });
      }
    }
    if ((o.tableIncludeList?.length ?? 0) > 0 || (o.databaseIncludeList?.length ?? 0) > 0) {
      const [tables] = await conn.query<mysql.RowDataPacket[]>(
        "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql','sys','performance_schema','information_schema')",
      );
      const ids = tables.map((r) => `${String(r['db'])}.${String(r['t'])}`);
      const dbs = [...new Set(tables.map((r) => String(r['db'])))];
      const [schemata] = await conn.query<mysql.RowDataPacket[]>('SELECT SCHEMA_NAME AS db FROM information_schema.SCHEMATA');
      const allDbs = [...new Set([...dbs, ...schemata.map((r) => String(r['db']))])];
      for (const p of o.tableIncludeList ?? []) {
        if (!matchesAny(p, ids)) problems.push({ check: 'tables', message: `table.include.list entry '${p}' matches no table the user '${o.user}' can see: check the name (db.table, a regular expression matched against the whole name) and that the table exists and is readable` });
      }
      for (const p of o.databaseIncludeList ?? []) {
        if (!matchesAny(p, allDbs)) problems.push({ check: 'tables', message: `database.include.list entry '${p}' matches no database the user '${o.user}' can see: check the name and the user's privileges` });
      }
    }
    return { problems, warnings, server: { version: v['version'] ?? '', mariadb: /mariadb/i.test(v['version'] ?? ''), serverId: Number(v['server_id'] ?? 0), binlogFiles } };
  } catch (err) {
    const e = classifyServerError(err, target, 'checking the server settings');
    const errno = (err as { errno?: number }).errno ?? 0;
    problems.push({ check: [1044, 1142, 1227, 1370].includes(errno) ? 'privileges' : 'connection', message: e.message });
    return { problems, warnings, server: null };
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** Throws one ConveyorError listing every problem; returns the report (with warnings) when all checks pass. */
export async function assertPreflight(o: PreflightOptions): Promise<PreflightReport> {
  const report = await preflight(o);
  if (report.problems.length > 0) {
    throw new ConveyorError(ErrorCode.configInvalid, `MySQL change data capture cannot start:\n- ${report.problems.map((p) => p.message).join('\n- ')}`);
  }
  return report;
}
