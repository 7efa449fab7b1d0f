/**
 * Plugin metrics from a hostile plugin: a declared metric reaches GET /metrics with the worker's connector and task
 * labels; an undeclared name, a host-prefixed name, a forged connector label and a series flood are refused in the
 * guest with an error naming the rule, and a guest whose checks were subverted is refused by the worker. Each
 * refusal fails only its own task; the worker and a healthy pipeline carry on, and nothing forged is served.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';
import type { Sample } from '../../helpers/prometheus.ts';
import { startHostileWorker } from '../hostile/helpers.ts';
import type { HostileHarness } from '../hostile/helpers.ts';
import { waitFor } from '../worker/worker-fixture.ts';

let h: HostileHarness;

before(async () => {
  h = await startHostileWorker({ memoryMb: 64, callDeadlineMs: 4000, cpuQuotaMs: 2000 }, 'plugin-metrics-healthy');
});

after(async () => {
  await h.close();
});

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${h.w.url}/metrics`);
  assert.equal(res.status, 200);
  return parsePrometheus(await res.text());
}

void test('a declared metric is served with the connector and task labels the worker sets, and leaves with its task', { timeout: 120_000 }, async () => {
  const name = 'hostile-metrics-ok';
  await h.w.worker.createConnector(name, { 'connector.class': 'HostileSource', mode: 'metrics-ok', topic: h.hostileOut });
  const first = await waitFor('hostile_probe served', async () => sampleValue(await scrape(), 'hostile_probe', { connector: name, task: '0', kind: 'ok' }));
  const later = await waitFor('hostile_probe moves', async () => {
    const v = sampleValue(await scrape(), 'hostile_probe', { connector: name, task: '0', kind: 'ok' }) ?? 0;
    return v > first ? v : undefined;
  });
  assert.ok(later > first);
  const rest = await fetch(`${h.w.url}/conveyor/connectors/${name}/plugin-metrics`);
  const view = (await rest.json()) as { task: number; metrics: { name: string; labels: Record<string, string>; value: number }[] }[];
  assert.equal(view[0]?.task, 0);
  assert.deepEqual(view[0]?.metrics.find((m) => m.name === 'hostile_probe')?.labels, { kind: 'ok' });
  await h.w.worker.deleteConnector(name);
  await waitFor('series dropped with the task', async () => sampleValue(await scrape(), 'hostile_probe', { connector: name }) === undefined);
});

void test('an undeclared metric name is refused', { timeout: 120_000 }, () =>
  h.failingCase('metrics-undeclared', /metrics\.set\(hostile_undeclared\): the plugin's manifest declares no metric hostile_undeclared/));

void test('a name under a host prefix is refused', { timeout: 120_000 }, () =>
  h.failingCase('metrics-host-prefix', /metrics\.set\(conveyor_sandbox_processes\): the plugin's manifest declares no metric conveyor_sandbox_processes/));

void test('a connector label set by the plugin is refused', { timeout: 120_000 }, () =>
  h.failingCase('metrics-forged-label', /label connector is not declared for hostile_probe .*connector and task are set by the worker/));

void test('more series than a task may hold are refused', { timeout: 120_000 }, () =>
  h.failingCase('metrics-too-many-series', /series limit exceeded: a task may report at most 1000 series/));

void test('a report whose guest checks were subverted is refused by the worker, and nothing forged is served', { timeout: 120_000 }, async () => {
  await h.failingCase('metrics-forged-declaration', /capability denied: metrics\.report \(the plugin's manifest declares no metric "conveyor_forged"\)/);
  const samples = await scrape();
  assert.equal(samples.find((s) => s.name === 'conveyor_forged'), undefined);
  assert.equal(samples.find((s) => s.labels['connector'] === 'someone-else'), undefined);
});
