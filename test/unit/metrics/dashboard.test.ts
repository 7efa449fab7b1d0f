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
