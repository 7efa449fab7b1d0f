/**
 * A worker with the hostile fixture plugin installed twice (HostileSource without WebAssembly, HostileWasmSource
 * with it) next to a healthy datagen → counting-sink pipeline, and the two kinds of case the hostile tests run.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import type { SandboxLimits } from '../../../host/sandbox/protocol.ts';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { http, startTestWorker, waitFor } from '../worker/worker-fixture.ts';
import type { TestWorker } from '../worker/worker-fixture.ts';

export const FIXTURE = join(import.meta.dirname, 'fixture-plugin');

export interface HostileHarness {
  w: TestWorker;
  /** This run's topic for hostile tasks' records (pass it as their `topic`). */
  hostileOut: string;
  failingCase(mode: string, trace: RegExp, className?: string): Promise<void>;
  probeCase(mode: string, className?: string): Promise<Record<string, unknown>>;
  assertHealthyProgress(): Promise<void>;
  close(): Promise<void>;
}

export async function startHostileWorker(limits: Partial<SandboxLimits>, healthy: string): Promise<HostileHarness> {
  const w = await startTestWorker({ limits, sandboxProcesses: 2 });
  await buildPlugin(FIXTURE, join(w.pluginDir, 'hostile'));
  await buildPlugin(join(FIXTURE, 'wasm'), join(w.pluginDir, 'hostile-wasm'));
  await waitFor('hostile plugins installed', () => ['HostileSource', 'HostileWasmSource'].every((c) => w.worker.plugins().some((p) => p.manifest.className === c)));
  const src = `${healthy}-src`;
  const sink = `${healthy}-sink`;
  const healthyTopic = await w.topic(healthy);
  const hostileOut = await w.topic('hostile-out');
  await w.worker.createConnector(src, { 'connector.class': 'DatagenSource', topic: healthyTopic, rate: '2000', 'record.size': '200' });
  await w.worker.createConnector(sink, { 'connector.class': 'CountingSink', topics: healthyTopic });

  const healthyProgress = async (): Promise<number> => w.worker.connectorProgress(sink).reduce((n, t) => n + t.records, 0) + (await w.endOffset(healthyTopic));

  async function assertHealthyProgress(): Promise<void> {
    const start = await healthyProgress();
    await waitFor('healthy pipeline progress', async () => (await healthyProgress()) > start + 200);
    const root = await http(`${w.url}/`);
    assert.equal(root.status, 200, 'worker REST still answers');
    for (const name of [src, sink]) {
      const s = w.worker.connectorStatus(name);
      assert.ok(s.tasks.every((t) => t.state === 'RUNNING'), `${name} tasks still RUNNING: ${JSON.stringify(s)}`);
    }
  }

  async function failingCase(mode: string, trace: RegExp, className = 'HostileSource'): Promise<void> {
    const name = `hostile-${mode}`;
    await w.worker.createConnector(name, { 'connector.class': className, mode, topic: hostileOut });
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

  async function probeCase(mode: string, className = 'HostileSource'): Promise<Record<string, unknown>> {
    const name = `hostile-${mode}`;
    const from = await w.endOffset(hostileOut);
    await w.worker.createConnector(name, { 'connector.class': className, mode, topic: hostileOut });
    const found = await w.findRecord(hostileOut, from, (value) => (typeof value === 'object' && value !== null ? { value } : undefined));
    const status = w.worker.connectorStatus(name);
    assert.equal(status.tasks[0]?.state, 'RUNNING', JSON.stringify(status));
    await assertHealthyProgress();
    await w.worker.deleteConnector(name);
    return found.value as Record<string, unknown>;
  }

  return { w, hostileOut, failingCase, probeCase, assertHealthyProgress, close: () => w.close() };
}
