/**
 * A MariaDB primary and a GTID replica of a test's own (the stack script with CONVEYOR_STACK_DIR and
 * CONVEYOR_STACK_MARIADB_PORT, beside the default stack's 3307), for database failover: kill -9 the primary,
 * promote the replica. The replica's binlog carries the primary's transactions under their own GTIDs
 * (log_slave_updates, one GTID domain), which is what lets a CDC source resume on it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { stackCommandWith } from './stack-control.ts';
import { until } from './until.ts';

export interface MariadbNode {
  readonly port: number;
  readonly dir: string;
}

function env(n: MariadbNode): Record<string, string> {
  return { CONVEYOR_STACK_DIR: n.dir, CONVEYOR_STACK_MARIADB_PORT: String(n.port) };
}

export async function rootQuery(port: number, sql: string, values: unknown[] = []): Promise<mysql.RowDataPacket[]> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', multipleStatements: true });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(sql, values);
    return rows;
  } finally {
    await conn.end();
  }
}

export class MariadbPair {
  readonly primary: MariadbNode;
  readonly replica: MariadbNode;

  constructor(primaryPort = 3317, replicaPort = 3318) {
    this.primary = { port: primaryPort, dir: mkdtempSync(join(tmpdir(), 'conveyor-primary-')) };
    this.replica = { port: replicaPort, dir: mkdtempSync(join(tmpdir(), 'conveyor-replica-')) };
  }

  /** Starts both servers and makes the second replicate the first from its beginning, by GTID. */
  async up(): Promise<void> {
    stackCommandWith(env(this.primary), 'up', 'mariadb');
    stackCommandWith(env(this.replica), 'up', 'mariadb');
    // The replica's own bootstrap transactions would collide with the primary's GTIDs in strict mode: drop them.
    await rootQuery(this.replica.port, "STOP SLAVE; RESET MASTER; SET GLOBAL gtid_slave_pos = ''");
    await rootQuery(this.replica.port, `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${this.primary.port}, MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos; START SLAVE`);
    await this.caughtUp();
  }

  /** Waits until the replica has applied everything the primary has binlogged. */
  async caughtUp(): Promise<void> {
    await until('the replica caught up with the primary', async () => {
      const [p] = await rootQuery(this.primary.port, 'SELECT @@gtid_binlog_pos AS g');
      const [r] = await rootQuery(this.replica.port, 'SELECT @@gtid_slave_pos AS g');
      const [status] = await rootQuery(this.replica.port, 'SHOW SLAVE STATUS');
      if (status !== undefined && String(status['Last_Error'] ?? '') !== '') throw new Error(`replication stopped: ${String(status['Last_Error'])}`);
      return String(p?.['g']) === String(r?.['g']) ? true : undefined;
    }, 60_000, 200);
  }

  /** kill -9 of the primary's server process. */
  killPrimary(): void {
    const pid = Number(readFileSync(join(this.primary.dir, 'mariadb/mariadb.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
  }

  /** The replica stops replicating and takes writes (its own GTIDs continue the domain's sequence). */
  async promote(): Promise<void> {
    await rootQuery(this.replica.port, 'STOP SLAVE; RESET SLAVE ALL');
  }

  /** Stops a server cleanly and starts it again (its data kept). */
  restart(n: MariadbNode): void {
    stackCommandWith(env(n), 'down', 'mariadb');
    stackCommandWith(env(n), 'up', 'mariadb');
  }

  down(): void {
    for (const n of [this.primary, this.replica]) {
      try {
        stackCommandWith(env(n), 'down', '--clean', 'mariadb');
      } finally {
        rmSync(n.dir, { recursive: true, force: true });
      }
    }
  }
}
