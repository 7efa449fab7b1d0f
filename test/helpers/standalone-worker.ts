/** A standalone worker process (bin/conveyor) on the real broker, plus the Kafka and TCP helpers the end-to-end sink tests share. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { BOOTSTRAP } from '../integration/kafka/helpers.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'conveyor');

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof addr === 'object' && addr !== null ? addr.port : 0;
}

export interface WorkerProcess {
  readonly url: string;
  readonly dir: string;
  child: ChildProcess;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/**
 * A standalone worker; start() waits for REST. By default string keys and JSON values without the schema
 * envelope; `schemas` uses JsonConverter with schemas for keys and values (Debezium-style records).
 */
export async function workerProcess(options: { schemas?: boolean } = {}): Promise<WorkerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-es-'));
  const port = await freePort();
  const props = join(dir, 'worker.properties');
  await writeFile(props, [
    `bootstrap.servers=${BOOTSTRAP}`,
    `listeners=http://127.0.0.1:${port}`,
    `offset.storage.file.filename=${join(dir, 'offsets.json')}`,
    'offset.flush.interval.ms=1000',
    ...(options.schemas === true
      ? ['key.converter=org.apache.kafka.connect.json.JsonConverter', 'value.converter=org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable=true', 'value.converter.schemas.enable=true']
      : ['key.converter=org.apache.kafka.connect.storage.StringConverter', 'value.converter=org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable=false']),
    'conveyor.log.level=warn',
  ].join('\n'));
  let tag = 0;
  const w: WorkerProcess = {
    url: `http://127.0.0.1:${port}`,
    dir,
    child: null as unknown as ChildProcess,
    async start() {
      const child = spawn(BIN, ['standalone', props], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
      const chunks: Buffer[] = [];
      child.stdout?.on('data', (c: Buffer) => chunks.push(c));
      child.stderr?.on('data', (c: Buffer) => chunks.push(c));
      const n = ++tag;
      child.on('exit', () => void writeFile(join(dir, `worker-${n}.log`), Buffer.concat(chunks)).catch(() => undefined));
      w.child = child;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}: ${Buffer.concat(chunks).toString().slice(-2000)}`);
        const ok = await fetch(`${w.url}/`).then((r) => r.ok, () => false);
        if (ok) return;
        if (Date.now() > deadline) throw new Error('worker REST did not come up');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill(signal) {
      const c = w.child;
      if (c === null || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill(signal);
      await exited;
    },
    async rest(method, path, body) {
      const res = await fetch(`${w.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    },
    async close() {
      await w.kill('SIGTERM');
      if (process.env.CONVEYOR_KEEP_TMP !== '1') await rm(dir, { recursive: true, force: true });
    },
  };
  return w;
}

/** Produces string-keyed JSON values in batches (acks=all). */
export async function produce(kafka: Kafka, topic: string, records: readonly { key: string; value: unknown }[], batch = 5000): Promise<void> {
  await produceRaw(kafka, topic, records.map((r) => ({ key: r.key, value: JSON.stringify(r.value) })), batch);
}

/** Produces records whose key and value are already serialised (null value: a tombstone). */
export async function produceRaw(kafka: Kafka, topic: string, records: readonly { key: string; value: string | null }[], batch = 5000): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += batch) {
      await producer.send({ topic, acks: -1, messages: records.slice(i, i + batch).map((r) => ({ key: r.key, value: r.value })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A TCP proxy to target that can be cut (open connections destroyed, new ones refused) and restored. */
export interface CuttableProxy {
  readonly port: number;
  /** Connections refused while cut. */
  readonly refused: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function cuttableProxy(targetHost: string, targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  let refused = 0;
  const server: Server = createServer((client) => {
    if (down) {
      refused++;
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    port,
    get refused() {
      return refused;
    },
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      down = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
