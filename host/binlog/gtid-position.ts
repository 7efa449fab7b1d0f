/**
 * Whether a server can resume a stream from a stored GTID position — the check that makes failover to a replica
 * work: a file/position names one server's binlog, a GTID position names transactions any server of the
 * replication topology has. MariaDB: the oldest binlog's Gtid_list says what was purged before it, and
 * @@gtid_binlog_pos what the server has reached; MySQL: GTID_SUBSET against @@gtid_purged.
 */
import type mysql from 'mysql2/promise';

const MARIADB_GTID = /^(\d+)-(\d+)-(\d+)$/;

/** MariaDB 'domain-server-seq,...' as domain → seq (the last transaction per domain). */
export function mariadbDomains(position: string): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const part of position.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = MARIADB_GTID.exec(part);
    if (m) out.set(Number(m[1]), BigInt(m[3]!));
  }
  return out;
}

/**
 * The problem with resuming at `ours` given what the server purged (`purged`, from its oldest binlog's Gtid_list) and
 * reached (`reached`, @@gtid_binlog_pos), or null when it can serve it.
 */
export function mariadbGtidProblem(ours: string, purged: string, reached: string): string | null {
  const mine = mariadbDomains(ours);
  const gone = mariadbDomains(purged);
  const have = mariadbDomains(reached);
  for (const [domain, seq] of mine) {
    const before = gone.get(domain);
    if (before !== undefined && seq < before) {
      return `GTID position ${ours} is no longer on the server: its binlogs start after ${purged} (the binlog was purged); the changes since the last offset are lost: set snapshot.mode=when_needed (or delete the connector's offsets) to take a new snapshot, and keep binlogs longer (binlog_expire_logs_seconds)`;
    }
    const at = have.get(domain);
    if (at === undefined || at < seq) {
      return `GTID position ${ours} is ahead of the server, which has reached ${reached === '' ? 'no transaction' : reached}: it is another topology's server or a replica that has not caught up; wait for it (or point the connector at an up-to-date server)`;
    }
  }
  return null;
}

/** Checks a GTID position on a live connection; null when the server can resume from it. */
export async function gtidPositionProblem(conn: mysql.Connection, mariadb: boolean, gtids: string, firstBinlog: string | undefined): Promise<string | null> {
  if (!mariadb) {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT GTID_SUBSET(@@GLOBAL.gtid_purged, ?) AS ok', [gtids]);
    return Number(rows[0]?.['ok'] ?? 0) === 1 ? null : `GTID set ${gtids} needs transactions the server purged (gtid_purged); set snapshot.mode=when_needed (or delete the connector's offsets) to take a new snapshot`;
  }
  const [pos] = await conn.query<mysql.RowDataPacket[]>('SELECT @@GLOBAL.gtid_binlog_pos AS g');
  let purged = '';
  if (firstBinlog !== undefined) {
    const [events] = await conn.query<mysql.RowDataPacket[]>(`SHOW BINLOG EVENTS IN ${conn.escape(firstBinlog)} LIMIT 3`);
    const list = events.find((e) => String(e['Event_type']) === 'Gtid_list');
    purged = String(list?.['Info'] ?? '').replace(/[[\]\s]/g, '');
  }
  return mariadbGtidProblem(gtids, purged, String(pos[0]?.['g'] ?? ''));
}
