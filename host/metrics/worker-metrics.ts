/**
 * What a worker counts for GET /metrics, in one place: the connectors and tasks it runs (each ConnectorRuntime
 * attaches itself while it runs and shows a MetricsView at scrape time), start-up outcomes, sandbox limit kills and
 * process restarts, rebalances (distributed mode), and providers for what is asked for only at scrape time (sandbox
 * heap and CPU, capability calls, sink consumer end offsets), and what plugins report through ctx.metrics.
 */
import type { ConnectorState, TaskState } from '../worker/states.ts';
import { PluginMetrics } from './plugin-metrics.ts';
import { SampledStat } from './sampled.ts';
import type { TaskMetrics, TaskPipelineFigures } from './task-metrics.ts';

export interface MetricsTaskView {
  readonly id: number;
  readonly state: TaskState;
  readonly metrics: TaskMetrics | undefined;
  readonly pipeline: TaskPipelineFigures | undefined;
  /** The task's isolate in the sandbox pool, while it has one. */
  readonly taskKey: string | undefined;
}

export interface MetricsConnectorView {
  readonly name: string;
  readonly type: 'source' | 'sink';
  /** False for a distributed worker that runs only some of the connector's tasks, not the connector itself. */
  readonly runsConnector: boolean;
  readonly state: ConnectorState;
  readonly tasks: readonly MetricsTaskView[];
}

/** A connector runtime, seen by the metrics. */
export interface MetricsSource {
  metricsView(): MetricsConnectorView;
}

export interface SandboxFigures {
  processes: { pid: number | undefined; rssBytes: number; tasks: { taskKey: string; cpuMs: number; heapUsedBytes: number; wasmBytes: number }[] }[];
}

export interface CapabilityFigures {
  connector: string;
  task: number;
  call: string;
  counters: { calls: number; errors: number; denied: number; totalMs: number };
}

/** Distributed mode: the member's figures Kafka Connect shows as connect-worker-rebalance-metrics. */
export interface RebalanceState {
  epoch(): number | undefined;
  rebalancing(): boolean;
}

export interface MetricsProviders {
  sandbox?: () => Promise<SandboxFigures>;
  capabilityCalls?: () => CapabilityFigures[];
  /** High watermarks of a topic's partitions (for sink consumer lag). */
  endOffsets?: (topic: string) => Promise<ReadonlyMap<number, bigint>>;
  rebalance?: RebalanceState;
}

export interface Outcomes {
  attempts: number;
  successes: number;
  failures: number;
}

export class WorkerMetrics {
  readonly #sources = new Set<MetricsSource>();
  readonly connectorStartups: Outcomes = { attempts: 0, successes: 0, failures: 0 };
  readonly taskStartups: Outcomes = { attempts: 0, successes: 0, failures: 0 };
  /** Tasks failed by a sandbox limit, by limit name (memory, cpu, deadline, ...). */
  readonly limitKills = new Map<string, number>();
  /** Sandbox processes started again after one exited. */
  processRestarts = 0;
  readonly rebalanceTime = new SampledStat();
  completedRebalances = 0;
  lastRebalanceAt: number | undefined;
  providers: MetricsProviders = {};
  /** The series running tasks reported through ctx.metrics (checked against their manifests). */
  readonly plugins = new PluginMetrics();

  attach(source: MetricsSource): void {
    this.#sources.add(source);
  }

  detach(source: MetricsSource): void {
    this.#sources.delete(source);
  }

  views(): MetricsConnectorView[] {
    return [...this.#sources].map((s) => s.metricsView());
  }

  startup(kind: 'connector' | 'task', outcome: 'attempt' | 'success' | 'failure'): void {
    const o = kind === 'connector' ? this.connectorStartups : this.taskStartups;
    if (outcome === 'attempt') o.attempts++;
    else if (outcome === 'success') o.successes++;
    else o.failures++;
  }

  limitKilled(limit: string): void {
    this.limitKills.set(limit, (this.limitKills.get(limit) ?? 0) + 1);
  }

  processRestarted(): void {
    this.processRestarts++;
  }

  rebalanced(ms: number): void {
    this.completedRebalances++;
    this.lastRebalanceAt = Date.now();
    this.rebalanceTime.record(ms);
  }
}
