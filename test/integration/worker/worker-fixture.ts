/** Starts a real worker (sandbox children, plugin directory, REST on a free port) for integration tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyBook } from '../../../host/capabilities/policy.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { startRestServer } from '../../../host/rest/server.ts';
import type { RestServer } from '../../../host/rest/server.ts';
import type { SandboxLimits } from '../../../host/sandbox/protocol.ts';
import { Worker } from '../../../host/worker/worker.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';

export interface TestWorker {
  worker: Worker;
  rest: RestServer;
  url: string;
  pluginDir: string;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startTestWorker(options: { limits?: Partial<SandboxLimits>; policies?: PolicyBook; sandboxProcesses?: number; extraPluginPath?: string[]; connectProperties?: Record<string, string> } = {}): Promise<TestWorker> {
  const pluginDir = await mkdtemp(join(tmpdir(), 'conveyor-plugins-'));
  const logs: Record<string, unknown>[] = [];
  const log = createJsonLogger({ level: 'info', write: (line) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const config = workerConfig({
    workerId: `test-${process.pid}`,
    restPort: 0,
    pluginPath: [pluginDir, ...(options.extraPluginPath ?? [])],
    sandboxProcesses: options.sandboxProcesses ?? 2,
    limits: options.limits ?? {},
    policies: options.policies ?? {},
    pluginRescanMs: 500,
    ...(options.connectProperties === undefined ? {} : { connectProperties: options.connectProperties }),
  });
  const worker = await Worker.create(config, log);
  const rest = await startRestServer(worker, { host: '127.0.0.1', port: 0, log });
  return {
    worker,
    rest,
    url: `http://127.0.0.1:${rest.port}`,
    pluginDir,
    logs,
    async close() {
      await rest.close();
      await worker.close();
      await rm(pluginDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function http(url: string, method = 'GET', body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}
