/**
 * The sandbox holes an outside test found (issue 14, item 10): WebAssembly memory outside the memory limit, a stray
 * promise rejection failing the task, log bytes without a bound, Atomics.wait reported as CPU, and a connector
 * create/update waiting for a start() that never returns. Each case keeps the worker and a healthy pipeline going.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { http, waitFor } from '../worker/worker-fixture.ts';
import { startHostileWorker } from './helpers.ts';
import type { HostileHarness } from './helpers.ts';

let h: HostileHarness;
const WASM = 'HostileWasmSource';

before(async () => {
  h = await startHostileWorker({
    memoryMb: 64,
    callDeadlineMs: 4000,
    cpuQuotaMs: 2000,
    maxUnhandledRejections: 5,
    logBytesPerSecond: 16 * 1024,
    maxLogLineBytes: 1024,
  }, 'holes-healthy');
});

after(async () => {
  await h.close();
});

const logsOf = (connector: string, msg?: string): Record<string, unknown>[] => h.w.logs.filter((l) => l['connector'] === connector && (msg === undefined || l['msg'] === msg));

test('WebAssembly is absent from a plugin whose manifest does not ask for it', async () => {
  const v = await h.probeCase('wasm-absent');
  assert.equal(v['webAssembly'], 'undefined');
});

test('a plugin whose manifest asks for WebAssembly instantiates a module with an imported, bounded memory', async () => {
  const v = await h.probeCase('wasm-imported', WASM);
  assert.deepEqual(v, { instantiated: true, isMemory: true, constructorIsMemory: true, bytes: 65536 });
});

test('growing one WebAssembly.Memory stops at the task\'s memory budget', () =>
  h.failingCase('wasm-grow', /memory limit exceeded: WebAssembly\.Memory\.grow\(16\) from \d+ pages past its maximum of 1024 pages, which the task's WebAssembly budget bounds \(measured [\d.]+ MB, limit 64 MB\)/, WASM));

test('many small WebAssembly memories share the one budget', () =>
  h.failingCase('wasm-many', /memory limit exceeded: a WebAssembly\.Memory of 160 pages does not fit in what remains of the task's WebAssembly budget \(measured 70 MB, limit 64 MB\)/, WASM));

test('a WebAssembly module that defines its own memory is refused', () =>
  h.failingCase('wasm-own-memory', /WebAssembly module defines its own memory; import a WebAssembly\.Memory instead/, WASM));

test('WebAssembly memory counts with heap and ArrayBuffers against the memory limit', () =>
  h.failingCase('wasm-plus-heap', /memory limit exceeded: isolate heap, external and WebAssembly memory over the limit \(measured \d+ MB, limit 64 MB\)/, WASM));

test('unhandled promise rejections are logged with the task\'s context and counted; the task keeps running', async () => {
  const name = 'hostile-stray-rejection';
  await h.w.worker.createConnector(name, { 'connector.class': 'HostileSource', mode: 'stray-rejection', topic: h.hostileOut });
  const lines = await waitFor('three unhandled rejections logged', () => {
    const l = logsOf(name, 'unhandled promise rejection in plugin');
    return l.length >= 3 ? l : undefined;
  });
  await waitFor('polls after the rejections', () => (h.w.worker.connectorProgress(name)[0]?.records ?? 0) >= 6);
  assert.equal(h.w.worker.connectorStatus(name).tasks[0]?.state, 'RUNNING');
  assert.deepEqual(lines.map((l) => l['unhandledRejections']), [1, 2, 3]);
  assert.deepEqual(lines.map((l) => l['error']), ['stray rejection 1', 'stray rejection 2', 'stray rejection in a continuation']);
  for (const l of lines) assert.deepEqual([l['level'], l['task'], l['limit'], l['source']], ['warn', 0, 5, 'sandbox']);
  await h.assertHealthyProgress();
  await h.w.worker.deleteConnector(name);
});

test('past the configured number of unhandled rejections the task fails, naming the limit', () =>
  h.failingCase('stray-flood', /unhandled-rejections limit exceeded: the plugin left promise rejections unhandled; the last: stray rejection \d+ \(measured 6 rejections, limit 5 rejections\)/));

test('plugin logs are bounded in bytes per second, long lines are truncated and what was dropped is reported', async () => {
  const name = 'hostile-log-flood';
  const started = Date.now();
  await h.w.worker.createConnector(name, { 'connector.class': 'HostileSource', mode: 'log-flood', topic: h.hostileOut });
  await new Promise((r) => setTimeout(r, 3000));
  await h.w.worker.deleteConnector(name);
  const seconds = (Date.now() - started) / 1000;
  const plugin = logsOf(name).filter((l) => l['source'] === 'plugin');
  const bytes = plugin.reduce((n, l) => n + Buffer.byteLength(String(l['msg'])) + Buffer.byteLength(JSON.stringify(l['pluginFields'])), 0);
  assert.ok(plugin.length > 0, 'some lines got through');
  assert.ok(bytes <= 16 * 1024 * Math.ceil(seconds + 1), `${bytes} bytes of plugin log in ${seconds} s`);
  for (const l of plugin) assert.ok(Buffer.byteLength(String(l['msg'])) <= 1024, 'long lines are truncated');
  assert.match(String(plugin[0]?.['msg']), / \[truncated from 8192 bytes\]$/);
  const reports = logsOf(name, 'plugin log lines dropped or truncated by the log budget');
  assert.ok(reports.length >= 1, 'drops are reported');
  const dropped = reports.reduce((n, r) => n + Number(r['droppedLines']), 0);
  const truncated = reports.reduce((n, r) => n + Number(r['truncatedLines']), 0);
  assert.ok(dropped > 0 && truncated >= plugin.length, `dropped ${dropped}, truncated ${truncated}, forwarded ${plugin.length}`);
  assert.ok(Number((reports[0]?.['droppedBy'] as Record<string, number>)['bytesPerSecond']) > 0, 'the byte rate dropped lines');
  await h.assertHealthyProgress();
});

test('a task blocked in Atomics.wait is named as blocked at the call deadline, not as a CPU breach', () =>
  h.failingCase('atomics-wait', /deadline limit exceeded: poll was blocked in Atomics\.wait for \d+ ms and did not return within the call deadline \(measured 4000 ms, limit 4000 ms\)/));

test('PUT /connectors/{name}/config answers without waiting for a start() that never returns; status shows the failure', async () => {
  const name = 'hostile-put-never-start';
  const put = async (): Promise<{ status: number; ms: number }> => {
    const t0 = performance.now();
    const res = await http(`${h.w.url}/connectors/${name}/config`, 'PUT', { 'connector.class': 'HostileSource', mode: 'never-start', topic: h.hostileOut });
    return { status: res.status, ms: performance.now() - t0 };
  };
  const created = await put();
  assert.equal(created.status, 201);
  assert.ok(created.ms < 2000, `create answered in ${Math.round(created.ms)} ms (the call deadline is 4000 ms)`);
  const early = (await http(`${h.w.url}/connectors/${name}/status`)).body as ConnectorStatus;
  assert.notEqual(early.tasks[0]?.state, 'RUNNING');
  const updated = await put();
  assert.equal(updated.status, 200);
  assert.ok(updated.ms < 2000, `update answered in ${Math.round(updated.ms)} ms`);
  const failed = await waitFor('task FAILED in status', async () => {
    const s = (await http(`${h.w.url}/connectors/${name}/status`)).body as ConnectorStatus;
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  }, 20_000);
  assert.match(failed.tasks[0]?.trace ?? '', /deadline limit exceeded: start did not return within the call deadline \(measured 4000 ms, limit 4000 ms\)/);
  await h.assertHealthyProgress();
  assert.equal((await http(`${h.w.url}/connectors/${name}`, 'DELETE')).status, 204);
});
