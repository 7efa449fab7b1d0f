/**
 * Density benchmark: one standalone worker on the real broker runs N sandboxed tasks — N/2 datagen sources at 10
 * records/s each and N/2 counting sinks, each sink reading one source's topic — for a fixed time, then reports the
 * resident memory of the worker and all its sandbox processes together, and whether every task is RUNNING.
 * Last line: {"bench":"density","tasks":N,"rss_mb":…,"rss_mb_per_task":…,"all_running":…}.
 * Args: --tasks 200 --seconds 60 --processes <sandbox processes, default the worker's>.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../host/core/logger.ts';
import { TopicAdmin } from '../host/kafka/admin.ts';
import { createKafka } from '../host/kafka/client.ts';
import { Worker } from '../host/worker/worker.ts';
import { workerConfig } from '../host/worker/worker-config.ts';

const BOOTSTRAP = process.env.CONVEYOR_KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const MB = 1024 * 1024;
const log = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(l + '\n') });

/** Resident set size of a process from /proc (bytes); 0 when it is gone. */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface Census {
  running: number;
  states: Record<string, number>;
}

function census(worker: Worker, names: string[]): Census {
  const states: Record<string, number> = {};
  let running = 0;
  for (const n of names) {
    for (const t of worker.connectorStatus(n).tasks) {
      states[t.state] = (states[t.state] ?? 0) + 1;
      if (t.state === 'RUNNING') running++;
    }
  }
  return { running, states };
}

async function rssTotal(worker: Worker): Promise<{ total: number; worker: number; sandboxes: number[]; isolateHeaps: number }> {
  const stats = await worker.sandboxStats();
  const sandboxes = stats.processes.map((p) => (p.pid === undefined ? 0 : rssOf(p.pid)));
  const self = rssOf(process.pid);
  const isolateHeaps = stats.processes.reduce((sum, p) => sum + p.tasks.reduce((s, t) => s + t.heapUsedBytes, 0), 0);
  return { total: self + sandboxes.reduce((a, b) => a + b, 0), worker: self, sandboxes, isolateHeaps };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { tasks: { type: 'string', default: '200' }, seconds: { type: 'string', default: '60' }, processes: { type: 'string' } } });
  const tasks = Number(values.tasks);
  const seconds = Number(values.seconds);
  const pairs = Math.floor(tasks / 2);
  const run = Date.now().toString(36);
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-density-'));
  const kafka = createKafka({ bootstrapServers: BOOTSTRAP, clientId: 'bench-density', logger: log });
  const admin = await TopicAdmin.create(kafka, log);
  const topics = Array.from({ length: pairs }, (_, i) => `bench-density-${run}-${i}`);
  const worker = await Worker.create(workerConfig({
    restPort: 0,
    bootstrapServers: BOOTSTRAP,
    offsetStorageFile: join(dir, 'offsets.json'),
    logLevel: 'warn',
    ...(values.processes === undefined ? {} : { sandboxProcesses: Number(values.processes) }),
    connectProperties: { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter', 'offset.flush.interval.ms': '10000' },
  }), log);
  const names: string[] = [];
  try {
    for (const t of topics) await admin.ensureTopic({ topic: t, partitions: 1, replicationFactor: 1, configs: {} });
    const t0 = performance.now();
    for (let i = 0; i < pairs; i++) {
      const topic = topics[i] as string;
      await worker.createConnector(`density-src-${i}`, { 'connector.class': 'DatagenSource', topic, rate: '10', 'record.size': '100' });
      await worker.createConnector(`density-sink-${i}`, { 'connector.class': 'CountingSink', topics: topic });
      names.push(`density-src-${i}`, `density-sink-${i}`);
    }
    process.stdout.write(`created ${names.length} connectors in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const deadline = performance.now() + seconds * 1000;
    let peak = 0;
    while (performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5000));
      const rss = await rssTotal(worker);
      peak = Math.max(peak, rss.total);
      const c = census(worker, names);
      process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(0)} s: ${c.running}/${names.length} RUNNING ${JSON.stringify(c.states)}, rss ${(rss.total / MB).toFixed(0)} MB (worker ${(rss.worker / MB).toFixed(0)} MB, sandboxes ${rss.sandboxes.map((b) => (b / MB).toFixed(0)).join('+')} MB, of which isolate heaps in use ${(rss.isolateHeaps / MB).toFixed(0)} MB; worker heap ${(process.memoryUsage().heapUsed / MB).toFixed(0)} MB, buffers ${(process.memoryUsage().arrayBuffers / MB).toFixed(0)} MB)\n`);
    }
    const final = census(worker, names);
    const rss = await rssTotal(worker);
    peak = Math.max(peak, rss.total);
    const sunk = names.filter((n) => n.startsWith('density-sink-')).reduce((sum, n) => sum + worker.connectorProgress(n).reduce((s, t) => s + t.records, 0), 0);
    process.stdout.write(`records through the sinks: ${sunk}; peak rss ${(peak / MB).toFixed(0)} MB\n`);
    const rssMb = Math.round(rss.total / MB);
    process.stdout.write(`${JSON.stringify({ bench: 'density', tasks: names.length, rss_mb: rssMb, rss_mb_per_task: Math.round((rss.total / MB / names.length) * 100) / 100, peak_rss_mb: Math.round(peak / MB), all_running: final.running === names.length, sink_records: sunk })}\n`);
  } finally {
    await worker.close();
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.close();
    await rm(dir, { recursive: true, force: true });
  }
}
