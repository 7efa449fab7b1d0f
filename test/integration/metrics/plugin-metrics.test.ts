/**
 * What the built-in plugins report through ctx.metrics, scraped from a worker's GET /metrics on the real stack: the
 * CDC source's Debezium snapshot and streaming metrics (named as Debezium's JMX exporter rules name them) and the
 * Elasticsearch sink's bulk latency, requests and refused documents.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCdcWorker } from '../../helpers/cdc-worker.ts';
import type { CdcWorker } from '../../helpers/cdc-worker.ts';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';
import type { Sample } from '../../helpers/prometheus.ts';
import { produce } from '../../helpers/standalone-worker.ts';
import { waitFor } from '../worker/worker-fixture.ts';

let h: CdcWorker;

before(async () => {
  h = await startCdcWorker('opmetrics');
  const q = (sql: string): Promise<unknown> => h.db.admin.query(sql);
  await q(`CREATE TABLE \`${h.db.name}\`.orders (id INT PRIMARY KEY, note VARCHAR(64) NOT NULL)`);
  await q(`CREATE TABLE \`${h.db.name}\`.customers (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL)`);
  const orders = Array.from({ length: 1200 }, (_, i) => `(${i + 1}, 'order ${i + 1}')`).join(',');
  await q(`INSERT INTO \`${h.db.name}\`.orders VALUES ${orders}`);
  await q(`INSERT INTO \`${h.db.name}\`.customers VALUES (1, 'Sally'), (2, 'George'), (3, 'Edward')`);
  await q(`ANALYZE TABLE \`${h.db.name}\`.orders, \`${h.db.name}\`.customers`);
});

after(async () => {
  await h.close();
});

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${h.url}/metrics`);
  assert.equal(res.status, 200);
  return parsePrometheus(await res.text());
}

void test('the CDC source serves Debezium\'s snapshot metrics per table, then its streaming metrics move with the binlog', { timeout: 180_000 }, async () => {
  const { name, prefix } = await h.createCdc('opm', ['orders', 'customers'], { 'snapshot.fetch.size': '100', 'max.batch.size': '100' });
  const snap = { connector: name, task: '0', plugin: 'mysql', name: prefix, context: 'snapshot' };
  const done = await waitFor('the snapshot completed', async () => {
    const s = await scrape();
    return sampleValue(s, 'debezium_metrics_SnapshotCompleted', snap) === 1 ? s : undefined;
  }, 90_000);
  assert.equal(sampleValue(done, 'debezium_metrics_RowsScanned', { ...snap, table: `${h.db.name}.orders` }), 1200);
  assert.equal(sampleValue(done, 'debezium_metrics_RowsScanned', { ...snap, table: `${h.db.name}.customers` }), 3);
  assert.equal(sampleValue(done, 'debezium_metrics_SnapshotRunning', snap), 0);
  assert.equal(sampleValue(done, 'debezium_metrics_TotalTableCount', snap), 2);
  assert.equal(sampleValue(done, 'debezium_metrics_RemainingTableCount', snap), 0);
  assert.equal(sampleValue(done, 'debezium_metrics_TotalNumberOfEventsSeen', snap), 1203);
  assert.ok((sampleValue(done, 'mysql_cdc_snapshot_rows_estimated', { connector: name, name: prefix, table: `${h.db.name}.orders` }) ?? 0) > 0, 'the row estimate is served');

  const stream = { connector: name, task: '0', plugin: 'mysql', name: prefix, context: 'streaming' };
  assert.equal(sampleValue(done, 'debezium_metrics_Connected', stream), 1);
  const seen = sampleValue(done, 'debezium_metrics_TotalNumberOfEventsSeen', stream) ?? 0;
  const committed = sampleValue(done, 'debezium_metrics_NumberOfCommittedTransactions', stream) ?? 0;
  for (let i = 0; i < 3; i++) await h.db.admin.query(`INSERT INTO \`${h.db.name}\`.customers VALUES (${10 + i}, 'new ${i}')`);
  const moved = await waitFor('streaming metrics moved', async () => {
    const s = await scrape();
    return (sampleValue(s, 'debezium_metrics_TotalNumberOfEventsSeen', stream) ?? 0) >= seen + 3 ? s : undefined;
  }, 60_000);
  assert.ok((sampleValue(moved, 'debezium_metrics_NumberOfCommittedTransactions', stream) ?? 0) >= committed + 3);
  const behind = sampleValue(moved, 'debezium_metrics_MilliSecondsBehindSource', stream);
  assert.ok(behind !== undefined && behind >= 0, `MilliSecondsBehindSource served: ${behind}`);
});

void test('the Elasticsearch sink serves its bulk latency histogram, requests, and the documents Elasticsearch refused', { timeout: 180_000 }, async () => {
  const topic = (await h.fx.topic('opm-es')).toLowerCase();
  // The last document's `n` cannot be a long: Elasticsearch refuses it as malformed, the sink skips it (warn).
  const docs = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: { n: i } }));
  await produce(h.fx.reference, topic, [...docs, { key: 'bad', value: { n: 'not a number' } }]);
  const name = await h.createEsSink('opm-es', topic, { 'behavior.on.malformed.documents': 'warn', 'errors.tolerance': 'all', 'batch.size': '10', 'linger.ms': '0' });
  const labels = { connector: name, task: '0' };
  const s = await waitFor('the sink wrote every document', async () => {
    const x = await scrape();
    return (sampleValue(x, 'elasticsearch_sink_documents_total', labels) ?? 0) >= 51 && (sampleValue(x, 'elasticsearch_sink_documents_failed_total', labels) ?? 0) >= 1 ? x : undefined;
  }, 90_000);
  const requests = sampleValue(s, 'elasticsearch_sink_bulk_requests_total', { ...labels, outcome: 'success' }) ?? 0;
  assert.ok(requests >= 6, `at least 6 bulk requests of at most 10 documents: ${requests}`);
  assert.equal(sampleValue(s, 'elasticsearch_sink_bulk_request_duration_seconds_count', labels), requests + (sampleValue(s, 'elasticsearch_sink_bulk_requests_total', { ...labels, outcome: 'failure' }) ?? 0));
  assert.ok((sampleValue(s, 'elasticsearch_sink_bulk_request_duration_seconds_sum', labels) ?? 0) > 0);
  assert.equal(sampleValue(s, 'elasticsearch_sink_bulk_request_duration_seconds_bucket', { ...labels, le: '+Inf' }), sampleValue(s, 'elasticsearch_sink_bulk_request_duration_seconds_count', labels));
  assert.equal(sampleValue(s, 'elasticsearch_sink_documents_failed_total', labels), 1);
  assert.equal(sampleValue(s, 'elasticsearch_sink_bulk_failures_total', labels) ?? 0, 0);
});
