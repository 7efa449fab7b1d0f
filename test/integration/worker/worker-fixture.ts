/**
 * Starts a real worker (sandbox children, plugin directory, REST on a free port, the local Kafka with offsets in a
 * temporary file) for integration tests. Topics made with topic() are unique to the run and deleted at close.
 */
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
import { BOOTSTRAP, kafkaFixture, uniqueName } from '../kafka/helpers.ts';

export interface TestWorker {
  worker: Worker;
  rest: RestServer;
  url: string;
  pluginDir: string;
  logs: Record<string, unknown>[];
  /** A topic name unique to this run (created with one partition), deleted at close. */
  topic(prefix: string): Promise<string>;
  /** The topic's end offset (partition 0): how many records it holds. */
  endOffset(topic: string): Promise<number>;
  /** The first record value (JSON, as the worker's JsonConverter without schemas wrote it) at or after an offset that match accepts. */
  findRecord<T>(topic: string, from: number, match: (value: unknown) => T | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startTestWorker(options: { limits?: Partial<SandboxLimits>; policies?: PolicyBook; sandboxProcesses?: number; extraPluginPath?: string[]; connectProperties?: Record<string, string> } = {}): Promise<TestWorker> {
  const pluginDir = await mkdtemp(join(tmpdir(), 'conveyor-plugins-'));
  const stateDir = await mkdtemp(join(tmpdir(), 'conveyor-worker-state-'));
  const kafka = await kafkaFixture();
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
    bootstrapServers: BOOTSTRAP,
    offsetStorageFile: join(stateDir, 'offsets.json'),
    connectProperties: {
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter.schemas.enable': 'false',
      'offset.flush.interval.ms': '1000',
      ...options.connectProperties,
    },
  });
  const worker = await Worker.create(config, log);
  const rest = await startRestServer(worker, { host: '127.0.0.1', port: 0, log });
  return {
    worker,
    rest,
    url: `http://127.0.0.1:${rest.port}`,
    pluginDir,
    logs,
    topic: (prefix) => kafka.topic(prefix),
    async endOffset(topic) {
      return Number((await kafka.admin.endOffsets(topic)).get(0)?.high ?? 0n);
    },
    async findRecord<T>(topic: string, from: number, match: (value: unknown) => T | undefined, timeoutMs = 30_000): Promise<T> {
      const groupId = uniqueName('worker-fixture-reader');
      kafka.groups.push(groupId);
      const consumer = kafka.reference.consumer({ groupId, maxWaitTimeInMs: 200 });
      let found: { value: T } | undefined;
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: ({ message }) => {
            if (found === undefined && Number(message.offset) >= from && message.value !== null) {
              const value = match(JSON.parse(message.value.toString('utf8')) as unknown);
              if (value !== undefined) found = { value };
            }
            return Promise.resolve();
          },
        });
        return (await waitFor(`a matching record on ${topic}`, () => found, timeoutMs)).value;
      } finally {
        await consumer.disconnect();
      }
    },
    async close() {
      await rest.close();
      await worker.close();
      await kafka.cleanup();
      await rm(pluginDir, { recursive: true, force: true });
      await rm(stateDir, { recursive: true, force: true });
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
