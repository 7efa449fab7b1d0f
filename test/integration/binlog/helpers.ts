/** Fixtures for binlog integration tests: a unique database on the stack's MariaDB, readers drained until a condition. */
import mysql from 'mysql2/promise';
import { stack, uniqueName } from '../../helpers/stack.ts';
import type { BinlogEvent } from '../../../host/binlog/events.ts';
import type { BinlogReader } from '../../../host/binlog/reader.ts';

export const server = { host: stack.mariadb.host, port: stack.mariadb.port };
export const cdcUser = { ...server, user: stack.mariadb.cdcUser, password: stack.mariadb.cdcPassword };

export function serverId(): number {
  return 100_000 + Math.floor(Math.random() * 1_000_000);
}

export interface TestDb {
  name: string;
  admin: mysql.Connection;
  drop(): Promise<void>;
}

export async function createTestDb(prefix: string): Promise<TestDb> {
  const admin = await mysql.createConnection({ ...server, user: stack.mariadb.adminUser, password: stack.mariadb.adminPassword });
  const name = uniqueName(prefix);
  await admin.query(`CREATE DATABASE \`${name}\``);
  return {
    name,
    admin,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** Reads until `until` holds for the events so far; fails after `attempts` empty waits. */
export async function readUntil(reader: BinlogReader, until: (events: BinlogEvent[]) => boolean, attempts = 50): Promise<BinlogEvent[]> {
  const events: BinlogEvent[] = [];
  let idle = 0;
  while (!until(events)) {
    const batch = await reader.read(500, 200);
    if (batch.length === 0 && ++idle > attempts) throw new Error(`binlog: condition not met after ${events.length} events: ${JSON.stringify(events.slice(-5))}`);
    events.push(...batch);
  }
  return events;
}
