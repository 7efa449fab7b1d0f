/** describe connector's snapshot section, from a CDC task's plugin series. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotProgress } from '../../../host/cli/ctl/snapshot-progress.ts';

const ctx = { plugin: 'mysql', name: 'srv', context: 'snapshot' };

void test('a running snapshot shows rows scanned against the estimate per table', () => {
  const lines = snapshotProgress([{
    task: 0,
    metrics: [
      { name: 'debezium_metrics_SnapshotRunning', labels: ctx, value: 1 },
      { name: 'debezium_metrics_SnapshotCompleted', labels: ctx, value: 0 },
      { name: 'debezium_metrics_TotalTableCount', labels: ctx, value: 2 },
      { name: 'debezium_metrics_RemainingTableCount', labels: ctx, value: 1 },
      { name: 'debezium_metrics_RowsScanned', labels: { ...ctx, table: 'db.b' }, value: 250 },
      { name: 'debezium_metrics_RowsScanned', labels: { ...ctx, table: 'db.a' }, value: 10 },
      { name: 'mysql_cdc_snapshot_rows_estimated', labels: { name: 'srv', table: 'db.a' }, value: 10 },
      { name: 'mysql_cdc_snapshot_rows_estimated', labels: { name: 'srv', table: 'db.b' }, value: 1000 },
    ],
  }]);
  assert.equal(lines[0], 'Snapshot:');
  assert.equal(lines[1], '  Task 0: running, 1 of 2 tables read');
  assert.match(lines[2] ?? '', /^ {4}TABLE\s+ROWS SCANNED\s+TOTAL \(EST\.\)\s+PROGRESS$/);
  assert.match(lines[3] ?? '', /^ {4}db\.a\s+10\s+~10\s+100%$/);
  assert.match(lines[4] ?? '', /^ {4}db\.b\s+250\s+~1000\s+25%$/);
});

void test('a connector whose tasks report no snapshot has no snapshot section', () => {
  assert.deepEqual(snapshotProgress([]), []);
  assert.deepEqual(snapshotProgress([{ task: 0, metrics: [{ name: 'elasticsearch_sink_documents_total', labels: {}, value: 3 }] }]), []);
});
