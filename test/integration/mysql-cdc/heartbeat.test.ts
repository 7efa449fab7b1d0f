/** Heartbeats while the binlog is idle, carrying the current offset; include.schema.changes=false. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SourceOffset } from '../../../sdk/records.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { createTestDb } from '../binlog/helpers.ts';
import type { TestDb } from '../binlog/helpers.ts';
import { cdcConfig, startTask } from './helpers.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('cdc_hb');
  await db.admin.query(`CREATE TABLE \`${db.name}\`.t (id INT PRIMARY KEY)`);
});
after(async () => {
  await db.drop();
});

test('heartbeat.interval.ms: heartbeats to __debezium-heartbeat.<prefix> with the stream offset; no schema change events when disabled', async () => {
  const prefix = uniqueName('hb');
  const run = await startTask(cdcConfig(db.name, prefix, { 'heartbeat.interval.ms': '200', 'include.schema.changes': 'false' }), new Map<string, SourceOffset>());
  try {
    const records = await run.pollUntil((rs) => rs.filter((r) => r.topic === `__debezium-heartbeat.${prefix}`).length >= 2, 100);
    const hb = records.filter((r) => r.topic === `__debezium-heartbeat.${prefix}`);
    assert.deepEqual(hb[0]?.key, { serverName: prefix });
    assert.equal(typeof (hb[0]?.value as { ts_ms: number }).ts_ms, 'number');
    assert.deepEqual(hb[0]?.sourcePartition, { server: prefix });
    assert.equal(hb[0]?.sourceOffset['snapshot_completed'], true);
    assert.equal(records.filter((r) => r.topic === prefix).length, 0);
  } finally {
    await run.stop();
  }
});
