/** host/metrics without servers: windowed stats, and what the rendering makes of a worker's figures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMetrics } from '../../../host/metrics/prometheus.ts';
import { CumulativeRate, SampledStat, StateRatio } from '../../../host/metrics/sampled.ts';
import { TaskMetrics } from '../../../host/metrics/task-metrics.ts';
import { WorkerMetrics } from '../../../host/metrics/worker-metrics.ts';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';

void test('SampledStat: avg, max and rate over the last two 30 s samples; NaN with nothing recorded', () => {
  const s = new SampledStat(0);
  assert.ok(Number.isNaN(s.avg(0)));
  assert.ok(Number.isNaN(s.max(0)));
  s.record(10, 1_000);
  s.record(30, 2_000);
  assert.equal(s.avg(2_000), 20);
  assert.equal(s.max(2_000), 30);
  assert.equal(s.rate(2_000), 40 / 30); // at least one sample's worth of elapsed time
  s.record(5, 31_000);
  assert.equal(s.max(31_000), 30);
  s.record(1, 62_000); // the first sample leaves the window
  assert.equal(s.max(62_000), 5);
  assert.ok(Number.isNaN(s.avg(200_000)));
});

void test('StateRatio and CumulativeRate', () => {
  const r = new StateRatio<'RUNNING' | 'PAUSED'>('RUNNING', 0);
  r.enter('PAUSED', 750);
  assert.equal(r.ratio('RUNNING', 1_000), 0.75);
  assert.equal(r.ratio('PAUSED', 1_000), 0.25);
  const c = new CumulativeRate(0);
  assert.equal(c.read(100, 10_000), 10);
  assert.equal(c.read(400, 40_000), 10);
  assert.equal(c.read(700, 70_000), 10);
});

void test('renderMetrics: JMX-exporter names and labels, limit kills by limit, restarts, rebalance figures, gone tasks leave no series', async () => {
  const w = new WorkerMetrics();
  const metrics = new TaskMetrics('sink');
  metrics.states.enter('RUNNING');
  metrics.batch(20, 4);
  metrics.committed(3, true);
  const source = {
    metricsView: () => ({
      name: 'orders-sink',
      type: 'sink' as const,
      runsConnector: true,
      state: 'RUNNING' as const,
      tasks: [{ id: 0, state: 'RUNNING' as const, metrics, taskKey: 'k0', pipeline: { stats: { records: 20, filtered: 1, failed: 2 }, position: () => ({ 'orders/0': 23 }) } }],
    }),
  };
  w.attach(source);
  w.startup('task', 'attempt');
  w.startup('task', 'success');
  w.limitKilled('memory');
  w.limitKilled('memory');
  w.limitKilled('cpu');
  w.processRestarted();
  w.rebalanced(12);
  w.providers = {
    sandbox: () => Promise.resolve({ processes: [{ pid: 7, rssBytes: 1000, tasks: [{ taskKey: 'k0', cpuMs: 55, heapUsedBytes: 4096, wasmBytes: 0 }] }] }),
    capabilityCalls: () => [{ connector: 'orders-sink', task: 0, call: 'elasticsearch.bulk', counters: { calls: 5, errors: 1, denied: 2, totalMs: 1500 } }],
    endOffsets: () => Promise.resolve(new Map([[0, 30n]])),
    rebalance: { epoch: () => 4, rebalancing: () => false },
  };
  const { contentType, body } = await renderMetrics(w);
  assert.match(contentType, /^text\/plain/);
  const s = parsePrometheus(body);
  const T = { connector: 'orders-sink', task: '0' };
  assert.equal(sampleValue(s, 'kafka_connect_sink_task_metrics_sink_record_send_total', T), 20);
  assert.equal(sampleValue(s, 'kafka_connect_sink_task_metrics_sink_record_read_total', T), 23);
  assert.equal(sampleValue(s, 'kafka_connect_sink_task_metrics_partition_count', T), 1);
  assert.equal(sampleValue(s, 'kafka_connect_connector_task_metrics_batch_size_max', T), 20);
  assert.equal(sampleValue(s, 'kafka_connect_connector_task_metrics_offset_commit_success_percentage', T), 1);
  assert.equal(sampleValue(s, 'kafka_connect_task_error_metrics_total_records_skipped', T), 0);
  assert.equal(sampleValue(s, 'kafka_consumer_consumer_fetch_manager_metrics_records_lag', { ...T, topic: 'orders', partition: '0' }), 7);
  assert.equal(sampleValue(s, 'conveyor_sandbox_limit_kills_total', { limit: 'memory' }), 2);
  assert.equal(sampleValue(s, 'conveyor_sandbox_limit_kills_total', { limit: 'cpu' }), 1);
  assert.equal(sampleValue(s, 'conveyor_sandbox_process_restarts_total'), 1);
  assert.equal(sampleValue(s, 'conveyor_sandbox_isolate_heap_bytes', T), 4096);
  assert.equal(sampleValue(s, 'conveyor_sandbox_isolate_cpu_ms_total', T), 55);
  assert.equal(sampleValue(s, 'conveyor_sandbox_capability_calls_total', { ...T, capability: 'elasticsearch', method: 'bulk' }), 5);
  assert.equal(sampleValue(s, 'conveyor_sandbox_capability_denials_total', { ...T, capability: 'elasticsearch', method: 'bulk' }), 2);
  assert.equal(sampleValue(s, 'kafka_connect_connect_worker_rebalance_metrics_epoch'), 4);
  assert.equal(sampleValue(s, 'kafka_connect_connect_worker_rebalance_metrics_completed_rebalances_total'), 1);
  assert.equal(sampleValue(s, 'kafka_connect_connect_worker_rebalance_metrics_rebalance_max_time_ms'), 12);
  assert.equal(sampleValue(s, 'kafka_connect_connect_worker_metrics_task_startup_success_percentage'), 1);
  assert.match(body, /# TYPE kafka_connect_sink_task_metrics_sink_record_read_total counter/);

  w.detach(source);
  const gone = parsePrometheus((await renderMetrics(w)).body);
  assert.equal(sampleValue(gone, 'kafka_connect_sink_task_metrics_sink_record_send_total', T), undefined);
  assert.equal(sampleValue(gone, 'kafka_connect_connect_worker_metrics_connector_count'), 0);
});
