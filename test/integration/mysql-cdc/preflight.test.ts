/** The task's start-up checks through the real mysql capability fail with the problem and the fix. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceOffset } from '../../../sdk/records.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { cdcConfig, startTask } from './helpers.ts';

test('wrong password: the task fails at start naming the user and the server', async () => {
  const config = { ...cdcConfig('nodb', uniqueName('pf')), 'database.password': 'not-the-password' };
  await assert.rejects(startTask(config, new Map()), (err: Error) => {
    assert.match(err.message, /conveyor/);
    assert.match(err.message, /127\.0\.0\.1:3307/);
    return true;
  });
});

test('a stored binlog position that the server no longer has: fails with the purge explanation and snapshot.mode=when_needed', async () => {
  const prefix = uniqueName('pf');
  const offsets = new Map<string, SourceOffset>([[JSON.stringify({ server: prefix }), { file: 'binlog.999999', pos: 4, server_id: 1, ts_sec: 0, snapshot_completed: true }]]);
  await assert.rejects(startTask(cdcConfig('nodb', prefix), offsets), (err: Error) => {
    assert.match(err.message, /binlog\.999999/);
    assert.match(err.message, /snapshot\.mode=when_needed/);
    return true;
  });
});

test('the capability denies a server outside the policy', async () => {
  const { realMysql } = await import('./helpers.ts');
  const m = realMysql();
  await assert.rejects(m.api.preflight({ host: '127.0.0.1', port: 3306, user: 'x' }), /capability denied: mysql\.preflight to 127\.0\.0\.1:3306/);
  await m.release();
});
