/**
 * Sandbox benchmark: datagen → counting sink with 1 KB records, through sandbox child processes vs the same plugin
 * code called directly in the host; plus task start time and memory per idle task. The last line is JSON.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import datagen from '../plugins/datagen/src/index.ts';
import countingSink from '../plugins/counting-sink/src/index.ts';
import { createJsonLogger } from '../host/core/logger.ts';
import { buildBuiltinPlugins } from '../host/plugins/builtin.ts';
import { createSandboxPool } from '../host/sandbox/sandbox-pool.ts';
import type { SandboxCreator, SandboxInstance } from '../host/sandbox/sandbox-pool.ts';
import { InMemoryOffsetStore } from '../host/worker/offset-store.ts';
import type { RecordSink } from '../host/pipeline/record-ports.ts';
import { InMemoryTopics } from '../test/helpers/in-memory-topics.ts';
import { SinkTaskRunner, SourceTaskRunner } from '../host/worker/task-runner.ts';
import { directInstance } from './sandbox-direct.ts';

const log = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(l + '\n') });
const SOURCE_CONFIG = { topic: 'bench', 'record.size': '1024', 'batch.size': '1000', rate: '0' };
const SINK_CONFIG = { topics: 'bench' };
const MB = 1024 * 1024;
/** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on Linux). */
const CLOCK_TICKS = 100;

interface Bundles {
  datagen: string;
  sink: string;
}

async function loadBundles(): Promise<Bundles> {
  const dirs = await buildBuiltinPlugins();
  const code = (name: string): Promise<string> => {
    const dir = dirs.find((d) => d.includes(`${join('plugins', name)}`));
    if (!dir) throw new Error(`plugin ${name} not built`);
    return readFile(join(dir, 'plugin.js'), 'utf8');
  };
  return { datagen: await code('datagen'), sink: await code('counting-sink') };
}

let seq = 0;
function sandboxed(pool: SandboxCreator, key: string, code: string): Promise<SandboxInstance> {
  return pool.create({ taskKey: `bench-${++seq}`, plugin: { key, code, capabilities: [] }, capabilities: () => Promise.resolve(null), log });
}

/** CPU time (µs) a process has used, from /proc (user + system); 0 when it is gone. */
function processCpuUs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU (µs) used so far by this process and by the pool's sandbox processes: per record it holds up under a loaded machine, where rates do not. */
async function cpuNow(pool: SandboxCreator | null): Promise<{ worker: number; sandboxes: number }> {
  const u = process.cpuUsage();
  const pids = pool === null ? [] : (await pool.stats()).processes.map((p) => p.pid ?? -1);
  return { worker: u.user + u.system, sandboxes: pids.reduce((sum, pid) => sum + processCpuUs(pid), 0) };
}

interface PipelineRun {
  rps: number;
  workerCpuUsPerRecord: number;
  sandboxCpuUsPerRecord: number;
}

/** Runs source → in-memory topic → sink for durationMs after a warm-up; records/s through the sink and CPU per record. */
export async function pipeline(source: SandboxInstance, sink: SandboxInstance, durationMs: number, pool: SandboxCreator | null, through?: (topics: InMemoryTopics) => RecordSink): Promise<PipelineRun> {
  const topics = new InMemoryTopics(5_000);
  const onFailure = (err: unknown): void => {
    throw err;
  };
  const src = new SourceTaskRunner({ connector: 'bench-src', taskId: 0, config: SOURCE_CONFIG, instance: source, log, onFailure }, through === undefined ? topics : through(topics), new InMemoryOffsetStore());
  const snk = new SinkTaskRunner({ connector: 'bench-sink', taskId: 0, config: SINK_CONFIG, instance: sink, log, onFailure }, topics.consumer('bench', ['bench']), 1000);
  await src.start();
  await snk.start();
  await new Promise((r) => setTimeout(r, 1000));
  const r0 = snk.records;
  const c0 = await cpuNow(pool);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, durationMs));
  const records = snk.records - r0;
  const rps = records / ((performance.now() - t0) / 1000);
  const c1 = await cpuNow(pool);
  await src.stop();
  await snk.stop();
  await source.dispose();
  await sink.dispose();
  const n = Math.max(1, records);
  return { rps, workerCpuUsPerRecord: (c1.worker - c0.worker) / n, sandboxCpuUsPerRecord: (c1.sandboxes - c0.sandboxes) / n };
}

async function startTimes(pool: SandboxCreator, b: Bundles, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const inst = await sandboxed(pool, 'datagen', b.datagen);
    await inst.invoke('start', { raw: SOURCE_CONFIG, connector: 'bench', taskId: i });
    times.push(performance.now() - t0);
    await inst.dispose();
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

async function idleMemory(b: Bundles, n: number): Promise<{ rssMb: number; heapMb: number }> {
  const pool = createSandboxPool({ processes: 1, log });
  const warm = await sandboxed(pool, 'sink', b.sink);
  await warm.invoke('start', { raw: SINK_CONFIG, connector: 'bench', taskId: 0 });
  await new Promise((r) => setTimeout(r, 500));
  const before = (await pool.stats()).processes[0]?.rssBytes ?? 0;
  const tasks: SandboxInstance[] = [];
  for (let i = 0; i < n; i++) {
    const t = await sandboxed(pool, 'sink', b.sink);
    await t.invoke('start', { raw: SINK_CONFIG, connector: 'bench', taskId: i + 1 });
    tasks.push(t);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const stats = (await pool.stats()).processes[0];
  const after = stats?.rssBytes ?? 0;
  const heap = (stats?.tasks ?? []).reduce((s, t) => s + t.heapUsedBytes, 0) / Math.max(1, stats?.tasks.length ?? 1);
  await pool.destroy();
  return { rssMb: (after - before) / n / MB, heapMb: heap / MB };
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

export async function main(args: string[]): Promise<void> {
  const durationMs = Number(args[0] ?? 5000);
  process.stdout.write(`machine: ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  const bundles = await loadBundles();
  const pool = createSandboxPool({ processes: 2, log });
  const sandboxedRun = await pipeline(await sandboxed(pool, 'datagen', bundles.datagen), await sandboxed(pool, 'sink', bundles.sink), durationMs, pool);
  const sandboxedRps = sandboxedRun.rps;
  process.stdout.write(`sandboxed: ${Math.round(sandboxedRps)} records/s (1 KB records, datagen → counting sink, 2 sandbox processes); CPU per record ${round(sandboxedRun.workerCpuUsPerRecord)} µs here + ${round(sandboxedRun.sandboxCpuUsPerRecord)} µs in the sandbox processes\n`);
  const directRun = await pipeline(directInstance('d-src', datagen), directInstance('d-sink', countingSink), durationMs, null);
  const directRps = directRun.rps;
  process.stdout.write(`direct:    ${Math.round(directRps)} records/s (same plugin code called in the host); CPU per record ${round(directRun.workerCpuUsPerRecord)} µs\n`);
  const startMs = await startTimes(pool, bundles, 20);
  process.stdout.write(`task start (create isolate + load cached code + start), median of 20: ${round(startMs)} ms\n`);
  await pool.destroy();
  const mem = await idleMemory(bundles, 20);
  process.stdout.write(`idle task memory: ${round(mem.rssMb)} MB RSS per task (20 tasks), ${round(mem.heapMb)} MB isolate heap\n`);
  process.stdout.write(
    JSON.stringify({ bench: 'sandbox', sandboxed_rps: Math.round(sandboxedRps), direct_rps: Math.round(directRps), ratio: round(sandboxedRps / directRps, 3), cpu_us_per_record: round(sandboxedRun.workerCpuUsPerRecord + sandboxedRun.sandboxCpuUsPerRecord), direct_cpu_us_per_record: round(directRun.workerCpuUsPerRecord), task_start_ms: round(startMs), idle_task_mb: round(mem.rssMb) }) + '\n',
  );
}
