/**
 * The worker: plugin directory, sandbox pool, in-process record bus and the connectors running on it.
 * Runs no untrusted code itself; every plugin call goes to a sandbox child process.
 */
import type { RawConfig } from '../../sdk/connector.ts';
import { CapabilityMetrics } from '../capabilities/metrics.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import { buildBuiltinPlugins } from '../plugins/builtin.ts';
import { sandboxInspector } from '../plugins/inspector.ts';
import { PluginDirectory } from '../plugins/plugin-directory.ts';
import type { BrokenBundle, PluginVersion } from '../plugins/plugin-version.ts';
import { createSandboxPool } from '../sandbox/sandbox-pool.ts';
import type { SandboxCreator } from '../sandbox/sandbox-pool.ts';
import { frameworkErrors, invalidConfigMessage, pluginConfigReports } from './connector-config.ts';
import { ConnectorRuntime } from './connector-runtime.ts';
import type { ConnectorDeps } from './connector-runtime.ts';
import { InMemoryOffsetStore } from './offset-store.ts';
import { InMemoryTopics } from './record-bus.ts';
import type { ConnectorInfo, ConnectorStatus } from './states.ts';
import type { WorkerConfig } from './worker-config.ts';

export type WorkerState = 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

export class Worker {
  readonly config: WorkerConfig;
  readonly topics = new InMemoryTopics();
  readonly metrics = new CapabilityMetrics();
  private state: WorkerState = 'STARTING';
  private readonly log: Logger;
  private readonly sandbox: SandboxCreator;
  private readonly directory: PluginDirectory;
  private readonly connectors = new Map<string, ConnectorRuntime>();
  private readonly deps: ConnectorDeps;

  private constructor(config: WorkerConfig, log: Logger, sandbox: SandboxCreator, directory: PluginDirectory) {
    this.config = config;
    this.log = log;
    this.sandbox = sandbox;
    this.directory = directory;
    this.deps = {
      workerId: config.workerId,
      sandbox,
      recordSink: this.topics,
      recordSource: (connector, topics) => this.topics.consumer(`connect-${connector}`, topics),
      offsets: new InMemoryOffsetStore(),
      policies: config.policies,
      metrics: this.metrics,
      limits: config.limits,
      log,
    };
  }

  static async create(config: WorkerConfig, log: Logger): Promise<Worker> {
    const wlog = log.child({ [LogField.worker]: config.workerId });
    const sandbox = createSandboxPool({ processes: config.sandboxProcesses, limits: config.limits, log: wlog.child({ [LogField.component]: 'sandbox' }) });
    const roots = [...(config.builtinPlugins ? await buildBuiltinPlugins() : []), ...config.pluginPath];
    const plog = wlog.child({ [LogField.component]: 'plugins' });
    const directory = await PluginDirectory.create({ roots, inspect: sandboxInspector(sandbox, plog), log: plog, rescanMs: config.pluginRescanMs });
    const w = new Worker(config, wlog, sandbox, directory);
    w.setState('RUNNING');
    return w;
  }

  private setState(state: WorkerState): void {
    this.log.info('worker state', { from: this.state, to: state });
    this.state = state;
  }

  get workerState(): WorkerState {
    return this.state;
  }

  plugins(): PluginVersion[] {
    return this.directory.registry.list();
  }

  brokenPlugins(): BrokenBundle[] {
    return this.directory.registry.brokenBundles();
  }

  /** Rescans plugin.path now (the watcher does this on its own). */
  rescanPlugins(): Promise<void> {
    return this.directory.scan();
  }

  connectorNames(): string[] {
    return [...this.connectors.keys()].sort();
  }

  private runtime(name: string): ConnectorRuntime {
    const rt = this.connectors.get(name);
    if (!rt) throw new ConveyorError(ErrorCode.notFound, `Connector ${name} not found`);
    return rt;
  }

  connectorInfo(name: string): ConnectorInfo {
    const rt = this.runtime(name);
    return { name, config: { ...rt.config }, tasks: Array.from({ length: rt.taskCount() }, (_, task) => ({ connector: name, task })), type: rt.plugin.manifest.type };
  }

  connectorStatus(name: string): ConnectorStatus {
    return this.runtime(name).status();
  }

  /** Per sandbox process: pid, RSS and per-task CPU/heap. */
  sandboxStats(): ReturnType<SandboxCreator['stats']> {
    return this.sandbox.stats();
  }

  /** Capability calls of a connector's tasks, counted by the broker. */
  capabilityCalls(name: string): ReturnType<CapabilityMetrics['snapshot']> {
    this.runtime(name);
    return this.metrics.snapshot(name);
  }

  connectorProgress(name: string): { id: number; records: number; batches: number }[] {
    return this.runtime(name).progress();
  }

  /** Validates fully (framework keys, config definition, plugin's own validate in a sandbox) or throws configInvalid. */
  async validate(config: RawConfig): Promise<PluginVersion> {
    const cls = config['connector.class'];
    if (cls === undefined || cls === '') throw new ConveyorError(ErrorCode.configInvalid, invalidConfigMessage({ 'connector.class': ['Missing required configuration "connector.class" which has no default value.'] }));
    const plugin = this.directory.registry.resolve(cls, config['plugin.version']);
    const errors = frameworkErrors(plugin, config);
    for (const r of pluginConfigReports(plugin, config)) if (r.errors.length > 0) errors[r.name] = [...(errors[r.name] ?? []), ...r.errors];
    if (Object.keys(errors).length === 0) {
      for (const [k, errs] of Object.entries(await ConnectorRuntime.validateInSandbox(plugin, config, this.deps))) errors[k] = [...(errors[k] ?? []), ...errs];
    }
    if (Object.keys(errors).length > 0) throw new ConveyorError(ErrorCode.configInvalid, invalidConfigMessage(errors));
    return plugin;
  }

  async createConnector(name: string, config: RawConfig): Promise<ConnectorInfo> {
    if (this.state !== 'RUNNING') throw new ConveyorError(ErrorCode.unavailable, `worker is ${this.state}`, { retriable: true });
    if (name === '' || /[/\\]/.test(name)) throw new ConveyorError(ErrorCode.badRequest, 'connector name may not be empty or contain / or \\');
    if (this.connectors.has(name)) throw new ConveyorError(ErrorCode.conflict, `Connector ${name} already exists`);
    const full = { ...config, name };
    const plugin = await this.validate(full);
    if (this.connectors.has(name)) throw new ConveyorError(ErrorCode.conflict, `Connector ${name} already exists`);
    const rt = new ConnectorRuntime(name, full, plugin, this.deps);
    this.connectors.set(name, rt);
    await rt.start();
    return this.connectorInfo(name);
  }

  async putConnectorConfig(name: string, config: RawConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    if (config['name'] !== undefined && config['name'] !== name) throw new ConveyorError(ErrorCode.badRequest, 'Connector name configuration (' + config['name'] + ') doesn\'t match connector name in the URL (' + name + ')');
    const existing = this.connectors.get(name);
    if (existing === undefined) return { created: true, info: await this.createConnector(name, config) };
    await this.validate({ ...config, name });
    await existing.stop();
    this.connectors.delete(name);
    return { created: false, info: await this.createConnector(name, config) };
  }

  async deleteConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    this.connectors.delete(name);
    await rt.stop();
  }

  async close(): Promise<void> {
    if (this.state === 'STOPPED') return;
    this.setState('STOPPING');
    await Promise.all([...this.connectors.values()].map((c) => c.stop()));
    this.connectors.clear();
    await this.directory.close();
    await this.sandbox.destroy();
    this.setState('STOPPED');
  }
}
