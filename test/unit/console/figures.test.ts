/** The console's reading of /metrics: per-task figures from Prometheus text, and rates between two scrapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatRate, parsePrometheus, rates, scrape, taskKey } from '../../../host/console/web/figures.ts';

const text = (records: number, cpu: number): string => `# HELP kafka_connect_source_task_metrics_source_record_write_total x
# TYPE kafka_connect_source_task_metrics_source_record_write_total counter
kafka_connect_source_task_metrics_source_record_write_total{connector="a \\"b\\"",task="0"} ${records}
kafka_connect_sink_task_metrics_sink_record_read_total{connector="s",task="1"} 7
conveyor_sandbox_isolate_heap_bytes{connector="a \\"b\\"",task="0"} 1048576
conveyor_sandbox_isolate_cpu_ms_total{connector="a \\"b\\"",task="0"} ${cpu}
conveyor_sandbox_capability_calls_total{connector="a \\"b\\"",task="0",capability="mysql",method="query"} 3
conveyor_sandbox_capability_calls_total{connector="a \\"b\\"",task="0",capability="mysql",method="query"} 2
conveyor_sandbox_capability_denials_total{connector="a \\"b\\"",task="0",capability="http",method="fetch"} 1
process_cpu_seconds_total 12
`;

void test('parsePrometheus reads names, escaped labels and values, skipping comments', () => {
  const samples = parsePrometheus(text(10, 0));
  assert.equal(samples.length, 8);
  assert.deepEqual(samples[0], { name: 'kafka_connect_source_task_metrics_source_record_write_total', labels: { connector: 'a "b"', task: '0' }, value: 10 });
  assert.deepEqual(samples.at(-1), { name: 'process_cpu_seconds_total', labels: {}, value: 12 });
});

void test('scrape gathers each task’s records, heap, CPU and capability calls; rates are counter differences per second', () => {
  const a = scrape(text(100, 50), 10_000);
  const b = scrape(text(300, 550), 12_000);
  const key = taskKey('a "b"', 0);
  assert.deepEqual(b.tasks.get(key), { records: 300, heapBytes: 1048576, cpuMs: 550, calls: { 'mysql.query': 5 }, denials: 1 });
  assert.equal(b.tasks.get(taskKey('s', 1))?.records, 7);
  assert.deepEqual(rates(a, b, key), { recordsPerSecond: 100, cpuShare: 0.25 });
  assert.deepEqual(rates(null, b, key), { recordsPerSecond: null, cpuShare: null });
  // A counter that went back (the task restarted) is no negative rate.
  assert.equal(rates(b, scrape(text(5, 0), 14_000), key).recordsPerSecond, 0);
  assert.equal(formatRate(100), '100/s');
  assert.equal(formatRate(2.25), '2.3/s');
  assert.equal(formatBytes(1048576), '1.0 MiB');
  assert.equal(formatBytes(null), '—');
});
