/** A Kafka-backed standalone worker (real broker, file offsets, persisted configs) with its REST API, for REST tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { restSecurity } from '../../../host/rest/security-settings.ts';
import { startRestServer } from '../../../host/rest/server.ts';
import type { RestServer } from '../../../host/rest/server.ts';
import { Worker } from '../../../host/worker/worker.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';
import { BOOTSTRAP } from '../kafka/helpers.ts';

export interface RestWorker {
  worker: Worker;
  rest: RestServer;
  url: string;
  dir: string;
  lines: string[];
  call(method: string, path: string, body?: unknown, raw?: { contentType?: string; text?: string; headers?: Record<string, string> }): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** Stops REST and worker, keeping the state directory. */
  close(): Promise<void>;
}

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-rest-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `pluginPath`: directories of third-party bundles the worker scans (none by default). */
export async function startRestWorker(dir: string, properties: Readonly<Record<string, string>> = {}, pluginPath: readonly string[] = []): Promise<RestWorker> {
  const lines: string[] = [];
  const log = createJsonLogger({ level: 'info', write: (l) => void lines.push(l) });
  const config = workerConfig({
    workerId: 'rest-test',
    restPort: 0,
    sandboxProcesses: 1,
    pluginPath,
    bootstrapServers: BOOTSTRAP,
    offsetStorageFile: join(dir, 'offsets.json'),
    configStorageFile: join(dir, 'connectors.json'),
    connectProperties: { 'offset.flush.interval.ms': '200', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false', ...properties },
  });
  const worker = await Worker.create(config, log);
  const rest = await startRestServer(worker, { ...restSecurity(config.connectProperties, log), host: '127.0.0.1', port: 0, log: log.child({ component: 'rest' }) });
  const url = `${properties['listeners']?.startsWith('https') === true ? 'https' : 'http'}://127.0.0.1:${rest.port}`;
  return {
    worker,
    rest,
    url,
    dir,
    lines,
    async call(method, path, body, raw) {
      const init: RequestInit = { method };
      if (raw?.text !== undefined) init.body = raw.text;
      else if (body !== undefined) init.body = JSON.stringify(body);
      init.headers = { ...(init.body === undefined ? {} : { 'content-type': raw?.contentType ?? 'application/json' }), ...raw?.headers };
      const res = await fetch(url + path, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        // left as text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await rest.close();
      await worker.close();
    },
  };
}
