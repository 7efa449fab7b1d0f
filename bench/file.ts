/**
 * File benchmark: N × 1 KB lines (default 1,000,000) file → Kafka (FileStreamSource) and Kafka → file
 * (FileStreamSink), through a Conveyor standalone worker and through Apache Kafka Connect's own FileStreamSource/Sink
 * (connect-standalone from Maven Central). Each run is timed from the connector's creation over REST/API until the
 * last record is in Kafka (source) or in the output file (sink). The last line is JSON.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../host/core/logger.ts';
import { TopicAdmin } from '../host/kafka/admin.ts';
import { createKafka } from '../host/kafka/client.ts';
import { Worker } from '../host/worker/worker.ts';
import { workerConfig } from '../host/worker/worker-config.ts';
import { startConnectStandalone } from './reference/kafka-connect.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BOOTSTRAP = process.env.CONVEYOR_KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const MB = 1024 * 1024;
const log = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(l + '\n') });

async function writeInput(file: string, records: number, size: number): Promise<number> {
  const out = createWriteStream(file);
  const pad = 'x'.repeat(size);
  for (let i = 0; i < records; i++) {
    const id = String(i).padStart(10, '0');
    if (!out.write(id + pad.slice(id.length) + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  return (await stat(file)).size;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Run {
  sourceMs: number;
  sinkMs: number;
}

type Create = (name: string, config: Record<string, string>) => Promise<void>;

const topics: string[] = [];

/** Times source (file → topic) then sink (topic → file); topics are deleted once the workers have stopped. */
async function run(admin: TopicAdmin, create: Create, tag: string, input: string, dir: string, records: number, bytes: number): Promise<Run> {
  const topic = `bench-file-${tag}-${Date.now().toString(36)}`;
  topics.push(topic);
  await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1, configs: {} });
  const output = join(dir, `${tag}-out.txt`);
  const t0 = performance.now();
  await create(`${tag}-src`, { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: input, topic, 'batch.size': '2000' });
  await until('source records in Kafka', async () => Number((await admin.endOffsets(topic)).get(0)?.high ?? 0n) >= records, 1_800_000);
  const sourceMs = performance.now() - t0;
  const t1 = performance.now();
  await create(`${tag}-sink`, { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: output, topics: topic });
  await until('sink file complete', async () => ((await stat(output).catch(() => null))?.size ?? 0) >= bytes, 1_800_000);
  return { sourceMs, sinkMs: performance.now() - t1 };
}

function report(tag: string, r: Run, records: number, bytes: number): { source: number; sink: number } {
  const source = records / (r.sourceMs / 1000);
  const sink = records / (r.sinkMs / 1000);
  process.stdout.write(`${tag}: source ${Math.round(source)} records/s ${(bytes / MB / (r.sourceMs / 1000)).toFixed(1)} MB/s; sink ${Math.round(sink)} records/s ${(bytes / MB / (r.sinkMs / 1000)).toFixed(1)} MB/s\n`);
  return { source, sink };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { records: { type: 'string', default: '1000000' }, size: { type: 'string', default: '1024' } } });
  const records = Number(values.records);
  const size = Number(values.size);
  const dir = join(ROOT, '.tmp', `bench-file-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const kafka = createKafka({ bootstrapServers: BOOTSTRAP, clientId: 'bench-file', logger: log });
  const admin = await TopicAdmin.create(kafka, log);
  try {
    const input = join(dir, 'in.txt');
    const bytes = await writeInput(input, records, size);
    process.stdout.write(`input: ${records} records × ${size} B = ${(bytes / MB).toFixed(0)} MB\n`);

    const worker = await Worker.create(workerConfig({
      restPort: 0,
      bootstrapServers: BOOTSTRAP,
      offsetStorageFile: join(dir, 'conveyor-offsets.json'),
      connectProperties: { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter', 'offset.flush.interval.ms': '10000' },
      logLevel: 'warn',
    }), log);
    let conveyor: Run;
    try {
      conveyor = await run(admin, async (name, config) => void (await worker.createConnector(name, config)), 'conveyor', input, dir, records, bytes);
    } finally {
      await worker.close();
    }
    const c = report('conveyor', conveyor, records, bytes);

    const kc = await startConnectStandalone({ dir: join(dir, 'kc'), cacheDir: join(ROOT, '.stack', 'reference'), worker: { 'bootstrap.servers': BOOTSTRAP, listeners: 'http://127.0.0.1:18093', 'offset.flush.interval.ms': 10000 }, connectors: {}, heap: '2g' });
    let ref: Run;
    try {
      await until('Kafka Connect REST', async () => (await fetch(`${kc.restUrl}/connectors`).catch(() => null))?.ok === true, 120_000);
      const create: Create = async (name, config) => {
        const res = await fetch(`${kc.restUrl}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, config }) });
        if (res.status !== 201) throw new Error(`Kafka Connect refused ${name}: ${res.status} ${await res.text()}`);
      };
      ref = await run(admin, create, 'kc', input, dir, records, bytes);
    } finally {
      await kc.stop();
    }
    const k = report('kafka-connect', ref, records, bytes);
    const r2 = (x: number): number => Math.round(x * 100) / 100;
    process.stdout.write(JSON.stringify({ bench: 'file', source_rps: Math.round(c.source), sink_rps: Math.round(c.sink), kc_source_rps: Math.round(k.source), kc_sink_rps: Math.round(k.sink), source_ratio: r2(c.source / k.source), sink_ratio: r2(c.sink / k.sink) }) + '\n');
  } finally {
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.close();
    await rm(dir, { recursive: true, force: true });
  }
}
