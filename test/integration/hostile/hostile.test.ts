/**
 * Hostile plugins: each case must fail only its own task with a trace naming what went wrong, while the worker
 * stays up and a healthy datagen → counting-sink pipeline in the same worker keeps making progress.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { http, startTestWorker, waitFor } from '../worker/worker-fixture.ts';
import type { TestWorker } from '../worker/worker-fixture.ts';

let w: TestWorker;
let buildDir: string;

before(async () => {
  w = await startTestWorker({ limits: { memoryMb: 64, callDeadlineMs: 4000, cpuQuotaMs: 2000, maxBatchBytes: 8 * 1024 * 1024 }, sandboxProcesses: 2 });
  buildDir = await mkdtemp(join(tmpdir(), 'conveyor-hostile-'));
  await buildPlugin(join(import.meta.dirname, 'fixture-plugin'), join(w.pluginDir, 'hostile'));
  await waitFor('hostile plugin installed', () => w.worker.plugins().some((p) => p.manifest.className === 'HostileSource'));
  await w.worker.createConnector('healthy-src', { 'connector.class': 'DatagenSource', topic: 'healthy', rate: '2000', 'record.size': '200' });
  await w.worker.createConnector('healthy-sink', { 'connector.class': 'CountingSink', topics: 'healthy' });
});

after(async () => {
  await w.close();
  await rm(buildDir, { recursive: true, force: true });
});

const healthyProgress = (): number => w.worker.connectorProgress('healthy-sink').reduce((n, t) => n + t.records, 0) + w.worker.topics.endOffset('healthy');

async function assertHealthyProgress(): Promise<void> {
  const start = healthyProgress();
  await waitFor('healthy pipeline progress', () => healthyProgress() > start + 200);
  const root = await http(`${w.url}/`);
  assert.equal(root.status, 200, 'worker REST still answers');
  for (const name of ['healthy-src', 'healthy-sink']) {
    const s = w.worker.connectorStatus(name);
    assert.ok(s.tasks.every((t) => t.state === 'RUNNING'), `${name} tasks still RUNNING: ${JSON.stringify(s)}`);
  }
}

async function failingCase(mode: string, trace: RegExp): Promise<void> {
  const name = `hostile-${mode}`;
  await w.worker.createConnector(name, { 'connector.class': 'HostileSource', mode });
  const status = await waitFor(`${name} FAILED`, () => {
    const s: ConnectorStatus = w.worker.connectorStatus(name);
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  }, 30_000);
  const t = status.tasks[0];
  assert.ok(t?.trace, 'failed task has a trace');
  assert.match(t.trace, trace);
  const rest = await http(`${w.url}/connectors/${name}/status`);
  assert.equal((rest.body as ConnectorStatus).tasks[0]?.state, 'FAILED');
  await assertHealthyProgress();
  await w.worker.deleteConnector(name);
  if (process.env['CONVEYOR_PRINT_TRACES']) process.stdout.write(`# ${mode}: ${t.trace.split('\n')[0]}\n`);
}

test('busy loop in poll is stopped by the CPU watchdog', () => failingCase('busy-poll', /cpu limit exceeded: CPU used by one call \(measured \d+ ms, limit 2000 ms\)/));

test('busy loop in an async continuation is stopped by the CPU watchdog', () => failingCase('busy-async', /cpu limit exceeded: .*\(measured \d+ ms, limit 2000 ms\)/));

test('memory bomb with arrays hits the memory limit', () => failingCase('memory-arrays', /memory limit exceeded.*limit 64 MB/));

test('memory bomb with strings hits the memory limit', () => failingCase('memory-strings', /memory limit exceeded.*limit 64 MB/));

test('memory bomb with ArrayBuffers hits the memory limit', () => failingCase('memory-arraybuffers', /memory limit exceeded: poll allocated ArrayBuffers until V8 refused the next one \(measured [\d.]+ MB, limit 64 MB\)/));

test('a huge poll result is refused by the batch size limit', () => failingCase('huge-poll', /batch-size limit exceeded: poll returned \d+ bytes, limit 8388608|memory limit exceeded/));

test('deep recursion fails the task with the stack overflow', () => failingCase('deep-recursion', /Maximum call stack size exceeded/));

test('a thousands-wide capability call flood is cut at the pending-calls limit', () => failingCase('flood', /pending-calls limit exceeded: \d+ capability calls in flight, limit 256/));

test('a denied network target fails with a capability denied error naming it', () => failingCase('denied-http', /capability denied: http\.fetch to http:\/\/169\.254\.169\.254 \(origin not in the connector policy\)/));

test('a plugin that never returns from start hits the call deadline', () => failingCase('never-start', /deadline limit exceeded: start did not return within the call deadline \(measured 4000 ms, limit 4000 ms\)/));

async function probeCase(mode: string): Promise<Record<string, unknown>> {
  const name = `hostile-${mode}`;
  const from = w.worker.topics.endOffset('hostile-out');
  await w.worker.createConnector(name, { 'connector.class': 'HostileSource', mode });
  const consumer = w.worker.topics.consumer(`probe-${mode}`, ['hostile-out']);
  const found = await waitFor(`${name} output`, async () => (await consumer.fetch(1000, 100)).find((r) => r.offset >= from));
  consumer.close();
  assert.equal(w.worker.connectorStatus(name).tasks[0]?.state, 'RUNNING');
  await assertHealthyProgress();
  await w.worker.deleteConnector(name);
  return found.value as Record<string, unknown>;
}

test('process, require, ivm and host objects are unreachable, also through constructor chains', async () => {
  const v = await probeCase('escape');
  assert.equal(v['process'], 'undefined');
  assert.equal(v['require'], 'undefined');
  assert.equal(v['module'], 'undefined');
  assert.equal(v['ivm'], 'undefined');
  assert.equal(v['functionCtorProcess'], 'undefined');
  assert.equal(v['ctorChainProcess'], 'undefined');
  assert.equal(v['ctorChainRequire'], 'undefined');
  assert.deepEqual(v['hostGlobals'], []);
});

test('objects returned by capabilities are copies and the capability API is frozen', async () => {
  const v = await probeCase('mutate');
  const results = v['results'] as Record<string, string>;
  assert.equal(results['replaceLog'], 'threw TypeError');
  assert.equal(results['replaceHttpFetch'], 'threw TypeError');
  assert.equal(v['second'], null, 'a later call returns fresh data, not the mutated object');
  assert.equal(v['logIsFunction'], 'function');
});
