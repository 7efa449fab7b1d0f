import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import ZongJi from '@vlasky/zongji';
import { stack, uniqueName, eventually } from '../../helpers/stack.ts';

interface RowChange {
  type: string;
  rows: unknown[];
}

test('MariaDB: the binlog is row-based and inserted, updated and deleted rows come back as row events', async (t) => {
  const { host, port } = stack.mariadb;
  const admin = await mysql.createConnection({ host, port, user: stack.mariadb.adminUser, password: stack.mariadb.adminPassword });
  const db = uniqueName('stack_binlog');
  t.after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.end();
  });

  const [vars] = await admin.query<mysql.RowDataPacket[]>(
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin','binlog_format','binlog_row_image','binlog_row_metadata')",
  );
  const settings = Object.fromEntries(vars.map((r) => [r.Variable_name as string, r.Value as string]));
  assert.deepEqual(settings, { binlog_format: 'ROW', binlog_row_image: 'FULL', binlog_row_metadata: 'FULL', log_bin: 'ON' });

  await admin.query(`CREATE DATABASE \`${db}\``);
  await admin.query(`CREATE TABLE \`${db}\`.products (id INT PRIMARY KEY, name VARCHAR(64), price DECIMAL(10,2))`);

  const changes: RowChange[] = [];
  const zongji = new ZongJi({ host, port, user: stack.mariadb.cdcUser, password: stack.mariadb.cdcPassword });
  const failures: unknown[] = [];
  zongji.on('error', (err: unknown) => failures.push(err));
  zongji.on('binlog', (evt: { getEventName(): string; rows?: unknown[] }) => {
    const name = evt.getEventName();
    if (name === 'writerows' || name === 'updaterows' || name === 'deleterows') changes.push({ type: name, rows: evt.rows ?? [] });
  });
  const ready = new Promise<void>((resolve) => zongji.on('ready', () => resolve()));
  zongji.start({
    serverId: 40_000 + Math.floor(Math.random() * 10_000),
    startAtEnd: true,
    includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows'],
    includeSchema: { [db]: ['products'] },
  });
  t.after(() => zongji.stop());
  await ready;

  await admin.query(`INSERT INTO \`${db}\`.products VALUES (1, 'hammer', 9.99), (2, 'nails', 0.05)`);
  await admin.query(`UPDATE \`${db}\`.products SET price = 10.49 WHERE id = 1`);
  await admin.query(`DELETE FROM \`${db}\`.products WHERE id = 2`);

  await eventually(() => Promise.resolve(changes.length >= 3 ? true : undefined), 'three row events');
  assert.deepEqual(failures, []);
  assert.deepEqual(
    changes.map((c) => c.type),
    ['writerows', 'updaterows', 'deleterows'],
  );
  assert.deepEqual(changes[0]?.rows, [
    { id: 1, name: 'hammer', price: '9.99' },
    { id: 2, name: 'nails', price: '0.05' },
  ]);
  assert.deepEqual(changes[1]?.rows, [
    { before: { id: 1, name: 'hammer', price: '9.99' }, after: { id: 1, name: 'hammer', price: '10.49' } },
  ]);
  assert.deepEqual(changes[2]?.rows, [{ id: 2, name: 'nails', price: '0.05' }]);
});

test('MariaDB: the conveyor user holds the privileges change-data-capture needs', async () => {
  const { host, port } = stack.mariadb;
  const conn = await mysql.createConnection({ host, port, user: stack.mariadb.cdcUser, password: stack.mariadb.cdcPassword });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SHOW GRANTS');
    const grants = rows.map((r) => String(Object.values(r)[0])).join('\n');
    for (const privilege of ['SELECT', 'RELOAD', 'SHOW DATABASES', 'REPLICATION SLAVE']) {
      assert.match(grants, new RegExp(privilege), `conveyor has ${privilege}`);
    }
    // MariaDB 10.5+ shows REPLICATION CLIENT as BINLOG MONITOR.
    assert.match(grants, /REPLICATION CLIENT|BINLOG MONITOR/);
    const [status] = await conn.query<mysql.RowDataPacket[]>('SHOW MASTER STATUS');
    assert.equal(status.length, 1, 'the binlog position is readable');
    const [gtid] = await conn.query<mysql.RowDataPacket[]>('SELECT @@gtid_binlog_pos AS pos');
    assert.equal(typeof gtid[0]?.pos, 'string');
  } finally {
    await conn.end();
  }
});
