/**
 * One connector on this worker: its connector-level sandbox calls (validate, alterOffsets, taskConfigs), its tasks,
 * their states and restarts; what it is given is connector-deps.ts. A task that breaches a sandbox limit is FAILED
 * with the limit in its trace; a task whose sandbox process died is restarted with backoff a few times.
 */
import type { OffsetAlteration, RawConfig } from '../../sdk/connector.ts';
import { createCapabilityBroker } from '../capabilities/broker.ts';
import type { CapabilityBroker } from '../capabilities/broker.ts';
import { policyFor } from '../capabilities/policy.ts';
import type { ErrantTarget } from '../capabilities/errant.ts';
import { resolveAtStart } from '../connect/config/config-providers.ts';
import { reverseTransform } from '../connect/config/config-references.ts';
import { ConveyorError, ErrorCode, isConveyorError } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import { TaskMetrics } from '../metrics/task-metrics.ts';
import type { TaskPipelineFigures } from '../metrics/task-metrics.ts';
import type { MetricsConnectorView, MetricsSource } from '../metrics/worker-metrics.ts';
import { connectorType } from '../plugins/plugin-version.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';
import type { SandboxInstance } from '../sandbox/sandbox-pool.ts';
import type { ConnectorDeps, PipelineLifecycle, TargetState } from './connector-deps.ts';
import { restartDelay, restartPolicy } from './restart-policy.ts';
import type { RestartPolicy } from './restart-policy.ts';
import type { ConnectorState, ConnectorStatus, TaskState, TaskStatus } from './states.ts';
import { SinkTaskRunner, SourceTaskRunner } from './task-runner.ts';
import type { TaskRunner } from './task-runner.ts';

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
  pipeline?: PipelineLifecycle;
  /** The pipeline's start while it runs: a teardown waits for it, a pipeline stopped mid-start would leak what it opens. */
  pipelineStarting?: Promise<void>;
  restartTimer?: NodeJS.Timeout;
  /** Kafka Connect's task metric groups, kept across the task's restarts. */
  metrics?: TaskMetrics;
}

export function traceOf(err: unknown): string {
  const e = err as { trace?: unknown; stack?: unknown; message?: unknown };
  if (typeof e?.trace === 'string') return e.trace;
  if (typeof e?.stack === 'string') return e.stack;
  return String(e?.message ?? err);
}

let generations = 0;

export class ConnectorRuntime implements MetricsSource {
  readonly name: string;
  readonly config: Record<string, string>;
  readonly plugin: PluginVersion;
  private state: ConnectorState = 'UNASSIGNED';
  private trace: string | undefined;
  private tasks: TaskHandle[] = [];
  private readonly deps: ConnectorDeps;
  private readonly log: Logger;
  private stopped = false;
  /** Distributed mode: this runtime holds the connector unit or some task units, never computes tasks on resume. */
  private unitMode = false;
  /** Distributed mode: this runtime is the connector unit (not only tasks). */
  private connectorUnit = false;
  private target: TargetState;
  private readonly restart: RestartPolicy;

  constructor(name: string, config: Record<string, string>, plugin: PluginVersion, deps: ConnectorDeps, target: TargetState = 'STARTED') {
    this.name = name;
    this.config = config;
    this.plugin = plugin;
    this.deps = deps;
    this.target = target;
    this.restart = restartPolicy(config);
    this.log = deps.log.child({ [LogField.connector]: name, [LogField.plugin]: plugin.key });
  }

  private setState(state: ConnectorState, trace?: string): void {
    const changed = state !== this.state || trace !== this.trace;
    if (state !== this.state) this.log.info('connector state', { from: this.state, to: state });
    this.state = state;
    this.trace = trace;
    if (changed) this.deps.onStateChange?.(this.name, null, state, trace);
  }

  private setTaskState(t: TaskHandle, state: TaskState, trace?: string): void {
    const changed = state !== t.state || trace !== t.trace;
    if (state !== t.state) this.log.info('task state', { [LogField.task]: t.id, from: t.state, to: state, ...(trace ? { trace } : {}) });
    t.state = state;
    t.trace = trace;
    t.metrics?.states.enter(state);
    if (changed) this.deps.onStateChange?.(this.name, t.id, state, trace);
  }

  private newInstance(key: string, capabilities: (cap: string, method: string, args: unknown[]) => Promise<unknown>, log: Logger): Promise<SandboxInstance> {
    return this.deps.sandbox.create({
      taskKey: key,
      plugin: { key: this.plugin.key, code: this.plugin.code, capabilities: this.plugin.manifest.capabilities, wasm: this.plugin.manifest.wasm === true, ...(this.plugin.manifest.metrics === undefined ? {} : { metrics: this.plugin.manifest.metrics }), ...(this.plugin.module === undefined ? {} : { module: this.plugin.module }) },
      capabilities,
      log,
      ...(this.deps.limits ? { limits: this.deps.limits } : {}),
    });
  }

  /** Plugin-specific validation in a short-lived isolate: key → errors. */
  static validateInSandbox(plugin: PluginVersion, config: RawConfig, deps: ConnectorDeps): Promise<Record<string, string[]>> {
    return ConnectorRuntime.connectorCall(plugin, config, deps, 'validate', config);
  }

  /** The plugin's check of offsets a user alters (Kafka Connect's Connector.alterOffsets), in a short-lived isolate; throws its refusal. */
  static async checkOffsetsInSandbox(plugin: PluginVersion, config: RawConfig, offsets: readonly OffsetAlteration[], deps: ConnectorDeps): Promise<void> {
    await ConnectorRuntime.connectorCall(plugin, config, deps, 'alterOffsets', { raw: config, offsets });
  }

  /** One connector-level call of the plugin (no task), with no capabilities, in an isolate disposed after it. */
  private static async connectorCall<T>(plugin: PluginVersion, config: RawConfig, deps: ConnectorDeps, method: 'validate' | 'alterOffsets', arg: unknown): Promise<T> {
    const rt = new ConnectorRuntime(config['name'] ?? method, { ...config }, plugin, deps);
    const instance = await rt.newInstance(`${method}-${++generations}`, denyAll, rt.log);
    try {
      return await instance.invoke<T>(method, arg);
    } finally {
      await instance.dispose();
    }
  }

  get targetState(): TargetState {
    return this.target;
  }

  async start(): Promise<void> {
    this.deps.workerMetrics?.attach(this);
    if (this.target === 'STOPPED') {
      this.setState('STOPPED');
      return;
    }
    await this.startConnector();
  }

  /**
   * The plugin's task configs, each merged over the connector config, computed in a short-lived isolate from the
   * resolved config; keys whose connector value holds a reference get the reference back, so none is stored resolved.
   */
  async computeTaskConfigs(): Promise<RawConfig[]> {
    const maxTasks = Number(this.config['tasks.max'] ?? '1');
    const resolved = await resolveAtStart(this.deps.configResolver, this.config, this.log);
    const instance = await this.newInstance(`${this.name}-connector-${++generations}`, denyAll, this.log);
    try {
      const configs = await instance.invoke<RawConfig[]>('taskConfigs', { raw: resolved, maxTasks, connector: this.name });
      if (!Array.isArray(configs) || configs.length === 0) throw new ConveyorError(ErrorCode.taskFailed, 'taskConfigs() returned no task configs');
      return reverseTransform(this.config, configs.map((c) => ({ ...resolved, ...c })));
    } finally {
      await instance.dispose();
    }
  }

  private async startConnector(): Promise<void> {
    let configs: RawConfig[];
    this.deps.workerMetrics?.startup('connector', 'attempt');
    try {
      configs = await this.computeTaskConfigs();
    } catch (err) {
      this.deps.workerMetrics?.startup('connector', 'failure');
      this.setState('FAILED', traceOf(err));
      return;
    }
    this.deps.workerMetrics?.startup('connector', 'success');
    this.tasks = configs.map((config, id) => ({ id, config, state: 'UNASSIGNED', generation: 0, attempts: 0 }));
    await this.deps.onTaskConfigs?.(this.name, configs).catch((err: unknown) => this.log.warn('task configs not persisted', { error: err }));
    if (this.target === 'PAUSED') {
      this.setState('PAUSED');
      for (const t of this.tasks) this.setTaskState(t, 'PAUSED');
      return;
    }
    this.setState('RUNNING');
    // Not awaited, as Kafka Connect does not wait for Task.start(): create and update answer at once and a start
    // that fails or never returns shows in the task's status.
    for (const t of this.tasks) this.startInBackground(t);
  }

  private startInBackground(t: TaskHandle): void {
    this.startTask(t).catch((err: unknown) => this.log.error('task start failed', { [LogField.task]: t.id, error: err }));
  }

  /**
   * Distributed mode, where the connector and each of its tasks are separate units: this runtime runs only the
   * connector (computes task configs, which the caller stores) or only the tasks it is given.
   */
  async startConnectorUnit(): Promise<RawConfig[] | null> {
    this.unitMode = true;
    this.connectorUnit = true;
    this.deps.workerMetrics?.attach(this);
    this.deps.workerMetrics?.startup('connector', 'attempt');
    try {
      const configs = this.target === 'STOPPED' ? [] : await this.computeTaskConfigs();
      this.setState(this.target === 'STARTED' ? 'RUNNING' : this.target);
      this.deps.workerMetrics?.startup('connector', 'success');
      return configs;
    } catch (err) {
      this.deps.workerMetrics?.startup('connector', 'failure');
      this.setState('FAILED', traceOf(err));
      return null;
    }
  }

  /** Distributed mode: runs one task from its stored (merged) config; PAUSED when the target state says so. */
  async runTask(id: number, config: RawConfig): Promise<void> {
    this.unitMode = true;
    if (this.tasks.some((t) => t.id === id)) throw new ConveyorError(ErrorCode.conflict, `task ${this.name}-${id} already runs here`);
    const t: TaskHandle = { id, config: { ...config }, state: 'UNASSIGNED', generation: 0, attempts: 0 };
    this.tasks.push(t);
    this.deps.workerMetrics?.attach(this);
    if (this.target === 'PAUSED') this.setTaskState(t, 'PAUSED');
    else await this.startTask(t);
  }

  /** Distributed mode: stops one task (gracefully) and forgets it. */
  async stopTask(id: number): Promise<void> {
    const t = this.tasks.find((x) => x.id === id);
    if (t === undefined) return;
    this.tasks = this.tasks.filter((x) => x !== t);
    clearTimeout(t.restartTimer);
    await this.teardown(t, t.state === 'RUNNING');
    if (t.state !== 'FAILED') this.setTaskState(t, 'UNASSIGNED');
  }

  /** PUT /pause: tasks stop consuming and producing (their resources are released) until resumed. */
  async pause(): Promise<void> {
    if (!this.unitMode && this.target === 'STOPPED' && this.state === 'STOPPED') {
      this.target = 'PAUSED';
      await this.startConnector();
      return;
    }
    this.target = 'PAUSED';
    await Promise.all(this.tasks.map((t) => this.teardown(t, t.state === 'RUNNING')));
    if (this.state !== 'FAILED') this.setState('PAUSED');
    for (const t of this.tasks) if (t.state !== 'FAILED') this.setTaskState(t, 'PAUSED');
  }

  /** PUT /resume: from PAUSED or STOPPED back to RUNNING. */
  async resume(): Promise<void> {
    const was = this.target;
    this.target = 'STARTED';
    if (!this.unitMode && (was === 'STOPPED' || this.tasks.length === 0)) {
      await this.startConnector();
      return;
    }
    if (this.state === 'PAUSED') this.setState('RUNNING');
    await Promise.all(this.tasks.filter((t) => t.state === 'PAUSED').map((t) => this.startTask(t)));
  }

  /** PUT /stop: no tasks, config kept. */
  async stopConnector(): Promise<void> {
    this.target = 'STOPPED';
    await Promise.all(this.tasks.map((t) => this.teardown(t, t.state === 'RUNNING')));
    this.tasks = [];
    this.setState('STOPPED');
  }

  /** Restarts the connector and/or tasks; returns the instances that restart (their state reads RESTARTING). */
  async restartInstances(includeTasks: boolean, onlyFailed: boolean): Promise<void> {
    const restartConnector = !onlyFailed || this.state === 'FAILED';
    if (this.target === 'STOPPED') return;
    if (restartConnector && (includeTasks || this.tasks.length === 0)) {
      const picked = this.tasks.filter((t) => !onlyFailed || t.state === 'FAILED');
      if (this.state === 'FAILED' || this.tasks.length === 0 || picked.length === this.tasks.length) {
        this.setState('RESTARTING');
        for (const t of this.tasks) this.setTaskState(t, 'RESTARTING');
        await Promise.all(this.tasks.map((t) => this.teardown(t, t.state === 'RUNNING')));
        this.tasks = [];
        await this.startConnector();
        return;
      }
    }
    if (restartConnector && this.state !== 'FAILED') this.setState(this.target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
    if (includeTasks) await Promise.all(this.tasks.filter((t) => !onlyFailed || t.state === 'FAILED').map((t) => this.restartTask(t.id)));
  }

  /** The affected instances as restart?includeTasks&onlyFailed reports them (marked RESTARTING). */
  hasTask(id: number): boolean {
    return this.tasks.some((t) => t.id === id);
  }

  taskConfigs(): RawConfig[] {
    return this.tasks.map((t) => ({ ...t.config }));
  }

  /** POST /tasks/{t}/restart: stops the task (if running) and starts it again. */
  async restartTask(id: number): Promise<void> {
    const t = this.tasks.find((x) => x.id === id);
    if (t === undefined) throw new ConveyorError(ErrorCode.notFound, `Task ${this.name}-${id} not found`);
    clearTimeout(t.restartTimer);
    t.attempts = 0;
    this.setTaskState(t, 'RESTARTING');
    await this.teardown(t, true);
    if (this.target === 'PAUSED') this.setTaskState(t, 'PAUSED');
    else await this.startTask(t);
  }

  private async startTask(t: TaskHandle): Promise<void> {
    if (this.stopped) return;
    const gen = ++t.generation;
    // A teardown (stop, delete, reconfigure) during any await below bumps the generation; what this start made
    // after that is released here, what it had already attached to t the teardown released.
    const superseded = (): boolean => t.generation !== gen || this.stopped;
    const log = this.log.child({ [LogField.task]: t.id });
    t.metrics ??= new TaskMetrics(connectorType(this.plugin));
    t.metrics.states.enter(t.state);
    this.deps.workerMetrics?.startup('task', 'attempt');
    let config: RawConfig;
    try {
      // Resolved afresh at every start, so a changed secret takes effect on restart; t.config keeps the references.
      config = await resolveAtStart(this.deps.configResolver, t.config, log);
    } catch (err) {
      this.deps.workerMetrics?.startup('task', 'failure');
      await this.taskFailed(t, gen, err);
      return;
    }
    if (superseded()) return;
    const broker = createCapabilityBroker({
      connector: this.name,
      taskId: t.id,
      plugin: this.plugin.key,
      requested: this.plugin.manifest.capabilities,
      policy: policyFor(this.deps.policiesFor?.(config) ?? this.deps.policies, this.name),
      offsets: (p) => this.deps.offsets.get(this.name, p),
      metrics: this.deps.metrics,
      log,
      errant: () => errantTarget(t.pipeline),
      ...(this.deps.workerMetrics === undefined ? {} : { pluginMetrics: this.deps.workerMetrics.plugins.register(this.name, t.id, this.plugin.manifest.metrics ?? []) }),
      ...(this.deps.throttle === undefined ? {} : { throttle: this.deps.throttle }),
    });
    t.broker = broker;
    try {
      const instance = await this.newInstance(`${this.name}-${t.id}-${++generations}`, (cap, method, args) => broker.handle(cap, method, args), log);
      if (superseded()) {
        await instance.dispose();
        return;
      }
      t.instance = instance;
      const onFailure = (err: unknown): void => void this.taskFailed(t, gen, err);
      instance.onFailure(onFailure);
      const opts = { connector: this.name, taskId: t.id, config, instance, log, onFailure, metrics: t.metrics, ...(this.deps.throttle === undefined ? {} : { throttle: this.deps.throttle }) };
      const runner = await this.newRunner(t, opts);
      if (superseded()) return;
      t.runner = runner;
      await runner.start();
      if (t.generation === gen && t.state !== 'FAILED') {
        this.deps.workerMetrics?.startup('task', 'success');
        this.setTaskState(t, 'RUNNING');
      }
    } catch (err) {
      if (t.generation === gen) this.deps.workerMetrics?.startup('task', 'failure');
      await this.taskFailed(t, gen, err);
    }
  }

  private async newRunner(t: TaskHandle, opts: ConstructorParameters<typeof SourceTaskRunner>[0]): Promise<TaskRunner> {
    const source = connectorType(this.plugin) === 'source';
    if ('bus' in this.deps.records) {
      const { bus } = this.deps.records;
      return source
        ? new SourceTaskRunner(opts, bus.sink, bus.offsets)
        : new SinkTaskRunner(opts, bus.source(this.name, (opts.config['topics'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)));
    }
    const p = this.deps.records.pipelines;
    if (source) {
      const sink = p.sourceSink(this.name, t.id, opts.config);
      await this.startPipeline(t, sink);
      return new SourceTaskRunner(opts, sink, null);
    }
    const every = p.settings === undefined ? {} : { commitIntervalMs: p.settings.offsetFlushIntervalMs };
    const from = p.sinkSource(this.name, t.id, opts.config);
    await this.startPipeline(t, from);
    return new SinkTaskRunner({ ...opts, ...every }, from);
  }

  private async startPipeline(t: TaskHandle, pipeline: PipelineLifecycle): Promise<void> {
    t.pipeline = pipeline;
    const starting = pipeline.start();
    t.pipelineStarting = starting;
    try {
      await starting;
    } finally {
      if (t.pipelineStarting === starting) t.pipelineStarting = undefined;
    }
  }

  private async taskFailed(t: TaskHandle, gen: number, err: unknown): Promise<void> {
    if (t.generation !== gen || t.failedGeneration === gen || this.stopped) return;
    t.failedGeneration = gen;
    const retriable = isConveyorError(err) && err.retriable;
    const limit = (err as { limit?: { name?: unknown } } | null)?.limit?.name;
    if (typeof limit === 'string') this.deps.workerMetrics?.limitKilled(limit);
    this.log.error('task failed', { [LogField.task]: t.id, error: err, retriable });
    await this.teardown(t, false);
    if (retriable && t.attempts < (this.deps.maxRestarts ?? 3)) {
      const delay = (this.deps.restartBackoffMs ?? 500) * 2 ** t.attempts++;
      this.setTaskState(t, 'RESTARTING', traceOf(err));
      t.restartTimer = setTimeout(() => void this.startTask(t), delay).unref();
      return;
    }
    this.setTaskState(t, 'FAILED', traceOf(err));
    const policy = this.restart;
    if (policy.enabled && (policy.maxAttempts < 0 || t.attempts < policy.maxAttempts)) {
      const delay = restartDelay(policy, t.attempts++);
      const failedAt = t.generation;
      this.log.info('task restart scheduled', { [LogField.task]: t.id, delayMs: delay, attempt: t.attempts });
      t.restartTimer = setTimeout(() => {
        if (t.state !== 'FAILED' || t.generation !== failedAt || this.target !== 'STARTED' || this.stopped) return;
        // Not FAILED while it starts again: a start that succeeds must be able to report RUNNING.
        this.setTaskState(t, 'RESTARTING', t.trace);
        void this.startTask(t);
      }, delay).unref();
    }
  }

  /** halted: called once the task's plugin can do nothing more (what is left is releasing its pipeline). */
  private async teardown(t: TaskHandle, graceful: boolean, halted?: () => void): Promise<void> {
    const { runner, instance, broker, pipeline, pipelineStarting } = t;
    t.generation++;
    t.pipelineStarting = undefined;
    t.pipeline = undefined;
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
    // The plugin's stop() has returned (or was skipped): nothing it calls from now on may reach its target, though
    // the pipeline and the isolate take a while longer to go.
    broker?.revoke();
    // Without grace (a fenced worker racing its lease deadline) the plugin is stopped first, so it produces no more.
    if (!graceful) {
      await instance?.dispose().catch(() => undefined);
      halted?.();
    }
    await pipelineStarting?.catch(() => undefined);
    await pipeline?.stop().catch((err: unknown) => this.log.warn('pipeline did not stop cleanly', { [LogField.task]: t.id, error: err }));
    if (graceful) await instance?.dispose().catch(() => undefined);
    await broker?.release();
  }

  /** Stops everything; graceful=false skips the tasks' own stop() (a fenced worker must be done within its lease). */
  async stop(graceful = true): Promise<void> {
    this.stopped = true;
    for (const t of this.tasks) clearTimeout(t.restartTimer);
    const unassigned = (t: TaskHandle): void => {
      if (t.state !== 'FAILED' && t.state !== 'UNASSIGNED') this.setTaskState(t, 'UNASSIGNED');
    };
    // Fenced (no grace): a task is no longer RUNNING once its plugin is gone, though its pipeline may take a while to
    // let go (a commit it had started waits for an ownership check that now fails); it commits nothing from here on.
    await Promise.all(this.tasks.map((t) => this.teardown(t, graceful && t.state === 'RUNNING', graceful ? undefined : () => unassigned(t))));
    for (const t of this.tasks) unassigned(t);
    this.setState('UNASSIGNED');
    this.deps.workerMetrics?.detach(this);
  }

  /** What GET /metrics shows of this runtime: its connector (unless it runs only tasks) and its tasks here. */
  metricsView(): MetricsConnectorView {
    return {
      name: this.name,
      type: connectorType(this.plugin),
      runsConnector: !this.unitMode || this.connectorUnit,
      state: this.state,
      tasks: this.tasks.map((t) => ({ id: t.id, state: t.state, metrics: t.metrics, pipeline: t.pipeline as TaskPipelineFigures | undefined, taskKey: t.instance?.taskKey })),
    };
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
      type: connectorType(this.plugin),
    };
  }
}

function denyAll(cap: string, method: string): Promise<never> {
  return Promise.reject(new ConveyorError(ErrorCode.capabilityDenied, `capability denied: ${cap}.${method} is not available in connector-level calls`));
}

/** The sink pipeline's errant-record entry, when the task has a Kafka sink pipeline. */
function errantTarget(p: unknown): ErrantTarget | undefined {
  const t = p as Partial<ErrantTarget> | undefined;
  return typeof t?.reportErrant === 'function' ? (t as ErrantTarget) : undefined;
}
