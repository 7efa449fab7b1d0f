/**
 * A task's capabilities are revoked once its stop() returns: a plugin that keeps calling afterwards (a stray loop)
 * reaches nothing, even while the task's pipeline takes its time to stop.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import { CapabilityMetrics } from '../../../host/capabilities/metrics.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { sandboxInspector } from '../../../host/plugins/inspector.ts';
import { loadBundle } from '../../../host/plugins/loader.ts';
import { createSandboxPool } from '../../../host/sandbox/sandbox-pool.ts';
import type { SandboxCreator } from '../../../host/sandbox/sandbox-pool.ts';
import { ConnectorRuntime } from '../../../host/worker/connector-runtime.ts';
import type { ConnectorDeps } from '../../../host/worker/connector-deps.ts';
import { InMemoryOffsetStore } from '../../../host/worker/offset-store.ts';
import { waitFor } from '../worker/worker-fixture.ts';
import { FIXTURE } from './helpers.ts';

const PIPELINE_STOP_MS = 600;
const hits: { path: string; at: number }[] = [];
const server = createServer((req, res) => {
  hits.push({ path: req.url ?? '', at: performance.now() });
  res.end('ok');
});
let origin: string;
let dir: string;
let pool: SandboxCreator;

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'conveyor-revoke-'));
  pool = createSandboxPool({ processes: 1, log: createJsonLogger({ write: () => undefined }) });
});

after(async () => {
  await pool.destroy();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

test('capability calls a plugin makes after its stop() returned are refused and never reach their target', async () => {
  const log = createJsonLogger({ write: () => undefined });
  await buildPlugin(FIXTURE, join(dir, 'hostile'));
  const plugin = await loadBundle(join(dir, 'hostile'), sandboxInspector(pool, log));
  const metrics = new CapabilityMetrics();
  let pipelineStopCalled = 0;
  const pipeline = {
    start: () => Promise.resolve(),
    append: () => Promise.resolve(),
    stop: async () => {
      pipelineStopCalled = performance.now();
      await new Promise((r) => setTimeout(r, PIPELINE_STOP_MS));
    },
  };
  const deps: ConnectorDeps = {
    workerId: 'revoke-test',
    sandbox: pool,
    records: { pipelines: { sourceSink: () => pipeline, sinkSource: () => { throw new Error('no sink tasks here'); } } },
    offsets: new InMemoryOffsetStore(),
    policies: { revoke: { httpOrigins: [origin] } },
    metrics,
    log,
  };
  const rt = new ConnectorRuntime('revoke', { name: 'revoke', 'connector.class': 'HostileSource', mode: 'call-after-stop', url: origin }, plugin, deps);
  await rt.start();
  await waitFor('task RUNNING', () => rt.status().tasks[0]?.state === 'RUNNING');
  await rt.stop();

  const inStop = hits.filter((h) => h.path === '/in-stop');
  const afterStop = hits.filter((h) => h.path === '/after-stop');
  assert.equal(inStop.length, 1, 'calls made inside stop() still work');
  assert.ok(pipelineStopCalled > 0, 'the pipeline was stopped after the task');
  assert.deepEqual(afterStop, [], 'no call made after stop() returned reached the server');
  const fetches = metrics.snapshot('revoke').find((c) => c.call === 'http.fetch');
  assert.ok((fetches?.counters.denied ?? 0) > 0, `the plugin did call after stop() and was refused: ${JSON.stringify(fetches)}`);
});
