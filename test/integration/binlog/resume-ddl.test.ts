import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBinlogReader } from '../../../host/binlog/reader.ts';
import type { BinlogEvent } from '../../../host/binlog/events.ts';
import { ChangeEventProcessor } from '../../../plugins/mysql-cdc/src/processor.ts';
import type { CdcRecord } from '../../../plugins/mysql-cdc/src/events/change-events.ts';
import { decodeOffset } from '../../../plugins/mysql-cdc/src/offsets.ts';
import type { CdcOffset } from '../../../plugins/mysql-cdc/src/offsets.ts';
import { SchemaHistory } from '../../../plugins/mysql-cdc/src/schema/history.ts';
import type { HistoryRecord } from '../../../plugins/mysql-cdc/src/schema/history.ts';
import { testConfig } from '../../unit/plugins/mysql-cdc/fixtures.ts';
import { cdcUser, createTestDb, readUntil, serverId } from './helpers.ts';

const after = (r: CdcRecord): Record<string, unknown> | null => ((r.value as Record<string, unknown> | null)?.['after'] as Record<string, unknown> | null) ?? null;

test('restart mid-transaction resumes with no gap and no double; events before a DDL decode with the old shape', async (t) => {
  const db = await createTestDb('binlog_resume');
  t.after(() => db.drop());
  const config = testConfig({ 'database.include.list': db.name });
  const [[status]] = (await db.admin.query('SHOW MASTER STATUS')) as unknown as [[{ File: string; Position: number }]];
  const start: CdcOffset = { file: status.File, pos: status.Position, gtids: null, event: 0, row: 0, serverId: 0, tsSec: 0, snapshot: false, snapshotCompleted: true };

  await db.admin.query(`USE \`${db.name}\``);
  await db.admin.query('CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(10))');
  await db.admin.query('BEGIN');
  await db.admin.query("INSERT INTO items VALUES (1,'a'),(2,'b'),(3,'c')");
  await db.admin.query("INSERT INTO items VALUES (4,'d'),(5,'e'),(6,'f')");
  await db.admin.query('COMMIT');
  await db.admin.query('ALTER TABLE items ADD COLUMN qty INT NOT NULL DEFAULT 0, DROP COLUMN name');
  await db.admin.query('INSERT INTO items VALUES (7, 70)');
  await db.admin.query('RENAME TABLE items TO goods');
  await db.admin.query('INSERT INTO goods VALUES (8, 80)');

  async function run(history: SchemaHistory, from: CdcOffset, stopAfter: number | null) {
    const proc = new ChangeEventProcessor(config, history, from);
    const reader = await openBinlogReader({ ...cdcUser, serverId: serverId(), start: from.gtids ? { gtids: from.gtids } : { file: from.file, pos: from.pos } });
    const records: CdcRecord[] = [];
    const historyRecords: HistoryRecord[] = [];
    const done = (): boolean => records.some((r) => after(r)?.['id'] === 8) || (stopAfter !== null && records.filter((r) => r.topic !== 'shop').length >= stopAfter);
    try {
      await readUntil(reader, (events: BinlogEvent[]) => {
        for (const e of events.splice(0)) {
          if (done()) break;
          const out = proc.handle(e, 0);
          historyRecords.push(...out.history);
          for (const r of out.records) if (!done()) records.push(r);
        }
        return done();
      });
    } finally {
      await reader.close();
    }
    return { records, historyRecords };
  }

  // First run stops after 4 rows: inside the transaction, one row into its second row event.
  const first = await run(new SchemaHistory('shop'), start, 4);
  const dataIds = (rs: CdcRecord[]) => rs.filter((r) => r.topic.startsWith(`shop.${db.name}.`)).map((r) => after(r)?.['id']);
  assert.deepEqual(dataIds(first.records), [1, 2, 3, 4]);
  const stored = decodeOffset(first.records.at(-1)!.sourceOffset)!;
  assert.equal(stored.event, 1);
  assert.equal(stored.row, 1);

  // Restart: history replayed up to the stored offset, stream from the transaction's BEGIN, skip what was emitted.
  const restored = SchemaHistory.restore('shop', first.historyRecords, stored);
  const second = await run(restored, stored, null);
  const data = second.records.filter((r) => r.value !== null && r.topic !== 'shop');
  assert.deepEqual(data.map((r) => after(r)?.['id']), [5, 6, 7, 8]);
  assert.deepEqual(after(data[0]!), { id: 5, name: 'e' }, 'rows written before the ALTER have the old columns');
  assert.deepEqual(after(data[2]!), { id: 7, qty: 70 }, 'rows after it the new ones');
  assert.equal(data[3]!.topic, `shop.${db.name}.goods`, 'a renamed table gets its new topic');
  const changes = second.records.filter((r) => r.topic === 'shop');
  assert.deepEqual(changes.map((r) => (r.value as { ddl: string }).ddl.split(' ')[0]), ['ALTER', 'RENAME']);
});
