/**
 * The worker: plugin directory, sandbox pool, in-process record bus and the connectors running on it.
 * Runs no untrusted code itself; every plugin call goes to a sandbox child process.
 */
import type { OffsetAlteration, RawConfig } from '../../sdk/connector.ts';
import { CapabilityMetrics } from '../capabilities/metrics.ts';
import type { PluginTaskView } from '../metrics/plugin-metrics.ts';
import { renderMetrics } from '../metrics/prometheus.ts';
import { WorkerMetrics } from '../metrics/worker-metrics.ts';
import { createConfigResolver } from '../connect/config/config-providers.ts';
import { createPluginRegistries } from '../connect/plugins.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { TENANT_CONFIG_KEY } from '../pipeline/internal-topics.ts';
import { TENANT_PLUGIN_PATH_KEY } from '../plugins/plugin-directory.ts';
import { loadTenants } from '../tenants/directory.ts';
import type { Tenant, TenantQuotas } from '../tenants/directory.ts';
import { tenantBundleFile, writeTenantBundle } from '../tenants/bundle-store.ts';
import { TenantThrottle } from '../tenants/throttle.ts';
import type { TenantUsage } from '../tenants/throttle.ts';
import { TenantsHolder } from '../tenants/holder.ts';
import type { TenantsSource } from '../tenants/holder.ts';
import { LogField } from '../core/log-fields.ts';
import { transformRegistry } from './transform-plugins.ts';
import type { Logger } from '../core/logger.ts';
import { buildBuiltinPlugins } from '../plugins/builtin.ts';
import { pinnedVersion } from '../plugins/connect-identity.ts';
import { sandboxInspector } from '../plugins/inspector.ts';
import { PluginDirectory } from '../plugins/plugin-directory.ts';
import { signaturePolicy } from '../plugins/signature-policy.ts';
import { connectorType } from '../plugins/plugin-version.ts';
import type { BrokenBundle, PluginVersion } from '../plugins/plugin-version.ts';
import { createSandboxPool } from '../sandbox/sandbox-pool.ts';
import type { SandboxCreator } from '../sandbox/sandbox-pool.ts';
import { invalidConfigMessage } from './connector-config.ts';
import { pluginDefinitions, validationReport } from './connector-validation.ts';
import type { ValidationEnv } from './connector-validation.ts';
import { ConnectorRuntime } from './connector-runtime.ts';
import type { ConnectorDeps, TargetState } from './connector-deps.ts';
import { ActiveTopics } from './active-topics.ts';
import { createKafkaBackend } from './kafka-backend.ts';
import type { KafkaBackend, PipelineExtras } from './kafka-backend.ts';
import { withBuiltinGrants } from './builtin-grants.ts';
import { alterOffsets, readOffsets, resetOffsets } from './connector-offsets.ts';
import type { ConnectorOffset } from './connector-offsets.ts';
import { configErrors } from './config-infos.ts';
import { configuredTopics, connectorNotFound, OFFSETS_ALTERED, OFFSETS_RESET, patchedConfig, requireNameMatches, requireStoppedForOffsets, restartingSnapshot, statusNotFound, taskConfigViews, taskNotFound, withVersions } from './connector-rules.ts';
import type { TaskConfigView } from './connector-rules.ts';
import type { ConfigInfos, ConfigKeyInfo } from './config-infos.ts';
import { StandaloneConfigStore } from '../storage/config-store.ts';
import type { ConnectorInfo, ConnectorStatus } from './states.ts';
import type { WorkerConfig } from './worker-config.ts';

export type WorkerState = 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/** What distributed mode changes in a worker: pipeline fencing and exactly-once, active topics and tenants kept in the cluster. */
export interface WorkerOptions {
  pipelineExtras?: PipelineExtras;
  onTopicUsed?: (connector: string, topic: string) => void;
  /** The tenants document in force (etcd's, in distributed mode); conveyor.tenants.file read once when absent. */
  tenants?: TenantsSource;
}

/** A connector config the worker could not write (its config file's disk is full, say): nothing was changed. */
function storageFailure(name: string, err: unknown): ConveyorError {
  return new ConveyorError(ErrorCode.internal, `Failed to store the config of connector ${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

export class Worker {
  readonly config: WorkerConfig;
  readonly metrics = new CapabilityMetrics();
  /** Everything GET /metrics shows of this worker. */
  readonly workerMetrics: WorkerMetrics;
  /** Converters, transforms and predicates, for validation's recommended values and class checks. */
  private readonly registries = createPluginRegistries();
  private state: WorkerState = 'STARTING';
  private readonly log: Logger;
  private readonly sandbox: SandboxCreator;
  private readonly directory: PluginDirectory;
  private readonly connectors = new Map<string, ConnectorRuntime>();
  private readonly deps: ConnectorDeps;
  /** Kafka pipelines, source offsets and the admin client. */
  readonly kafka: KafkaBackend;
  private readonly store: StandaloneConfigStore | null;

  private readonly activeTopics: ActiveTopics;
  /** Tenants' policies, task limits and topic prefixes, read when a connector or task starts. */
  private readonly tenants: TenantsSource;
  private readonly throttles = new Map<string, { quotas: TenantQuotas; throttle: TenantThrottle }>();

  private constructor(config: WorkerConfig, log: Logger, sandbox: SandboxCreator, directory: PluginDirectory, kafka: KafkaBackend, store: StandaloneConfigStore | null, activeTopics: ActiveTopics, tenants: TenantsSource, workerMetrics: WorkerMetrics) {
    this.workerMetrics = workerMetrics;
    workerMetrics.providers = {
      ...workerMetrics.providers,
      sandbox: () => sandbox.stats(),
      capabilityCalls: () => this.metrics.snapshot(),
      endOffsets: async (topic: string) => new Map([...(await (await kafka.admin()).endOffsets(topic))].map(([p, o]) => [p, o.high])),
    };
    this.activeTopics = activeTopics;
    this.tenants = tenants;
    this.config = config;
    this.log = log;
    this.sandbox = sandbox;
    this.directory = directory;
    this.kafka = kafka;
    this.store = store;
    this.deps = {
      workerId: config.workerId,
      sandbox,
      records: { pipelines: kafka.pipelines },
      ...(store === null ? {} : { onTaskConfigs: (name, configs) => (store.get(name) ? store.putTaskConfigs(name, configs) : Promise.resolve()) }),
      offsets: kafka.offsetReader,
      policies: config.policies,
      ...(config.configProviders.length === 0 ? {} : { configResolver: createConfigResolver(config.configProviders) }),
      metrics: this.metrics,
      workerMetrics,
      limits: config.limits,
      log,
    };
  }

  static async create(config: WorkerConfig, log: Logger, options: WorkerOptions = {}): Promise<Worker> {
    const wlog = log.child({ [LogField.worker]: config.workerId });
    const signatures = signaturePolicy(config.connectProperties);
    if (signatures.required || signatures.trusted.size > 0) wlog.info('plugin signatures', { required: signatures.required, trustedKeys: [...signatures.trusted.keys()] });
    const workerMetrics = new WorkerMetrics();
    const sandbox = createSandboxPool({ processes: config.sandboxProcesses, limits: config.limits, log: wlog.child({ [LogField.component]: 'sandbox' }), onProcessRestart: () => workerMetrics.processRestarted() });
    const builtinRoots = config.builtinPlugins ? await buildBuiltinPlugins() : [];
    const plog = wlog.child({ [LogField.component]: 'plugins' });
    const tenantRoot = config.connectProperties[TENANT_PLUGIN_PATH_KEY]?.trim() || undefined;
    const directory = await PluginDirectory.create({ roots: config.pluginPath, builtinRoots, signatures, inspect: sandboxInspector(sandbox, plog), log: plog, rescanMs: config.pluginRescanMs, ...(tenantRoot === undefined ? {} : { tenantRoot }) });
    const activeTopics = new ActiveTopics();
    const onTopicUsed = options.onTopicUsed ?? ((connector: string, topic: string) => activeTopics.record(connector, topic));
    const tenants = options.tenants ?? new TenantsHolder(loadTenants(config.connectProperties));
    const tlog = wlog.child({ [LogField.component]: 'transforms' });
    const extras = {
      ...options.pipelineExtras,
      tenantTopicPrefixes: (t: string) => tenants.current()?.tenants.get(t)?.topicPrefixes,
      transforms: (connector: string, taskId: number, c: RawConfig) => transformRegistry(directory.registry.transforms(c[TENANT_CONFIG_KEY]), { sandbox, taskKey: `${connector}-${taskId}`, log: tlog, limits: config.limits }),
    };
    const kafka = await createKafkaBackend(config, wlog, onTopicUsed, extras);
    const store = config.configStorageFile === null ? null : await StandaloneConfigStore.open({ filename: config.configStorageFile, logger: wlog });
    const w = new Worker(config, wlog, sandbox, directory, kafka, store, activeTopics, tenants, workerMetrics);
    w.setState('RUNNING');
    await w.restore();
    return w;
  }

  /**
   * Built-in connectors may use what their config names: file connectors their file's directory, the ES sink its
   * connection.url, the CDC source its database, the HTTP sink its URL's origin (builtin-grants.ts); granted from each task's resolved config.
   */
  private grantFiles(name: string, plugin: PluginVersion, connectorConfig: Readonly<Record<string, string>>): ConnectorDeps {
    const tenant = this.tenantOf(connectorConfig);
    if (tenant !== undefined) {
      // A tenant's connector reaches only what its tenant's policy grants: no built-in grant from its own config.
      const q = tenant.quotas;
      const limits = { ...this.deps.limits, ...(q.taskMemoryMb === undefined ? {} : { memoryMb: q.taskMemoryMb }), ...(q.taskCpuQuotaMs === undefined ? {} : { cpuQuotaMs: q.taskCpuQuotaMs }) };
      return { ...this.deps, policies: { [name]: tenant.policy }, limits, throttle: this.throttleFor(tenant) };
    }
    const base = this.deps.policies;
    return { ...this.deps, policiesFor: (config) => withBuiltinGrants(base, name, plugin, config) };
  }

  /** One throttle per tenant on this worker, made anew when the tenant's quotas change. */
  private throttleFor(tenant: Tenant): TenantThrottle {
    const held = this.throttles.get(tenant.name);
    if (held !== undefined && held.quotas === tenant.quotas) return held.throttle;
    const throttle = new TenantThrottle(tenant.name, tenant.quotas);
    this.throttles.set(tenant.name, { quotas: tenant.quotas, throttle });
    return throttle;
  }

  /** GET /conveyor/tenants/{tenant}/usage: what the tenant's tasks moved on this worker and how long they were throttled. */
  tenantUsage(tenant: string): TenantUsage {
    const held = this.throttles.get(tenant);
    if (held !== undefined) return held.throttle.usage();
    const known = this.tenants.current()?.tenants.get(tenant);
    if (known === undefined) throw new ConveyorError(ErrorCode.notFound, `Tenant ${tenant} not found`);
    return new TenantThrottle(tenant, known.quotas).usage();
  }

  /** The tenant owning a connector (conveyor.tenant), when the worker has a tenants document that knows it. */
  private tenantOf(config: Readonly<Record<string, string>>): Tenant | undefined {
    const name = config[TENANT_CONFIG_KEY];
    const directory = this.tenants.current();
    if (name === undefined || directory === null) return undefined;
    const tenant = directory.tenants.get(name);
    if (tenant === undefined) throw new ConveyorError(ErrorCode.configInvalid, `connector belongs to tenant ${name}, which the tenants document does not define`);
    return tenant;
  }

  /** The plugin a connector config names (connector.class, plugin.version); throws notFound for an unknown class. */
  resolvePlugin(config: RawConfig): PluginVersion {
    return this.directory.registry.resolve(config['connector.class'] ?? '', pinnedVersion(config), config[TENANT_CONFIG_KEY]);
  }

  /** A runtime for a connector managed elsewhere (distributed mode), with this worker's sandbox, pipelines and grants. */
  newRuntime(name: string, config: Record<string, string>, plugin: PluginVersion, target: TargetState, hooks: Pick<ConnectorDeps, 'onStateChange'>): ConnectorRuntime {
    return new ConnectorRuntime(name, config, plugin, { ...this.grantFiles(name, plugin, config), ...hooks }, target);
  }

  /** Starts the connectors persisted by an earlier run, in their stored target states. */
  private async restore(): Promise<void> {
    for (const rec of this.store?.list() ?? []) {
      try {
        const plugin = await this.validate({ ...rec.config, name: rec.name });
        const rt = new ConnectorRuntime(rec.name, { ...rec.config, name: rec.name }, plugin, this.grantFiles(rec.name, plugin, rec.config), rec.targetState);
        this.connectors.set(rec.name, rt);
        await rt.start();
      } catch (err) {
        this.log.error('stored connector not started', { [LogField.connector]: rec.name, error: err });
      }
    }
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

  /**
   * PUT /plugins/{name}: a tenant's own bundle (a .tgz), written under conveyor.tenant.plugin.path/<tenant>/ and
   * loaded with the worker's signature policy; only that tenant sees and runs it. Answers the loaded version, or 400
   * with the reason the bundle was refused.
   */
  async installTenantPlugin(tenant: string, name: string, tgz: Buffer): Promise<PluginVersion> {
    const root = this.checkTenantPlugin(name, tgz);
    await writeTenantBundle(root, tenant, name, tgz);
    await this.directory.scan();
    const file = tenantBundleFile(root, tenant, name);
    const loaded = this.directory.registry.list().filter((v) => v.dir === file).at(-1);
    if (loaded !== undefined) return loaded;
    const broken = this.directory.registry.brokenBundles().find((b) => b.dir === file);
    throw new ConveyorError(ErrorCode.pluginInvalid, `bundle ${name} was refused: ${broken?.reason ?? 'it did not load'}`);
  }

  /** conveyor.tenant.plugin.path, once the name and the body look like a bundle; 400 otherwise. */
  checkTenantPlugin(name: string, tgz: Buffer): string {
    const root = this.tenantPluginRoot;
    if (root === undefined) throw new ConveyorError(ErrorCode.badRequest, `tenant bundle installs are off: the worker sets no ${TENANT_PLUGIN_PATH_KEY}`);
    if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(name)) throw new ConveyorError(ErrorCode.badRequest, `plugin name ${JSON.stringify(name)} must be lower-case letters, digits, '.', '_' or '-'`);
    if (tgz.length < 2 || tgz[0] !== 0x1f || tgz[1] !== 0x8b) throw new ConveyorError(ErrorCode.badRequest, 'the body must be a gzip-compressed tar of a bundle (.tgz)');
    return root;
  }

  /** conveyor.tenant.plugin.path, when set. */
  get tenantPluginRoot(): string | undefined {
    return this.config.connectProperties[TENANT_PLUGIN_PATH_KEY]?.trim() || undefined;
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
    if (!rt) throw connectorNotFound(name);
    return rt;
  }

  connectorInfo(name: string): ConnectorInfo {
    const rt = this.runtime(name);
    return { name, config: { ...rt.config }, tasks: Array.from({ length: rt.taskCount() }, (_, task) => ({ connector: name, task })), type: connectorType(rt.plugin) };
  }

  connectorStatus(name: string): ConnectorStatus {
    const rt = this.connectors.get(name);
    if (rt === undefined) throw statusNotFound(name);
    return withVersions(rt.status(), rt.plugin);
  }

  /** Per sandbox process: pid, RSS and per-task CPU/heap. */
  sandboxStats(): ReturnType<SandboxCreator['stats']> {
    return this.sandbox.stats();
  }

  /** GET /metrics: Prometheus text. */
  renderMetrics(): Promise<{ contentType: string; body: string }> {
    return renderMetrics(this.workerMetrics);
  }

  /** Capability calls of a connector's tasks, counted by the broker. */
  capabilityCalls(name: string): ReturnType<CapabilityMetrics['snapshot']> {
    this.runtime(name);
    return this.metrics.snapshot(name);
  }

  /** What a connector's tasks reported through ctx.metrics. */
  pluginMetrics(name: string): PluginTaskView[] {
    this.runtime(name);
    return this.workerMetrics.plugins.view(name);
  }

  connectorProgress(name: string): { id: number; records: number; batches: number }[] {
    return this.runtime(name).progress();
  }

  /** What validation needs of this worker: its converters and properties, the installed plugins, a sandbox. */
  private get validationEnv(): ValidationEnv {
    return {
      workerProps: this.config.connectProperties,
      plugins: () => this.directory.registry.list(),
      registries: this.registries,
      transformsFor: (c) => transformRegistry(this.directory.registry.transforms(c[TENANT_CONFIG_KEY]), { sandbox: this.sandbox, taskKey: 'validate', log: this.log }),
      deps: this.deps,
      log: this.log,
    };
  }

  /**
   * Validates fully (framework keys, config definition, plugin's own validate in a sandbox) or throws configInvalid
   * with Kafka Connect's message. As Kafka Connect does, it validates the config with its references resolved.
   */
  async validate(raw: RawConfig): Promise<PluginVersion> {
    const cls = raw['connector.class'];
    if (cls === undefined || cls === '') throw new ConveyorError(ErrorCode.configInvalid, invalidConfigMessage({ 'connector.class': ['Missing required configuration "connector.class" which has no default value.'] }));
    const plugin = this.directory.registry.resolve(cls, pinnedVersion(raw), raw[TENANT_CONFIG_KEY]);
    const report = await validationReport(plugin, raw, this.validationEnv);
    if (report.error_count > 0) throw new ConveyorError(ErrorCode.configInvalid, invalidConfigMessage(configErrors(report)));
    return plugin;
  }

  async createConnector(name: string, config: RawConfig, initialState: TargetState = 'STARTED'): Promise<ConnectorInfo> {
    if (this.state !== 'RUNNING') throw new ConveyorError(ErrorCode.unavailable, `worker is ${this.state}`, { retriable: true });
    if (name === '' || /[/\\]/.test(name)) throw new ConveyorError(ErrorCode.badRequest, 'connector name may not be empty or contain / or \\');
    if (this.connectors.has(name)) throw new ConveyorError(ErrorCode.conflict, `Connector ${name} already exists`);
    const full = { ...config, name };
    const plugin = await this.validate(full);
    if (this.connectors.has(name)) throw new ConveyorError(ErrorCode.conflict, `Connector ${name} already exists`);
    const rt = new ConnectorRuntime(name, full, plugin, this.grantFiles(name, plugin, full), initialState);
    // The name is taken at once (a concurrent create is a conflict); a config that cannot be stored (a full disk)
    // leaves nothing behind.
    this.connectors.set(name, rt);
    try {
      await this.#stored(name, this.store?.putConfig(name, full, { initialState }));
    } catch (err) {
      this.connectors.delete(name);
      throw err;
    }
    await rt.start();
    return this.connectorInfo(name);
  }

  async putConnectorConfig(name: string, config: RawConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    requireNameMatches(name, config);
    const existing = this.connectors.get(name);
    if (existing === undefined) return { created: true, info: await this.createConnector(name, config) };
    const full = { ...config, name };
    const plugin = await this.validate(full);
    // Stored before the running connector is touched: a config that cannot be stored changes nothing.
    await this.#stored(name, this.store?.putConfig(name, full));
    const target = existing.targetState;
    await existing.stop();
    const rt = new ConnectorRuntime(name, full, plugin, this.grantFiles(name, plugin, full), target);
    this.connectors.set(name, rt);
    await rt.start();
    return { created: false, info: this.connectorInfo(name) };
  }

  /** PATCH /connectors/{c}/config: merges, a null value removes the key. */
  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const next = patchedConfig(name, this.runtime(name).config, patch);
    return (await this.putConnectorConfig(name, next)).info;
  }

  /** Forgotten in the config file first: a delete that cannot be stored changes nothing. */
  async deleteConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    await this.#stored(name, this.store?.remove(name));
    this.connectors.delete(name);
    this.activeTopics.reset(name);
    await rt.stop();
  }

  async pauseConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    await this.#stored(name, this.store?.putTargetState(name, 'PAUSED'));
    await rt.pause();
  }

  async resumeConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    await this.#stored(name, this.store?.putTargetState(name, 'STARTED'));
    await rt.resume();
  }

  async stopConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    await this.#stored(name, this.store?.putTargetState(name, 'STOPPED'));
    await rt.stopConnector();
  }

  /** A write of the config file; its failure becomes the request's error (storageFailure), before anything changed. */
  async #stored(name: string, write: Promise<unknown> | undefined): Promise<void> {
    try {
      await write;
    } catch (err) {
      throw err instanceof ConveyorError ? err : storageFailure(name, err);
    }
  }

  /** POST /restart: null when nothing but the connector restarts (204), else the RESTARTING snapshot (202). */
  // eslint-disable-next-line @typescript-eslint/require-await -- LifecycleApi allows a promise (distributed mode)
  async restartConnector(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStatus | null> {
    const rt = this.runtime(name);
    const snapshot = withVersions(restartingSnapshot(rt.status(), includeTasks, onlyFailed), rt.plugin);
    void rt.restartInstances(includeTasks, onlyFailed).catch((err: unknown) => this.log.error('restart failed', { [LogField.connector]: name, error: err }));
    return includeTasks || onlyFailed ? snapshot : null;
  }

  async restartTask(name: string, task: number): Promise<void> {
    await this.runtime(name).restartTask(task);
  }

  taskStatus(name: string, task: number): ConnectorStatus['tasks'][number] {
    const t = this.connectors.has(name) ? this.connectorStatus(name).tasks.find((x) => x.id === task) : undefined;
    if (t === undefined) throw taskNotFound(name, task);
    return t;
  }

  taskConfigs(name: string): TaskConfigView[] {
    const rt = this.runtime(name);
    return taskConfigViews(name, rt.taskConfigs(), rt.plugin);
  }

  private requireStopped(name: string): ConnectorRuntime {
    const rt = this.runtime(name);
    requireStoppedForOffsets(name, rt.targetState === 'STOPPED');
    return rt;
  }

  private topicsOf(rt: ConnectorRuntime): string[] {
    return configuredTopics(connectorType(rt.plugin), rt.config);
  }

  async connectorOffsets(name: string): Promise<{ offsets: ConnectorOffset[] }> {
    const rt = this.runtime(name);
    return { offsets: await readOffsets(this.kafka, name, connectorType(rt.plugin), this.topicsOf(rt)) };
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffset[]): Promise<{ message: string }> {
    const rt = this.requireStopped(name);
    await this.checkOffsetAlteration(rt.plugin, rt.config, offsets);
    await alterOffsets(this.kafka, name, connectorType(rt.plugin), offsets);
    return OFFSETS_ALTERED;
  }

  /**
   * The plugin's own check of offsets a user writes (Kafka Connect's Connector.alterOffsets), source connectors only
   * (a sink's offsets are Kafka's). Its refusal answers as Kafka Connect's ConnectException does: 500 with the plugin's
   * message, nothing written.
   */
  async checkOffsetAlteration(plugin: PluginVersion, config: RawConfig, offsets: readonly ConnectorOffset[]): Promise<void> {
    if (connectorType(plugin) === 'source') await ConnectorRuntime.checkOffsetsInSandbox(plugin, config, offsets as readonly OffsetAlteration[], this.deps);
  }

  async resetConnectorOffsets(name: string): Promise<{ message: string }> {
    const rt = this.requireStopped(name);
    await resetOffsets(this.kafka, name, connectorType(rt.plugin));
    return OFFSETS_RESET;
  }

  /**
   * The topics a connector's tasks produced to or consumed from since it was created or last reset. As in Kafka
   * Connect, a name no connector has answers an empty list, and resetting it does nothing.
   */
  connectorTopics(name: string): Record<string, { topics: string[] }> {
    const rt = this.connectors.get(name);
    if (rt === undefined) return { [name]: { topics: [] } };
    return { [name]: { topics: this.activeTopics.topics(name) } };
  }

  resetConnectorTopics(name: string): void {
    if (this.connectors.has(name)) this.activeTopics.reset(name);
  }

  pluginConfig(className: string): ConfigKeyInfo[] {
    const plugin = this.directory.registry.list().filter((v) => v.manifest.className === className || v.manifest.aliases.includes(className) || v.manifest.name === className).at(-1);
    if (plugin === undefined) throw new ConveyorError(ErrorCode.notFound, `Unknown plugin ${className}.`);
    return pluginDefinitions(plugin);
  }

  /** ConfigInfos for PUT /connector-plugins/{p}/config/validate; the plugin's own validate runs when the rest passes. */
  async validateReport(raw: RawConfig): Promise<ConfigInfos> {
    const plugin = this.directory.registry.resolve(raw['connector.class'] ?? '', pinnedVersion(raw), raw[TENANT_CONFIG_KEY]);
    return validationReport(plugin, raw, this.validationEnv);
  }

  async clusterId(): Promise<string | null> {
    return this.kafka.clusterId();
  }

  async close(): Promise<void> {
    if (this.state === 'STOPPED') return;
    this.setState('STOPPING');
    await Promise.all([...this.connectors.values()].map((c) => c.stop()));
    this.connectors.clear();
    await this.kafka.close().catch((err: unknown) => this.log.warn('kafka backend did not close cleanly', { error: err }));
    await this.directory.close();
    await this.sandbox.destroy();
    this.setState('STOPPED');
  }
}
