/**
 * GET /metrics on a real worker (Kafka-backed standalone, sandboxed tasks): a datagen source feeding a counting sink,
 * scraped twice; Kafka Connect's counters move between the scrapes and the sandbox's figures name each task.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { startRestWorker, tempDir } from '../rest/helpers.ts';
import type { RestWorker } from '../rest/helpers.ts';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';
import type { Sample } from '../../helpers/prometheus.ts';

let fx: KafkaFixture;
let w: RestWorker;
let tmp: { dir: string; remove(): Promise<void> };

before(async () => {
  fx = await kafkaFixture();
  tmp = await tempDir();
  w = await startRestWorker(tmp.dir);
});

after(async () => {
  await w.close();
  await fx.cleanup();
  await tmp.remove();
});

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${w.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

void test('GET /metrics: Kafka Connect task metrics move between two scrapes; sandbox figures per task', { timeout: 120_000 }, async () => {
  const topic = await fx.topic('metrics');
  const src = uniqueName('msrc');
  const sink = uniqueName('msink');
  fx.groups.push(`connect-${sink}`);
  assert.equal((await w.call('POST', '/connectors', { name: src, config: { 'connector.class': 'DatagenSource', topic, rate: '400', 'batch.size': '50' } })).status, 201);
  assert.equal((await w.call('POST', '/connectors', { name: sink, config: { 'connector.class': 'CountingSink', topics: topic } })).status, 201);
  const S = { connector: src, task: '0' };
  const K = { connector: sink, task: '0' };

  const first = await eventually(async () => {
    const s = await scrape();
    const read = sampleValue(s, 'kafka_connect_sink_task_metrics_sink_record_read_total', K) ?? 0;
    const commits = sampleValue(s, 'kafka_connect_sink_task_metrics_offset_commit_completion_total', K) ?? 0;
    return read > 0 && commits > 0 ? s : undefined;
  }, 'the sink to read records and commit', 60_000);

  assert.equal(sampleValue(first, 'kafka_connect_connect_worker_metrics_connector_count'), 2);
  assert.equal(sampleValue(first, 'kafka_connect_connect_worker_metrics_task_count'), 2);
  assert.equal(sampleValue(first, 'kafka_connect_connect_worker_metrics_connector_running_task_count', { connector: src }), 1);
  assert.ok((sampleValue(first, 'kafka_connect_connect_worker_metrics_task_startup_success_total') ?? 0) >= 2);
  assert.equal(sampleValue(first, 'kafka_connect_connector_task_metrics_status', { ...S, status: 'running' }), 1);
  assert.equal(sampleValue(first, 'kafka_connect_connector_metrics_status', { connector: sink, status: 'running' }), 1);
  assert.ok((sampleValue(first, 'kafka_connect_connector_task_metrics_running_ratio', S) ?? 0) > 0);
  assert.ok((sampleValue(first, 'kafka_connect_connector_task_metrics_batch_size_avg', S) ?? 0) > 0);
  assert.ok((sampleValue(first, 'kafka_connect_connector_task_metrics_offset_commit_max_time_ms', K) ?? -1) >= 0);
  assert.ok((sampleValue(first, 'kafka_connect_source_task_metrics_poll_batch_avg_time_ms', S) ?? -1) >= 0);
  assert.ok((sampleValue(first, 'kafka_connect_sink_task_metrics_put_batch_avg_time_ms', K) ?? -1) >= 0);
  assert.equal(sampleValue(first, 'kafka_connect_task_error_metrics_total_record_errors', K), 0);
  assert.equal(sampleValue(first, 'kafka_connect_task_error_metrics_deadletterqueue_produce_requests', K), 0);
  assert.ok((sampleValue(first, 'conveyor_sandbox_isolate_heap_bytes', S) ?? 0) > 0);
  assert.ok((sampleValue(first, 'conveyor_sandbox_isolate_heap_bytes', K) ?? 0) > 0);
  assert.ok(sampleValue(first, 'conveyor_sandbox_isolate_cpu_ms_total', S) !== undefined);
  assert.equal(sampleValue(first, 'conveyor_sandbox_process_restarts_total'), 0);
  assert.ok((sampleValue(first, 'conveyor_sandbox_processes') ?? 0) >= 1);
  assert.ok(sampleValue(first, 'kafka_consumer_consumer_fetch_manager_metrics_records_lag', { ...K, topic, partition: '0' }) !== undefined);
  assert.ok(sampleValue(first, 'process_cpu_user_seconds_total') !== undefined, 'Node process metrics are served too');

  await new Promise((r) => setTimeout(r, 1500));
  const second = await scrape();
  const moved = (name: string, labels: Record<string, string>): void => {
    const a = sampleValue(first, name, labels) ?? 0;
    const b = sampleValue(second, name, labels) ?? 0;
    assert.ok(b > a, `${name} moved (${a} → ${b})`);
  };
  moved('kafka_connect_source_task_metrics_source_record_poll_total', S);
  moved('kafka_connect_source_task_metrics_source_record_write_total', S);
  moved('kafka_connect_sink_task_metrics_sink_record_read_total', K);
  moved('kafka_connect_sink_task_metrics_sink_record_send_total', K);
  moved('kafka_connect_sink_task_metrics_offset_commit_completion_total', K);
  assert.ok((sampleValue(second, 'kafka_connect_source_task_metrics_source_record_poll_rate', S) ?? 0) > 0);
  assert.ok((sampleValue(second, 'kafka_connect_sink_task_metrics_sink_record_send_rate', K) ?? 0) > 0);

  // A connector that is gone leaves no series behind.
  assert.equal((await w.call('DELETE', `/connectors/${src}`)).status, 204);
  const third = await scrape();
  assert.equal(sampleValue(third, 'kafka_connect_source_task_metrics_source_record_poll_total', S), undefined);
  assert.equal(sampleValue(third, 'kafka_connect_connect_worker_metrics_connector_count'), 1);
});
