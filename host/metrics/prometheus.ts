/**
 * GET /metrics in Prometheus' text format: every figure of a worker's WorkerMetrics, read at scrape time into a
 * fresh prom-client registry (so a connector or task that went away leaves no stale series), plus Node's process
 * metrics, then what plugins reported (host/metrics/plugin-metrics.ts). Figures only the sandbox or Kafka know (isolate heap and CPU, end offsets) are asked for once per scrape.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { within } from '../core/within.ts';
import { parseTpKey } from '../pipeline/sink-buffer.ts';
import { Metric } from './definitions.ts';
import { renderPluginMetrics } from './plugin-metrics.ts';
import type { MetricDef } from './definitions.ts';
import type { ErrorFigures } from './task-metrics.ts';
import type { MetricsConnectorView, SandboxFigures, WorkerMetrics } from './worker-metrics.ts';

type Labels = Record<string, string | number>;

/** How long a scrape waits for the sandbox's or Kafka's figures; without them it answers the rest. */
export const SCRAPE_WAIT_MS = 3000;

let processRegistry: Registry | undefined;

/** Node's own metrics (process CPU and memory, event loop lag, GC), once per process. */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

class Scrape {
  readonly registry = new Registry();
  readonly #made = new Map<string, Counter | Gauge>();

  set(def: MetricDef, value: number, labels: Labels = {}): void {
    let m = this.#made.get(def.name);
    if (m === undefined) {
      const common = { name: def.name, help: def.help, labelNames: [...def.labels], registers: [this.registry] };
      m = def.kind === 'counter' ? new Counter(common) : new Gauge(common);
      this.#made.set(def.name, m);
    }
    if (m instanceof Counter) m.inc(labels, Math.max(0, value));
    else m.set(labels, value);
  }
}

const pct = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

function workerFigures(s: Scrape, w: WorkerMetrics, views: readonly MetricsConnectorView[]): void {
  s.set(Metric.connectorCount, views.filter((v) => v.runsConnector).length);
  s.set(Metric.taskCount, views.reduce((n, v) => n + v.tasks.length, 0));
  const c = w.connectorStartups;
  s.set(Metric.connectorStartupAttempts, c.attempts);
  s.set(Metric.connectorStartupSuccess, c.successes);
  s.set(Metric.connectorStartupFailure, c.failures);
  s.set(Metric.connectorStartupSuccessPct, pct(c.successes, c.attempts));
  s.set(Metric.connectorStartupFailurePct, pct(c.failures, c.attempts));
  const t = w.taskStartups;
  s.set(Metric.taskStartupAttempts, t.attempts);
  s.set(Metric.taskStartupSuccess, t.successes);
  s.set(Metric.taskStartupFailure, t.failures);
  s.set(Metric.taskStartupSuccessPct, pct(t.successes, t.attempts));
  s.set(Metric.taskStartupFailurePct, pct(t.failures, t.attempts));
  const byConnector = new Map<string, { state: string }[]>();
  for (const v of views) byConnector.set(v.name, [...(byConnector.get(v.name) ?? []), ...v.tasks]);
  for (const [connector, tasks] of byConnector) {
    const count = (state: string): number => tasks.filter((x) => x.state === state).length;
    s.set(Metric.connectorTotalTasks, tasks.length, { connector });
    s.set(Metric.connectorRunningTasks, count('RUNNING'), { connector });
    s.set(Metric.connectorPausedTasks, count('PAUSED'), { connector });
    s.set(Metric.connectorFailedTasks, count('FAILED'), { connector });
    s.set(Metric.connectorUnassignedTasks, count('UNASSIGNED'), { connector });
    s.set(Metric.connectorRestartingTasks, count('RESTARTING'), { connector });
  }
  for (const v of views) if (v.runsConnector) s.set(Metric.connectorStatus, 1, { connector: v.name, status: v.state.toLowerCase() });
}

function rebalanceFigures(s: Scrape, w: WorkerMetrics): void {
  const r = w.providers.rebalance;
  if (r === undefined) return;
  s.set(Metric.completedRebalances, w.completedRebalances);
  s.set(Metric.epoch, r.epoch() ?? -1);
  s.set(Metric.rebalancing, r.rebalancing() ? 1 : 0);
  s.set(Metric.rebalanceAvgTime, w.rebalanceTime.avg());
  s.set(Metric.rebalanceMaxTime, w.rebalanceTime.max());
  s.set(Metric.timeSinceLastRebalance, w.lastRebalanceAt === undefined ? Number.POSITIVE_INFINITY : Date.now() - w.lastRebalanceAt);
}

const NO_ERRORS: ErrorFigures = { errors: 0, failures: 0, retries: 0, skipped: 0, logged: 0, lastErrorAt: 0, deadLetterQueueRequests: 0, deadLetterQueueFailures: 0 };

function taskFigures(s: Scrape, v: MetricsConnectorView): void {
  for (const t of v.tasks) {
    const labels = { connector: v.name, task: t.id };
    s.set(Metric.taskStatus, 1, { ...labels, status: t.state.toLowerCase() });
    const m = t.metrics;
    if (m === undefined) continue;
    s.set(Metric.runningRatio, m.states.ratio('RUNNING'), labels);
    s.set(Metric.pauseRatio, m.states.ratio('PAUSED'), labels);
    s.set(Metric.offsetCommitAvgTime, m.commitTime.avg(), labels);
    s.set(Metric.offsetCommitMaxTime, m.commitTime.max(), labels);
    s.set(Metric.offsetCommitSuccessPct, pct(m.commits, m.commits + m.commitFailures), labels);
    s.set(Metric.offsetCommitFailurePct, pct(m.commitFailures, m.commits + m.commitFailures), labels);
    s.set(Metric.batchSizeAvg, m.batchSize.avg(), labels);
    s.set(Metric.batchSizeMax, m.batchSize.max(), labels);
    const stats = t.pipeline?.stats;
    if (m.type === 'source') {
      // Without a Kafka pipeline (the local runner's record files) every polled record is written.
      const written = stats?.records ?? m.records;
      s.set(Metric.sourcePollTotal, m.records, labels);
      s.set(Metric.sourcePollRate, m.recordRate.rate(), labels);
      s.set(Metric.sourceWriteTotal, written, labels);
      s.set(Metric.sourceWriteRate, m.pipelineRate.read(written), labels);
      s.set(Metric.pollBatchAvgTime, m.batchTime.avg(), labels);
      s.set(Metric.pollBatchMaxTime, m.batchTime.max(), labels);
    } else {
      const read = stats === undefined ? m.records : stats.records + stats.filtered + stats.failed;
      s.set(Metric.sinkReadTotal, read, labels);
      s.set(Metric.sinkReadRate, m.pipelineRate.read(read), labels);
      s.set(Metric.sinkSendTotal, m.records, labels);
      s.set(Metric.sinkSendRate, m.recordRate.rate(), labels);
      s.set(Metric.putBatchAvgTime, m.batchTime.avg(), labels);
      s.set(Metric.putBatchMaxTime, m.batchTime.max(), labels);
      s.set(Metric.offsetCommitCompletionTotal, m.commits, labels);
      const position = t.pipeline?.position?.();
      if (position !== undefined) s.set(Metric.partitionCount, Object.keys(position).length, labels);
    }
    const e = t.pipeline?.errorFigures?.() ?? NO_ERRORS;
    s.set(Metric.totalRecordErrors, e.errors, labels);
    s.set(Metric.totalRecordFailures, e.failures, labels);
    s.set(Metric.totalRecordsSkipped, e.skipped, labels);
    s.set(Metric.totalRetries, e.retries, labels);
    s.set(Metric.totalErrorsLogged, e.logged, labels);
    s.set(Metric.dlqProduceRequests, e.deadLetterQueueRequests, labels);
    s.set(Metric.dlqProduceFailures, e.deadLetterQueueFailures, labels);
    s.set(Metric.lastErrorTimestamp, e.lastErrorAt, labels);
  }
}

/** records-lag of every partition a sink task on this worker reads: high watermark minus the task's position. */
async function lagFigures(s: Scrape, w: WorkerMetrics, views: readonly MetricsConnectorView[]): Promise<void> {
  const endOffsets = w.providers.endOffsets;
  if (endOffsets === undefined) return;
  const wanted: { connector: string; task: number; topic: string; partition: number; position: number }[] = [];
  for (const v of views) {
    if (v.type !== 'sink') continue;
    for (const t of v.tasks) {
      for (const [tp, position] of Object.entries(t.pipeline?.position?.() ?? {})) {
        const parsed = parseTpKey(tp);
        if (parsed !== undefined) wanted.push({ connector: v.name, task: t.id, ...parsed, position });
      }
    }
  }
  const topics = [...new Set(wanted.map((x) => x.topic))];
  const ends = new Map(await Promise.all(topics.map(async (topic) => [topic, await within(endOffsets(topic), SCRAPE_WAIT_MS).catch(() => undefined)] as const)));
  for (const x of wanted) {
    const high = ends.get(x.topic)?.get(x.partition);
    if (high === undefined) continue;
    s.set(Metric.recordsLag, Math.max(0, Number(high) - x.position), { connector: x.connector, task: x.task, topic: x.topic, partition: x.partition });
  }
}

async function sandboxFigures(s: Scrape, w: WorkerMetrics, views: readonly MetricsConnectorView[]): Promise<void> {
  s.set(Metric.sandboxProcessRestarts, w.processRestarts);
  for (const [limit, n] of w.limitKills) s.set(Metric.sandboxLimitKills, n, { limit });
  // The broker's counters outlive a task; only connectors still on this worker are shown.
  const here = new Set(views.map((v) => v.name));
  for (const c of w.providers.capabilityCalls?.() ?? []) {
    if (!here.has(c.connector)) continue;
    const dot = c.call.indexOf('.');
    const labels = { connector: c.connector, task: c.task, capability: c.call.slice(0, dot), method: c.call.slice(dot + 1) };
    s.set(Metric.sandboxCapabilityCalls, c.counters.calls, labels);
    s.set(Metric.sandboxCapabilityDenials, c.counters.denied, labels);
    s.set(Metric.sandboxCapabilityErrors, c.counters.errors, labels);
    s.set(Metric.sandboxCapabilitySeconds, c.counters.totalMs / 1000, labels);
  }
  const ask = w.providers.sandbox;
  const stats: SandboxFigures | undefined = ask === undefined ? undefined : await within(ask(), SCRAPE_WAIT_MS).catch(() => undefined);
  if (stats === undefined) return;
  s.set(Metric.sandboxProcesses, stats.processes.length);
  const owners = new Map<string, { connector: string; task: number }>();
  for (const v of views) for (const t of v.tasks) if (t.taskKey !== undefined) owners.set(t.taskKey, { connector: v.name, task: t.id });
  for (const p of stats.processes) {
    s.set(Metric.sandboxProcessRss, p.rssBytes, { pid: p.pid ?? 0 });
    for (const task of p.tasks) {
      const labels = owners.get(task.taskKey);
      if (labels === undefined) continue;
      s.set(Metric.sandboxHeapBytes, task.heapUsedBytes, labels);
      s.set(Metric.sandboxWasmBytes, task.wasmBytes, labels);
      s.set(Metric.sandboxCpuMs, task.cpuMs, labels);
    }
  }
}

/** The worker's metrics and Node's, as Prometheus text. */
export async function renderMetrics(w: WorkerMetrics): Promise<{ contentType: string; body: string }> {
  const s = new Scrape();
  const views = w.views();
  workerFigures(s, w, views);
  rebalanceFigures(s, w);
  for (const v of views) taskFigures(s, v);
  await Promise.all([lagFigures(s, w, views), sandboxFigures(s, w, views)]);
  const merged = Registry.merge([s.registry, processMetrics()]);
  // Plugin series (their names never start with a host prefix, sdk/metrics.ts) follow the worker's own.
  const plugins = renderPluginMetrics(w.plugins, new Set(views.map((v) => v.name)));
  return { contentType: merged.contentType, body: (await merged.metrics()) + plugins };
}
