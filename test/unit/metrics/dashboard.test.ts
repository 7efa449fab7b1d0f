/** docs/grafana-dashboard.json queries only metrics GET /metrics serves (host/metrics/definitions.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Metric } from '../../../host/metrics/definitions.ts';

interface Panel {
  title?: string;
  targets?: { expr: string }[];
}

void test('every metric the Grafana dashboard queries is one the worker serves', async () => {
  const dashboard = JSON.parse(await readFile(new URL('../../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: Panel[]; templating: { list: { query?: unknown }[] } };
  const served = new Set(Object.values(Metric).map((m) => m.name));
  const exprs = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query).filter((q): q is string => typeof q === 'string' && q.includes('('))];
  assert.ok(exprs.length > 20);
  const used = new Set(exprs.flatMap((e) => e.match(/\b(?:kafka_connect|kafka_consumer|conveyor)_[a-z0-9_]+/g) ?? []));
  for (const name of used) assert.ok(served.has(name), `${name} is served`);
  for (const group of ['source_task_metrics', 'sink_task_metrics', 'task_error_metrics', 'connect_worker_rebalance_metrics']) {
    assert.ok([...used].some((n) => n.includes(group)), `the dashboard shows ${group}`);
  }
  assert.ok([...used].some((n) => n.startsWith('conveyor_sandbox_')));
});

void test('every plugin metric the dashboard queries is one a built-in plugin declares', async () => {
  const dashboard = JSON.parse(await readFile(new URL('../../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: Panel[] };
  const declared = new Set<string>();
  for (const plugin of ['mysql-cdc', 'elasticsearch-sink']) {
    const manifest = JSON.parse(await readFile(new URL(`../../../plugins/${plugin}/conveyor-plugin.json`, import.meta.url), 'utf8')) as { metrics: { name: string; type: string }[] };
    for (const m of manifest.metrics) declared.add(m.name);
    for (const m of manifest.metrics) if (m.type === 'histogram') declared.add(`${m.name}_bucket`);
  }
  const used = new Set(dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => t.expr.match(/\b(?:debezium_metrics|mysql_cdc|elasticsearch_sink)_[A-Za-z0-9_]+/g) ?? [])));
  for (const name of ['debezium_metrics_RowsScanned', 'debezium_metrics_MilliSecondsBehindSource', 'elasticsearch_sink_bulk_request_duration_seconds_bucket', 'elasticsearch_sink_bulk_failures_total']) {
    assert.ok(used.has(name), `the dashboard shows ${name}`);
  }
  for (const name of used) assert.ok(declared.has(name), `${name} is declared by a built-in plugin`);
});
