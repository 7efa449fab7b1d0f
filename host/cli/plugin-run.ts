/**
 * `conveyor plugin run`: the author's inner loop. Builds a plugin project, loads the bundle as a worker would (checked
 * in a sandbox), and runs its connector's tasks in sandboxed isolates, logging to the console. Records go through
 * the local stack's Kafka, or — with --out (a source) or --in (a sink) — through JSON-lines files.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlugin } from '../../sdk/bundler/build.ts';
import { CapabilityMetrics } from '../capabilities/metrics.ts';
import type { CapabilityPolicy } from '../capabilities/policy.ts';
import type { Logger } from '../core/logger.ts';
import { sandboxInspector } from '../plugins/inspector.ts';
import { loadBundle } from '../plugins/loader.ts';
import { createSandboxPool } from '../sandbox/sandbox-pool.ts';
import { ConnectorRuntime } from '../worker/connector-runtime.ts';
import { InMemoryOffsetStore } from '../worker/offset-store.ts';
import type { ConnectorStatus } from '../worker/states.ts';
import { Worker } from '../worker/worker.ts';
import { workerConfig } from '../worker/worker-config.ts';
import { jsonLinesSink, jsonLinesSource } from './record-files.ts';

export interface PluginRunOptions {
  /** The plugin project (conveyor-plugin.json, src/). */
  dir: string;
  /** The connector's config: name, connector.class (defaults to the plugin's), tasks.max and the plugin's keys. */
  config: Record<string, string>;
  /** A source's records to this JSON-lines file ('-': stdout) instead of Kafka. */
  out?: string;
  /** A sink's records from this JSON-lines file instead of Kafka; the run ends once all are committed. */
  in?: string;
  /** Stop a source run after this many records (with --out). */
  maxRecords?: number;
  /** Kafka for a run without --in/--out. */
  bootstrapServers: string;
  /** Where a Kafka run keeps its source offsets between runs; without it each run starts afresh. */
  offsetsFile?: string;
  /** What the plugin's capabilities may reach. */
  policy: Partial<CapabilityPolicy>;
  log: Logger;
  /** Resolves to stop the run (SIGINT in the CLI). */
  stopSignal: Promise<void>;
}

/** How a run ended: the connector's final status and the records that crossed a file. */
export interface PluginRunResult {
  status: ConnectorStatus;
  records: number;
}

const POLL_MS = 100;

/** The trace of the connector's or a task's failure, or null while none failed. */
export function runFailure(status: ConnectorStatus): string | null {
  const failed = [status.connector, ...status.tasks].find((s) => s.state === 'FAILED');
  return failed === undefined ? null : (failed.trace ?? 'FAILED');
}

/** The run's last line: info when it ended as asked, error with the failure's trace otherwise. */
function ended(log: Logger, connector: string, status: ConnectorStatus, records: number | null): void {
  const trace = runFailure(status);
  const fields = { connector, ...(records === null ? {} : { records }), failed: trace !== null };
  if (trace === null) log.info('plugin run ended', fields);
  else log.error('plugin run ended', { ...fields, trace });
}

/** Resolves when `done()` holds, the connector or a task fails, or `stop` resolves. */
async function until(status: () => ConnectorStatus, done: () => boolean, stop: Promise<void>): Promise<void> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  while (!stopped && !done() && runFailure(status()) === null) await new Promise((r) => setTimeout(r, POLL_MS));
}

/** Builds, loads and runs the plugin until it is told to stop (or its input is drained, or it fails). */
export async function runPlugin(o: PluginRunOptions): Promise<PluginRunResult> {
  const work = await mkdtemp(join(tmpdir(), 'conveyor-plugin-run-'));
  try {
    const built = await buildPlugin(o.dir, join(work, 'plugins', 'plugin'));
    const config: Record<string, string> = { ...o.config, 'connector.class': o.config['connector.class'] ?? built.manifest.className };
    const name = config['name'] ?? built.manifest.name;
    o.log.info('plugin built', { plugin: built.manifest.name, version: built.manifest.version, className: built.manifest.className, type: built.manifest.type });
    if (o.in !== undefined || o.out !== undefined) return await runOnFiles(o, join(work, 'plugins', 'plugin'), name, config);
    return await runOnKafka(o, work, name, config);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function runOnFiles(o: PluginRunOptions, bundleDir: string, name: string, config: Record<string, string>): Promise<PluginRunResult> {
  const pool = createSandboxPool({ processes: 1, log: o.log.child({ component: 'sandbox' }) });
  try {
    const plugin = await loadBundle(bundleDir, sandboxInspector(pool, o.log));
    const type = plugin.manifest.type;
    if (type === 'source' && o.out === undefined) throw new Error('a source plugin writes records: give --out FILE (or -), or neither --in nor --out to use Kafka');
    if (type === 'sink' && o.in === undefined) throw new Error('a sink plugin reads records: give --in FILE, or neither --in nor --out to use Kafka');
    const sink = jsonLinesSink(o.out ?? '-', o.maxRecords);
    const input = type === 'sink' ? await jsonLinesSource(o.in as string) : null;
    const offsets = new InMemoryOffsetStore();
    const rt = new ConnectorRuntime(name, config, plugin, {
      workerId: 'plugin-run',
      sandbox: pool,
      records: {
        bus: {
          sink,
          source: (_connector, topics) => {
            if (input === null) throw new Error('a source connector has no input');
            return input.source(topics);
          },
          offsets,
        },
      },
      offsets,
      policies: { '*': o.policy },
      metrics: new CapabilityMetrics(),
      log: o.log,
      maxRestarts: 0,
    });
    await rt.start();
    let drained = false;
    void input?.drained.then(() => (drained = true));
    const enough = (): boolean => (input !== null ? drained : o.maxRecords !== undefined && sink.written() >= o.maxRecords);
    await until(() => rt.status(), enough, o.stopSignal);
    const status = rt.status();
    await rt.stop();
    const records = input?.total() ?? sink.written();
    ended(o.log, name, status, records);
    return { status, records };
  } finally {
    await pool.destroy();
  }
}

async function runOnKafka(o: PluginRunOptions, work: string, name: string, config: Record<string, string>): Promise<PluginRunResult> {
  const worker = await Worker.create(
    workerConfig({
      workerId: 'plugin-run',
      pluginPath: [join(work, 'plugins')],
      builtinPlugins: false,
      sandboxProcesses: 1,
      policies: { '*': o.policy },
      logLevel: o.log.level(),
      bootstrapServers: o.bootstrapServers,
      offsetStorageFile: o.offsetsFile ?? join(work, 'offsets.json'),
    }),
    o.log,
  );
  try {
    await worker.createConnector(name, config);
    await until(() => worker.connectorStatus(name), () => false, o.stopSignal);
    const status = worker.connectorStatus(name);
    ended(o.log, name, status, null);
    return { status, records: 0 };
  } finally {
    await worker.close();
  }
}
