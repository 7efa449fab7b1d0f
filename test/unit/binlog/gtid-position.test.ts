import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mariadbDomains, mariadbGtidProblem } from '../../../host/binlog/gtid-position.ts';
import { streamStart } from '../../../plugins/mysql-cdc/src/offsets.ts';
import type { CdcOffset } from '../../../plugins/mysql-cdc/src/offsets.ts';

void test('MariaDB GTID positions parse per domain, exact past 2^53', () => {
  assert.deepEqual(mariadbDomains('0-3307-12, 1-5-9007199254740993'), new Map([[0, 12n], [1, 9007199254740993n]]));
  assert.deepEqual(mariadbDomains(''), new Map());
});

void test('a position the server still has, written by another server of the topology, resumes', () => {
  // The replica's binlog holds the primary's transactions (log_slave_updates) and its own after promotion.
  assert.equal(mariadbGtidProblem('0-3317-40', '0-3317-3', '0-3318-55'), null);
  assert.equal(mariadbGtidProblem('0-3317-40', '', '0-3317-40'), null);
});

void test('a position older than the oldest binlog is purged; one newer than the server reached is ahead', () => {
  assert.match(mariadbGtidProblem('0-3307-2', '0-3307-10', '0-3307-50') ?? '', /no longer on the server.*purged.*snapshot\.mode=when_needed/);
  assert.match(mariadbGtidProblem('0-3307-60', '', '0-3307-50') ?? '', /ahead of the server.*0-3307-50/);
  assert.match(mariadbGtidProblem('1-3307-1', '', '0-3307-50') ?? '', /ahead of the server/);
});

void test('a stream resumes by GTID when the offset has one, else by file and position', () => {
  const base: CdcOffset = { file: 'binlog.000002', pos: 1234, gtids: null, event: 0, row: 0, serverId: 1, tsSec: 0, snapshot: false, snapshotCompleted: true };
  assert.deepEqual(streamStart(base), { file: 'binlog.000002', pos: 1234 });
  assert.deepEqual(streamStart({ ...base, gtids: '0-3307-9' }), { gtids: '0-3307-9' });
});
