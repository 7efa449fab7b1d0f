import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertPreflight, preflight } from '../../../host/binlog/preflight.ts';
import { openBinlogReader } from '../../../host/binlog/reader.ts';
import { isConveyorError } from '../../../host/core/errors.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { cdcUser, createTestDb, server, serverId } from './helpers.ts';

test('preflight: the stack user on the stack server passes, with its binlog files listed', async () => {
  const report = await assertPreflight(cdcUser);
  assert.deepEqual(report.problems, []);
  assert.equal(report.server?.mariadb, true);
  assert.ok((report.server?.binlogFiles.length ?? 0) > 0);
});

test('preflight: a wrong password names the credentials keys', async () => {
  const report = await preflight({ ...cdcUser, password: 'wrong' });
  assert.equal(report.problems.length, 1);
  assert.equal(report.problems[0]?.check, 'credentials');
  assert.match(report.problems[0].message, /Access denied for user 'conveyor'.*database\.user and database\.password/);
  await assert.rejects(openBinlogReader({ ...cdcUser, password: 'wrong', serverId: serverId(), start: 'end' }), (err) => {
    assert.ok(isConveyorError(err));
    assert.match(err.message, /database\.password/);
    return true;
  });
});

test('preflight: a user without replication privileges gets the GRANT to run', async (t) => {
  const db = await createTestDb('binlog_priv');
  const user = uniqueName('cdc').slice(0, 30);
  t.after(async () => {
    await db.admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await db.drop();
  });
  await db.admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
  await db.admin.query(`GRANT SELECT ON *.* TO '${user}'@'%'`);
  const report = await preflight({ ...server, user, password: 'pw' });
  const problem = report.problems.find((p) => p.check === 'privileges');
  assert.ok(problem, JSON.stringify(report.problems));
  assert.match(problem.message, /lacks RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT: GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON \*\.\*/);
  await assert.rejects(openBinlogReader({ ...server, user, password: 'pw', serverId: serverId(), start: 'end' }), (err) => {
    assert.ok(isConveyorError(err));
    assert.match(err.message, /lacks a privilege|Grant|REPLICATION SLAVE/);
    return true;
  });
});

test('preflight: include-list entries that match no table or database are named', async (t) => {
  const db = await createTestDb('binlog_tables');
  t.after(() => db.drop());
  await db.admin.query(`CREATE TABLE \`${db.name}\`.present (id INT PRIMARY KEY)`);
  const report = await preflight({ ...cdcUser, tableIncludeList: [`${db.name}.present`, `${db.name}.missing`], databaseIncludeList: [db.name, 'no_such_db_x'] });
  assert.deepEqual(report.problems.map((p) => p.check), ['tables', 'tables']);
  assert.match(report.problems[0]!.message, new RegExp(`table.include.list entry '${db.name}.missing' matches no table`));
  assert.match(report.problems[1]!.message, /database.include.list entry 'no_such_db_x' matches no database/);
});

test('preflight and reader: a purged or unknown binlog file is reported with the snapshot.mode fix', async () => {
  const report = await preflight({ ...cdcUser, position: { file: 'mysql-bin.000000', pos: 4 } });
  const problem = report.problems.find((p) => p.check === 'position');
  assert.ok(problem, JSON.stringify(report.problems));
  assert.match(problem.message, /mysql-bin\.000000 is no longer on the server.*snapshot\.mode=when_needed/);
  const last = report.server!.binlogFiles.at(-1)!;
  const past = await preflight({ ...cdcUser, position: { file: last.file, pos: last.size + 1_000_000 } });
  assert.match(past.problems[0]?.message ?? '', /past the end of the file/);
  await assert.rejects(openBinlogReader({ ...cdcUser, serverId: serverId(), start: { file: 'mysql-bin.000000', pos: 4 } }), (err) => {
    assert.ok(isConveyorError(err));
    assert.match(err.message, /binlog was probably purged: set snapshot\.mode=when_needed/);
    return true;
  });
});
