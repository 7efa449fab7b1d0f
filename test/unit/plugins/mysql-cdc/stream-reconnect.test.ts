/**
 * A lost binlog connection (the server restarted): the task reconnects from the position of the last event it
 * handled, as Debezium does, up to errors.max.retries times; other errors and retries past the limit fail the poll.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinlogEvent, BinlogStartSpec, MysqlCapability } from '../../../../sdk/index.ts';
import { createTaskHarness } from '../../../../sdk/testing.ts';
import plugin from '../../../../plugins/mysql-cdc/src/index.ts';

const lost = (): Error => Object.assign(new Error('Cannot reach the database at 127.0.0.1:3307 (reading the binlog): PROTOCOL_CONNECTION_LOST'), { code: 'CONVEYOR_UNAVAILABLE' });

/** A server whose binlog reads follow a script: a batch of events, or an error to throw. */
function fakeMysql(script: (BinlogEvent[] | Error)[], opens: (BinlogStartSpec | undefined)[], refuseOpens = 0): MysqlCapability {
  let refused = 0;
  return {
    connect: () => Promise.resolve('c1'),
    query: () => Promise.resolve({ rows: [] }),
    close: () => Promise.resolve(),
    preflight: () => Promise.resolve({ problems: [], warnings: [], server: null }),
    binlogOpen: (o) => {
      if (opens.length > 0 && refused < refuseOpens) {
        refused++;
        return Promise.reject(Object.assign(new Error('Cannot reach the database: ECONNREFUSED'), { code: 'CONVEYOR_UNAVAILABLE' }));
      }
      opens.push(o.start);
      return Promise.resolve(`s${opens.length}`);
    },
    binlogRead: () => {
      const next = script.shift() ?? [];
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    binlogClose: () => Promise.resolve(),
    snapshotOpen: () => Promise.resolve({ id: 'snap', position: { file: 'bin.000001', pos: 4, gtids: null }, tables: [] }),
    snapshotRead: () => Promise.resolve({ rows: [], done: true, rowsRead: 0 }),
    snapshotClose: () => Promise.resolve(),
  };
}

const tx = (pos: number): BinlogEvent[] => [
  { kind: 'begin', file: 'bin.000001', pos, nextPos: pos + 10, timestamp: 1_700_000_000_000, serverId: 1, gtid: `0-1-${pos}` },
  { kind: 'commit', file: 'bin.000001', pos: pos + 10, nextPos: pos + 20, timestamp: 1_700_000_000_000, serverId: 1, gtid: `0-1-${pos}` },
];

function harness(mysql: MysqlCapability, extra: Record<string, string> = {}) {
  return createTaskHarness(plugin, {
    config: {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'database.hostname': '127.0.0.1', 'database.port': '3307', 'database.user': 'conveyor',
      'database.server.id': '5400', 'topic.prefix': 'shop', 'schema.history.internal.kafka.topic': 'shop.history', 'snapshot.mode': 'no_data', 'poll.interval.ms': '1', 'retriable.restart.connector.wait.ms': '0', ...extra,
    },
    capabilities: { mysql },
  });
}

test('a lost connection reopens the stream where the last handled event ended, and streaming goes on', async () => {
  const opens: (BinlogStartSpec | undefined)[] = [];
  const h = harness(fakeMysql([tx(100), lost(), tx(120)], opens, 0));
  await h.start();
  for (let i = 0; i < 6; i++) await h.poll();
  assert.equal(opens.length, 2, 'opened after the snapshot and once more after the loss');
  assert.deepEqual(opens[0], { file: 'bin.000001', pos: 4 });
  assert.deepEqual(opens[1], { gtids: '0-1-100' }, 'resumes after the last committed transaction');
  const warn = h.logs.find((l) => l.msg === 'binlog connection lost; reconnecting');
  assert.ok(warn, 'the loss is logged');
  assert.equal(warn.level, 'warn');
  const connected = [...h.metrics.entries()].filter(([k]) => k.startsWith('debezium_metrics_Connected{'));
  assert.deepEqual(connected.map(([, v]) => v), [1], 'connected again');
  await h.stop();
});

test('a server that stays down is retried; past errors.max.retries the poll fails with the connection error', async () => {
  const opens: (BinlogStartSpec | undefined)[] = [];
  const h = harness(fakeMysql([lost()], opens, 5), { 'errors.max.retries': '2' });
  await h.start();
  await h.poll(); // the read fails: first retry scheduled
  await h.poll(); // reopening is refused: second retry
  const connected = (): number | undefined => [...h.metrics.entries()].find(([k]) => k.startsWith('debezium_metrics_Connected{'))?.[1];
  assert.equal(connected(), 0, 'not connected while retrying');
  await assert.rejects(() => h.poll(), /ECONNREFUSED/, 'the third failure is past the limit');
  assert.equal(h.logs.filter((l) => l.msg === 'binlog connection lost; reconnecting').length, 2);
});

test('an error that is not a lost connection fails the poll at once', async () => {
  const opens: (BinlogStartSpec | undefined)[] = [];
  const h = harness(fakeMysql([Object.assign(new Error('mysql.binlogRead: stream must be a string'), { code: 'CONVEYOR_BAD_REQUEST' })], opens));
  await h.start();
  await assert.rejects(() => h.poll(), /stream must be a string/);
  assert.equal(opens.length, 1);
});
