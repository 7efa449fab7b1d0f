import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePositions, decodeOffset, encodeOffset, planStart } from '../../../../plugins/mysql-cdc/src/offsets.ts';
import type { CdcOffset } from '../../../../plugins/mysql-cdc/src/offsets.ts';
import { addGtid } from '../../../../plugins/mysql-cdc/src/gtid.ts';
import type { BinlogEvent as PluginEvent } from '../../../../plugins/mysql-cdc/src/binlog-events.ts';
import type { BinlogEvent as HostEvent } from '../../../../host/binlog/events.ts';

const done: CdcOffset = { file: 'bin.000003', pos: 4711, gtids: '0-1-9', event: 1, row: 2, serverId: 1, tsSec: 5, snapshot: false, snapshotCompleted: true };

test('offsets: encode/decode round trip in Debezium field names, and Debezium offsets are read', () => {
  const enc = encodeOffset(done);
  assert.deepEqual(enc, { file: 'bin.000003', pos: 4711, gtids: '0-1-9', event: 1, row: 2, server_id: 1, ts_sec: 5, snapshot_completed: true });
  assert.deepEqual(decodeOffset(enc), done);
  assert.deepEqual(decodeOffset({ file: 'b.1', pos: 4, snapshot: true }), { file: 'b.1', pos: 4, gtids: null, event: 0, row: 0, serverId: 0, tsSec: 0, snapshot: true, snapshotCompleted: false });
  assert.throws(() => decodeOffset({ pos: 1 }), /no binlog file/);
});

test('offsets: start plans by snapshot.mode', () => {
  const unfinished = { ...done, snapshot: true, snapshotCompleted: false };
  assert.deepEqual(planStart('initial', null, true), { action: 'snapshot', data: true, stream: true, reason: 'no stored offsets' });
  assert.equal(planStart('initial', unfinished, true).action, 'snapshot');
  assert.deepEqual(planStart('initial', done, true), { action: 'stream', offset: done, rebuildHistory: false });
  assert.match((planStart('initial', done, false) as { message: string }).message, /no longer available.*snapshot\.mode=when_needed/);
  assert.deepEqual(planStart('when_needed', done, false), { action: 'snapshot', data: true, stream: true, reason: 'binlog position bin.000003:4711 is no longer on the server' });
  assert.deepEqual(planStart('no_data', null, true), { action: 'snapshot', data: false, stream: true, reason: 'no stored offsets' });
  assert.equal(planStart('initial_only', null, true).action, 'snapshot');
  assert.equal((planStart('initial_only', null, true) as { stream: boolean }).stream, false);
  assert.equal(planStart('initial_only', done, true).action, 'idle');
  assert.equal(planStart('always', done, true).action, 'snapshot');
  assert.deepEqual(planStart('recovery', done, true), { action: 'stream', offset: done, rebuildHistory: true });
  assert.equal(planStart('recovery', null, true).action, 'fail');
});

test('offsets: positions compare by file sequence then position', () => {
  assert.ok(comparePositions({ file: 'bin.000010', pos: 4 }, { file: 'bin.000009', pos: 9999 }) > 0);
  assert.ok(comparePositions({ file: 'bin.000010', pos: 4 }, { file: 'bin.000010', pos: 5 }) < 0);
});

test('gtid: MariaDB positions per domain and MySQL sets with merged intervals', () => {
  assert.equal(addGtid(null, '0-1-5'), '0-1-5');
  assert.equal(addGtid('0-1-5,1-2-7', '0-1-6'), '0-1-6,1-2-7');
  assert.equal(addGtid('0-1-5', '2-3-1'), '0-1-5,2-3-1');
  const u = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  assert.equal(addGtid(`${u}:1-5`, `${u}:6`), `${u}:1-6`);
  assert.equal(addGtid(`${u}:1-5`, `${u}:8`), `${u}:1-5:8`);
  assert.equal(addGtid(`${u}:1-5:7`, `${u}:6`), `${u}:1-7`);
});

test('binlog events: the plugin and host declarations are the same shapes', () => {
  const fromHost = (e: HostEvent): PluginEvent => e;
  const fromPlugin = (e: PluginEvent): HostEvent => e;
  const e: HostEvent = { kind: 'rotate', file: 'f', pos: 4 };
  assert.deepEqual(fromPlugin(fromHost(e)), e);
});

test('processor: a primary-key change is a delete (+ tombstone, both with the new key) and a create with the old key', async () => {
  const { ChangeEventProcessor } = await import('../../../../plugins/mysql-cdc/src/processor.ts');
  const { SchemaHistory } = await import('../../../../plugins/mysql-cdc/src/schema/history.ts');
  const { testConfig } = await import('./fixtures.ts');
  const h = new SchemaHistory('shop');
  h.apply('CREATE TABLE t (id INT PRIMARY KEY, v INT)', 'db', { file: 'b.1', pos: 4 }, 0);
  const p = new ChangeEventProcessor(testConfig(), h, { ...done, event: 0, row: 0 });
  const at = { file: 'b.1', pos: 100, nextPos: 200, timestamp: 1000, serverId: 1, gtid: '0-1-10' };
  const out = p.handle({ kind: 'rows', ...at, op: 'update', db: 'db', table: 't', tableId: 1, txFile: 'b.1', txPos: 50, rows: [{ before: { id: 1, v: 1 }, after: { id: 2, v: 1 } }], query: null, thread: null }, 0).records;
  assert.deepEqual(out.map((r) => [(r.value as { op?: string } | null)?.op ?? null, r.key, r.headers ?? null]), [
    ['d', { id: 1 }, { '__debezium.newkey': '{"id":2}' }],
    [null, { id: 1 }, { '__debezium.newkey': '{"id":2}' }],
    ['c', { id: 2 }, { '__debezium.oldkey': '{"id":1}' }],
  ]);
  p.handle({ kind: 'commit', ...at, pos: 200, nextPos: 231 }, 0);
  assert.deepEqual([p.offset.pos, p.offset.gtids, p.offset.event, p.offset.row], [231, '0-1-10', 0, 0]);
});

test('processor: transaction metadata resumed inside a transaction continues its orders and sends no second BEGIN', async () => {
  const { ChangeEventProcessor } = await import('../../../../plugins/mysql-cdc/src/processor.ts');
  const { SchemaHistory } = await import('../../../../plugins/mysql-cdc/src/schema/history.ts');
  const { testConfig } = await import('./fixtures.ts');
  const h = new SchemaHistory('shop');
  h.apply('CREATE TABLE t (id INT PRIMARY KEY, v INT)', 'db', { file: 'b.1', pos: 4 }, 0);
  const at = { file: 'b.1', nextPos: 0, timestamp: 7000, serverId: 1, gtid: '0-1-10' };
  const rows = (pos: number, ids: number[]) => ({ kind: 'rows' as const, ...at, pos, op: 'insert' as const, db: 'db', table: 't', tableId: 1, txFile: 'b.1', txPos: 50, rows: ids.map((id) => ({ before: null, after: { id, v: 0 } })), query: null, thread: null });
  const events = [{ kind: 'begin' as const, ...at, pos: 50 }, rows(100, [1, 2]), rows(200, [3]), { kind: 'commit' as const, ...at, pos: 300, nextPos: 331 }];
  const summary = (p: InstanceType<typeof ChangeEventProcessor>) => events.flatMap((e) => p.handle(e, 0).records).map((r) => {
    const v = r.value as { op?: string; status?: string; transaction?: { total_order: number } | null; event_count?: number };
    return v.status ? `${v.status}${v.event_count ? `:${v.event_count}` : ''}` : `${v.op}#${v.transaction?.total_order}`;
  });
  const config = testConfig({ 'provide.transaction.metadata': 'true' });
  assert.deepEqual(summary(new ChangeEventProcessor(config, h, { ...done, event: 0, row: 0 })), ['BEGIN', 'c#1', 'c#2', 'c#3', 'END:3']);
  // Stopped after the first row of the first rows event: the resume emits rows 2 and 3 with their orders.
  assert.deepEqual(summary(new ChangeEventProcessor(config, h, { ...done, file: 'b.1', pos: 50, event: 0, row: 1 })), ['c#2', 'c#3', 'END:3']);
  assert.equal(config.transactionTopic, 'shop.transaction');
});
