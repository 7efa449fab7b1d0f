/**
 * Elasticsearch sink benchmark: 1 KB JSON documents from Kafka into Elasticsearch through a standalone worker
 * process and the sandboxed built-in sink, with 1 and 4 tasks (4 partitions), against a direct bulk loader with
 * the same client (@elastic/elasticsearch), batch size (2000) and requests in flight (5) as the ceiling. Real
 * broker and node from the local stack. The last line is JSON.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { createJsonLogger } from '../host/core/logger.ts';
import { TopicAdmin } from '../host/kafka/admin.ts';
import { createKafka } from '../host/kafka/client.ts';
import { createKafkajs } from '../test/helpers/kafkajs-client.ts';

const BOOTSTRAP = process.env.CONVEYOR_KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const ES_URL = process.env.CONVEYOR_ES_URL ?? 'http://127.0.0.1:9200';
const BATCH = 2000;
const IN_FLIGHT = 5;
const log = createJsonLogger({ level: 'error', write: (l) => process.stderr.write(l + '\n') });

const groups: string[] = [];
const name = (p: string): string => `bench-${p}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const doc = (i: number, pad: string): Record<string, unknown> => ({ id: i, name: `doc-${i}`, ts: 1_700_000_000_000 + i, payload: pad });

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof a === 'object' && a !== null ? a.port : 0;
}

async function count(es: Client, index: string): Promise<number> {
  if (!(await es.indices.exists({ index }))) return 0;
  await es.indices.refresh({ index });
  return (await es.count({ index })).count;
}

async function sinkRun(es: Client, rest: string, topic: string, tasks: number, n: number): Promise<number> {
  const connector = name(`es${tasks}`);
  const index = `${topic}-t${tasks}`;
  const started = performance.now();
  const res = await fetch(`${rest}/connectors/${connector}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector',
      topics: topic,
      'tasks.max': String(tasks),
      'connection.url': ES_URL,
      'key.ignore': 'false',
      'schema.ignore': 'true',
      'batch.size': String(BATCH),
      'max.in.flight.requests': String(IN_FLIGHT),
      'topic.to.external.resource.mapping': `${topic}:${index}`,
    }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`deploying ${connector}: ${res.status} ${await res.text()}`);
  while ((await count(es, index)) < n) await new Promise((r) => setTimeout(r, 200));
  const seconds = (performance.now() - started) / 1000;
  await fetch(`${rest}/connectors/${connector}`, { method: 'DELETE' });
  groups.push(`connect-${connector}`);
  await es.indices.delete({ index, ignore_unavailable: true });
  return n / seconds;
}

async function directRun(es: Client, index: string, docs: Record<string, unknown>[]): Promise<number> {
  await es.indices.create({ index });
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < docs.length) {
      const from = next;
      next += BATCH;
      const operations = docs.slice(from, from + BATCH).flatMap((d) => [{ index: { _index: index, _id: `key-${String(d['id'])}` } }, d]);
      const r = await es.bulk({ operations });
      if (r.errors) throw new Error('direct bulk had item errors');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await es.indices.refresh({ index });
  const seconds = (performance.now() - started) / 1000;
  const n = (await es.count({ index })).count;
  await es.indices.delete({ index, ignore_unavailable: true });
  if (n !== docs.length) throw new Error(`direct bulk indexed ${n} of ${docs.length}`);
  return docs.length / seconds;
}

export async function main(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 50_000);
  const pad = 'x'.repeat(1024 - JSON.stringify(doc(0, '')).length);
  const docs = Array.from({ length: n }, (_, i) => doc(i, pad));
  const kafka = createKafka({ bootstrapServers: BOOTSTRAP, clientId: name('client'), logger: log });
  const admin = await TopicAdmin.create(kafka, log);
  const es = new Client({ node: ES_URL });
  const topic = name('es');
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-bench-es-'));
  const port = await freePort();
  await writeFile(join(dir, 'worker.properties'), [
    `bootstrap.servers=${BOOTSTRAP}`, `listeners=http://127.0.0.1:${port}`, `offset.storage.file.filename=${join(dir, 'offsets.json')}`,
    'key.converter=org.apache.kafka.connect.storage.StringConverter', 'value.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable=false', 'conveyor.log.level=error',
  ].join('\n'));
  // Under --profile the worker process writes its own CPU profile beside the sandbox processes'.
  const profDir = process.env.CONVEYOR_SANDBOX_CPU_PROF_DIR;
  const env = profDir === undefined || profDir === '' ? process.env : { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profDir}` };
  const child = spawn(resolve(import.meta.dirname, '..', 'bin', 'conveyor'), ['standalone', join(dir, 'worker.properties')], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const rest = `http://127.0.0.1:${port}`;
  try {
    await admin.ensureTopic({ topic, partitions: 4, replicationFactor: 1, configs: {} });
    const producer = createKafkajs({ bootstrapServers: BOOTSTRAP, clientId: name('loader'), logger: log }).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let i = 0; i < n; i += 500) {
      await producer.send({ topic, acks: -1, messages: docs.slice(i, i + 500).map((d) => ({ key: `key-${String(d['id'])}`, value: JSON.stringify(d) })) });
    }
    await producer.disconnect();
    while (!(await fetch(`${rest}/`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 100));
    const direct = await directRun(es, `${topic}-direct`, docs);
    console.log(`direct bulk (batch ${BATCH}, ${IN_FLIGHT} in flight): ${Math.round(direct)} docs/s`);
    const one = await sinkRun(es, rest, topic, 1, n);
    console.log(`Kafka → ES sink, 1 task: ${Math.round(one)} docs/s (${n} docs of 1 KB)`);
    const four = await sinkRun(es, rest, topic, 4, n);
    console.log(`Kafka → ES sink, 4 tasks: ${Math.round(four)} docs/s`);
    console.log(JSON.stringify({ bench: 'es', docs_per_s_1task: Math.round(one), docs_per_s_4tasks: Math.round(four), direct_bulk_docs_per_s: Math.round(direct), ratio: Number((Math.max(one, four) / direct).toFixed(3)) }));
  } finally {
    child.kill('SIGTERM');
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.close();
    await es.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main(process.argv.slice(2));
