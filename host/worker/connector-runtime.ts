/**
 * One connector on this worker: its connector-level sandbox call (validate + taskConfigs), its tasks, their states
 * and restarts. A task that breaches a sandbox limit is FAILED with the limit in its trace; a task whose sandbox
 * process died is restarted with backoff a few times.
 */
import type { RawConfig } from '../../sdk/connector.ts';
import { createCapabilityBroker } from '../capabilities/broker.ts';
import type { CapabilityBroker } from '../capabilities/broker.ts';
import type { CapabilityMetrics } from '../capabilities/metrics.ts';
import { policyFor } from '../capabilities/policy.ts';
import type { PolicyBook } from '../capabilities/policy.ts';
import { ConveyorError, ErrorCode, isConveyorError } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';
import type { SandboxLimits } from '../sandbox/protocol.ts';
import type { SandboxCreator, SandboxInstance } from '../sandbox/sandbox-pool.ts';
import type { SourceOffsetStore } from './offset-store.ts';
import type { RecordSink, RecordSource } from './record-bus.ts';
import type { ConnectorState, ConnectorStatus, TaskState, TaskStatus } from './states.ts';
import { SinkTaskRunner, SourceTaskRunner } from './task-runner.ts';
import type { TaskRunner } from './task-runner.ts';

export interface ConnectorDeps {
  workerId: string;
  sandbox: SandboxCreator;
  recordSink: RecordSink;
  recordSource(connector: string, topics: readonly string[]): RecordSource;
  offsets: SourceOffsetStore;
  policies: PolicyBook;
  metrics: CapabilityMetrics;
  limits?: Partial<SandboxLimits>;
  log: Logger;
  maxRestarts?: number;
  restartBackoffMs?: number;
  shutdownTimeoutMs?: number;
}

interface TaskHandle {
  id: number;
  config: RawConfig;
  state: TaskState;
  trace?: string;
  generation: number;
  failedGeneration?: number;
  attempts: number;
  instance?: SandboxInstance;
  broker?: CapabilityBroker;
  runner?: TaskRunner;
}

export function traceOf(err: unknown): string {
  const e = err as { trace?: unknown; stack?: unknown; message?: unknown };
  if (typeof e?.trace === 'string') return e.trace;
  if (typeof e?.stack === 'string') return e.stack;
  return String(e?.message ?? err);
}

let generations = 0;

export class ConnectorRuntime {
  readonly name: string;
  readonly config: Record<string, string>;
  readonly plugin: PluginVersion;
  private state: ConnectorState = 'UNASSIGNED';
  private trace: string | undefined;
  private tasks: TaskHandle[] = [];
  private readonly deps: ConnectorDeps;
  private readonly log: Logger;
  private stopped = false;

  constructor(name: string, config: Record<string, string>, plugin: PluginVersion, deps: ConnectorDeps) {
    this.name = name;
    this.config = config;
    this.plugin = plugin;
    this.deps = deps;
    this.log = deps.log.child({ [LogField.connector]: name, [LogField.plugin]: plugin.key });
  }

  private setState(state: ConnectorState, trace?: string): void {
    if (state !== this.state) this.log.info('connector state', { from: this.state, to: state });
    this.state = state;
    this.trace = trace;
  }

  private setTaskState(t: TaskHandle, state: TaskState, trace?: string): void {
    if (state !== t.state) this.log.info('task state', { [LogField.task]: t.id, from: t.state, to: state, ...(trace ? { trace } : {}) });
    t.state = state;
    t.trace = trace;
  }

  private newInstance(key: string, capabilities: (cap: string, method: string, args: unknown[]) => Promise<unknown>, log: Logger): Promise<SandboxInstance> {
    return this.deps.sandbox.create({
      taskKey: key,
      plugin: { key: this.plugin.key, code: this.plugin.code, capabilities: this.plugin.manifest.capabilities },
      capabilities,
      log,
      ...(this.deps.limits ? { limits: this.deps.limits } : {}),
    });
  }

  /** Plugin-specific validation in a short-lived isolate: key → errors. */
  static async validateInSandbox(plugin: PluginVersion, config: RawConfig, deps: ConnectorDeps): Promise<Record<string, string[]>> {
    const rt = new ConnectorRuntime(config['name'] ?? 'validate', { ...config }, plugin, deps);
    const instance = await rt.newInstance(`validate-${++generations}`, denyAll, rt.log);
    try {
      return await instance.invoke<Record<string, string[]>>('validate', config);
    } finally {
      await instance.dispose();
    }
  }

  async start(): Promise<void> {
    const maxTasks = Number(this.config['tasks.max'] ?? '1');
    let configs: RawConfig[];
    const instance = await this.newInstance(`${this.name}-connector-${++generations}`, denyAll, this.log);
    try {
      configs = await instance.invoke<RawConfig[]>('taskConfigs', { raw: this.config, maxTasks, connector: this.name });
      if (!Array.isArray(configs) || configs.length === 0) throw new ConveyorError(ErrorCode.taskFailed, 'taskConfigs() returned no task configs');
    } catch (err) {
      this.setState('FAILED', traceOf(err));
      return;
    } finally {
      await instance.dispose();
    }
    this.setState('RUNNING');
    this.tasks = configs.map((c, id) => ({ id, config: { ...this.config, ...c }, state: 'UNASSIGNED', generation: 0, attempts: 0 }));
    await Promise.all(this.tasks.map((t) => this.startTask(t)));
  }

  private async startTask(t: TaskHandle): Promise<void> {
    if (this.stopped) return;
    const gen = ++t.generation;
    const log = this.log.child({ [LogField.task]: t.id });
    const broker = createCapabilityBroker({
      connector: this.name,
      taskId: t.id,
      plugin: this.plugin.key,
      requested: this.plugin.manifest.capabilities,
      policy: policyFor(this.deps.policies, this.name),
      offsets: (p) => this.deps.offsets.get(this.name, p),
      metrics: this.deps.metrics,
      log,
    });
    t.broker = broker;
    try {
      const instance = await this.newInstance(`${this.name}-${t.id}-${++generations}`, (cap, method, args) => broker.handle(cap, method, args), log);
      t.instance = instance;
      const onFailure = (err: unknown): void => void this.taskFailed(t, gen, err);
      instance.onFailure(onFailure);
      const opts = { connector: this.name, taskId: t.id, config: t.config, instance, log, onFailure };
      const runner =
        this.plugin.manifest.type === 'source'
          ? new SourceTaskRunner(opts, this.deps.recordSink, this.deps.offsets)
          : new SinkTaskRunner(opts, this.deps.recordSource(this.name, (t.config['topics'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)));
      t.runner = runner;
      await runner.start();
      if (t.generation === gen && t.state !== 'FAILED') this.setTaskState(t, 'RUNNING');
    } catch (err) {
      await this.taskFailed(t, gen, err);
    }
  }

  private async taskFailed(t: TaskHandle, gen: number, err: unknown): Promise<void> {
    if (t.generation !== gen || t.failedGeneration === gen || this.stopped) return;
    t.failedGeneration = gen;
    const retriable = isConveyorError(err) && err.retriable;
    this.log.error('task failed', { [LogField.task]: t.id, error: err, retriable });
    await this.teardown(t, false);
    if (retriable && t.attempts < (this.deps.maxRestarts ?? 3)) {
      const delay = (this.deps.restartBackoffMs ?? 500) * 2 ** t.attempts++;
      this.setTaskState(t, 'RESTARTING', traceOf(err));
      setTimeout(() => void this.startTask(t), delay).unref();
      return;
    }
    this.setTaskState(t, 'FAILED', traceOf(err));
  }

  private async teardown(t: TaskHandle, graceful: boolean): Promise<void> {
    const { runner, instance, broker } = t;
    t.runner = undefined;
    t.instance = undefined;
    t.broker = undefined;
    if (graceful && runner) {
      // Kafka Connect's task.shutdown.graceful.timeout.ms: a task that will not stop is disposed anyway.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.deps.shutdownTimeoutMs ?? 5000)));
      await Promise.race([runner.stop().catch(() => undefined), timeout]);
      clearTimeout(timer);
    }
    await instance?.dispose().catch(() => undefined);
    await broker?.release();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.tasks.map((t) => this.teardown(t, t.state === 'RUNNING')));
    for (const t of this.tasks) if (t.state !== 'FAILED') this.setTaskState(t, 'UNASSIGNED');
    this.setState('UNASSIGNED');
  }

  taskCount(): number {
    return this.tasks.length;
  }

  /** Records moved by each task so far (for tests and benchmarks). */
  progress(): { id: number; records: number; batches: number }[] {
    return this.tasks.map((t) => ({ id: t.id, records: t.runner?.records ?? 0, batches: t.runner?.batches ?? 0 }));
  }

  status(): ConnectorStatus {
    const w = this.deps.workerId;
    return {
      name: this.name,
      connector: { state: this.state, worker_id: w, ...(this.trace ? { trace: this.trace } : {}) },
      tasks: this.tasks.map((t): TaskStatus => ({ id: t.id, state: t.state, worker_id: w, ...(t.trace ? { trace: t.trace } : {}) })),
      type: this.plugin.manifest.type,
    };
  }
}

function denyAll(cap: string, method: string): Promise<never> {
  return Promise.reject(new ConveyorError(ErrorCode.capabilityDenied, `capability denied: ${cap}.${method} is not available in connector-level calls`));
}
