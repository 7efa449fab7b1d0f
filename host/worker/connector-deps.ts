/**
 * What a ConnectorRuntime is given by its worker (or by the plugin author's local runner): the sandbox, how its tasks
 * move records (Kafka pipelines or a bus of its own), offsets, policies, metrics and limits.
 */
import type { RawConfig } from '../../sdk/connector.ts';
import type { CapabilityMetrics } from '../capabilities/metrics.ts';
import type { PolicyBook } from '../capabilities/policy.ts';
import type { ConfigResolver } from '../connect/config/config-providers.ts';
import type { Logger } from '../core/logger.ts';
import type { WorkerMetrics } from '../metrics/worker-metrics.ts';
import type { RecordSink, RecordSource } from '../pipeline/record-ports.ts';
import type { SandboxLimits } from '../sandbox/protocol.ts';
import type { SandboxCreator } from '../sandbox/sandbox-pool.ts';
import type { TenantThrottle } from '../tenants/throttle.ts';
import type { SourceOffsetReader, SourceOffsetStore } from './offset-store.ts';
import type { ConnectorState } from './states.ts';

/** What a Kafka-backed pipeline adds to a RecordSink/RecordSource: it is started before and stopped after its task. */
export interface PipelineLifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Per-task Kafka pipelines (host/pipeline's PipelineFactory): how a worker's tasks move records. */
export interface TaskPipelines {
  /** offset.flush.interval.ms: how often a sink task's offsets are committed (preCommit, then the consumer group). */
  readonly settings?: { readonly offsetFlushIntervalMs: number };
  sourceSink(connector: string, taskId: number, config: RawConfig): RecordSink & PipelineLifecycle;
  sinkSource(connector: string, taskId: number, config: RawConfig): RecordSource & PipelineLifecycle;
}

/** Kafka Connect's TargetState. */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

/** Records outside Kafka (`conveyor plugin run` with files): where source batches go, sink batches come from, and offsets. */
export interface RecordBus {
  sink: RecordSink;
  source(connector: string, topics: readonly string[]): RecordSource;
  offsets: SourceOffsetStore;
}

export interface ConnectorDeps {
  workerId: string;
  sandbox: SandboxCreator;
  /** How tasks move records: Kafka pipelines (a worker), or a bus of their own (the plugin author's local runner). */
  records: { pipelines: TaskPipelines } | { bus: RecordBus };
  /** Told every connector (task null) and task state change, e.g. to store it in the cluster (distributed mode). */
  onStateChange?(connector: string, task: number | null, state: ConnectorState, trace: string | undefined): void;
  /** Called with the task configs each time the connector computes them (persisted in standalone mode). */
  onTaskConfigs?(connector: string, configs: readonly RawConfig[]): Promise<void>;
  /** Where tasks read source offsets from. */
  offsets: SourceOffsetReader;
  policies: PolicyBook;
  /** The policies for a task's resolved config (built-in connectors' own grants); `policies` without it. */
  policiesFor?(config: Readonly<Record<string, string>>): PolicyBook;
  /** Resolves `${provider:path:key}` references as the connector or a task starts; stored configs keep them. */
  configResolver?: ConfigResolver;
  /** A tenant's connector: its tenant's rate quotas on this worker (host/tenants/throttle.ts). */
  throttle?: TenantThrottle;
  metrics: CapabilityMetrics;
  /** GET /metrics: the worker's figures; a running runtime attaches itself to them. */
  workerMetrics?: WorkerMetrics;
  limits?: Partial<SandboxLimits>;
  log: Logger;
  maxRestarts?: number;
  restartBackoffMs?: number;
  shutdownTimeoutMs?: number;
}
