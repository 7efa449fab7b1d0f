/**
 * conveyor_sandbox_* from real breaches: hostile plugins (test/integration/hostile) that burn CPU, allocate without
 * bound and call a target their policy denies; GET /metrics counts the kills by limit and the denial by capability.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';
import type { Sample } from '../../helpers/prometheus.ts';
import { startHostileWorker } from '../hostile/helpers.ts';
import type { HostileHarness } from '../hostile/helpers.ts';
import { waitFor } from '../worker/worker-fixture.ts';

let h: HostileHarness;

before(async () => {
  h = await startHostileWorker({ memoryMb: 64, callDeadlineMs: 4000, cpuQuotaMs: 1000 }, 'metrics-healthy');
});

after(async () => {
  await h.close();
});

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${h.w.url}/metrics`);
  assert.equal(res.status, 200);
  return parsePrometheus(await res.text());
}

async function failed(mode: string): Promise<string> {
  const name = `metrics-${mode}`;
  await h.w.worker.createConnector(name, { 'connector.class': 'HostileSource', mode, topic: h.hostileOut });
  await waitFor(`${name} FAILED`, () => {
    const s: ConnectorStatus = h.w.worker.connectorStatus(name);
    return s.tasks[0]?.state === 'FAILED';
  }, 30_000);
  return name;
}

void test('limit kills are counted by limit, capability denials by capability, and a failed task shows as failed', { timeout: 120_000 }, async () => {
  const before = await scrape();
  assert.equal(sampleValue(before, 'conveyor_sandbox_limit_kills_total', { limit: 'cpu' }), undefined);
  const denied = await failed('denied-http');
  await failed('busy-poll');
  await failed('memory-arrays');
  const after = await scrape();
  assert.equal(sampleValue(after, 'conveyor_sandbox_limit_kills_total', { limit: 'cpu' }), 1);
  assert.equal(sampleValue(after, 'conveyor_sandbox_limit_kills_total', { limit: 'memory' }), 1);
  assert.ok((sampleValue(after, 'conveyor_sandbox_capability_denials_total', { connector: denied, task: '0', capability: 'http', method: 'fetch' }) ?? 0) >= 1);
  assert.equal(sampleValue(after, 'kafka_connect_connector_task_metrics_status', { connector: denied, task: '0', status: 'failed' }), 1);
  assert.equal(sampleValue(after, 'kafka_connect_connect_worker_metrics_connector_failed_task_count', { connector: denied }), 1);
  assert.ok((sampleValue(after, 'conveyor_sandbox_isolate_heap_bytes', { connector: 'metrics-healthy-src', task: '0' }) ?? 0) > 0, 'the healthy tasks keep their figures');
  await h.assertHealthyProgress();
});

void test('a sandbox process that dies and is started again is counted as a restart', { timeout: 120_000 }, async () => {
  const before = sampleValue(await scrape(), 'conveyor_sandbox_process_restarts_total') ?? 0;
  const stats = await h.w.worker.sandboxStats();
  const pid = stats.processes.find((p) => p.tasks.length > 0)?.pid;
  assert.ok(pid !== undefined, 'a sandbox process runs tasks');
  process.kill(pid, 'SIGKILL');
  // Its tasks fail as crashed (retriable) and start again, in a process started in its place.
  const restarted = await waitFor('the restart counted', async () => {
    const n = sampleValue(await scrape(), 'conveyor_sandbox_process_restarts_total') ?? 0;
    return n > before ? n : undefined;
  }, 30_000);
  assert.equal(restarted, before + 1);
  await h.assertHealthyProgress();
});
