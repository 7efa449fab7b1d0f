/**
 * The worker: plugin directory, sandbox pool, in-process record bus and the connectors running on it.
 * Runs no untrusted code itself; every plugin call goes to a sandbox child process.
 */
import type { RawConfig } from '../../sdk/connector.ts';
import { CapabilityMetrics } from '../capabilities/metrics.ts';
import { createConfigResolver, resolveAtStart } from '../connect/config/config-providers.ts';
import { hasReferences, scrubResolved } from '../connect/config/config-references.ts';
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
import type { Logger } from '../core/logger.ts';
import { buildBuiltinPlugins } from '../plugins/builtin.ts';
import { sandboxInspector } from '../plugins/inspector.ts';
import { PluginDirectory } from '../plugins/plugin-directory.ts';
import { signaturePolicy } from '../plugins/signature-policy.ts';
import type { BrokenBundle, PluginVersion } from '../plugins/plugin-version.ts';
import { createSandboxPool } from '../sandbox/sandbox-pool.ts';
import type { SandboxCreator } from '../sandbox/sandbox-pool.ts';
import { frameworkErrors, invalidConfigMessage, pluginConfigReports } from './connector-config.ts';
import { ConnectorRuntime } from './connector-runtime.ts';
import type { ConnectorDeps, TargetState } from './connector-runtime.ts';
import { ActiveTopics } from './active-topics.ts';
import { createKafkaBackend } from './kafka-backend.ts';
import type { KafkaBackend, PipelineExtras } from './kafka-backend.ts';
import { restartConfigErrors } from './restart-policy.ts';
import { clientConfigErrors } from '../kafka/client-overrides.ts';
import { withFileGrant } from './builtin-file-policy.ts';
import { withEsGrant } from './builtin-es-policy.ts';
import { withMysqlGrant } from './builtin-mysql-policy.ts';
import { alterOffsets, readOffsets, resetOffsets } from './connector-offsets.ts';
import type { ConnectorOffset } from './connector-offsets.ts';
import { COMMON_KEYS, configInfos, configKeyInfo } from './config-infos.ts';
import type { ConfigInfos, ConfigKeyInfo } from './config-infos.ts';
import { StandaloneConfigStore } from '../storage/config-store.ts';
import { InMemoryOffsetStore } from './offset-store.ts';
import { InMemoryTopics } from './record-bus.ts';
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
  /** Kafka pipelines, file offsets and admin client; null runs tasks on the in-memory bus. */
  readonly kafka: KafkaBackend | null;
  private readonly store: StandaloneConfigStore | null;

  private readonly activeTopics: ActiveTopics;
  /** Tenants' policies, task limits and topic prefixes, read when a connector or task starts. */
  private readonly tenants: TenantsSource;
  private readonly throttles = new Map<string, { quotas: TenantQuotas; throttle: TenantThrottle }>();

  private constructor(config: WorkerConfig, log: Logger, sandbox: SandboxCreator, directory: PluginDirectory, kafka: KafkaBackend | null, store: StandaloneConfigStore | null, activeTopics: ActiveTopics, tenants: TenantsSource) {
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
      recordSink: this.topics,
      recordSource: (connector, topics) => this.topics.consumer(`connect-${connector}`, topics),
      ...(kafka === null ? {} : { pipelines: kafka.pipelines }),
      ...(store === null ? {} : { onTaskConfigs: (name, configs) => (store.get(name) ? store.putTaskConfigs(name, configs) : Promise.resolve()) }),
      offsets: kafka?.offsetReader ?? new InMemoryOffsetStore(),
      policies: config.policies,
      ...(config.configProviders.length === 0 ? {} : { configResolver: createConfigResolver(config.configProviders) }),
      metrics: this.metrics,
      limits: config.limits,
      log,
    };
  }

  static async create(config: WorkerConfig, log: Logger, options: WorkerOptions = {}): Promise<Worker> {
    const wlog = log.child({ [LogField.worker]: config.workerId });
    const signatures = signaturePolicy(config.connectProperties);
    if (signatures.required || signatures.trusted.size > 0) wlog.info('plugin signatures', { required: signatures.required, trustedKeys: [...signatures.trusted.keys()] });
    const sandbox = createSandboxPool({ processes: config.sandboxProcesses, limits: config.limits, log: wlog.child({ [LogField.component]: 'sandbox' }) });
    const builtinRoots = config.builtinPlugins ? await buildBuiltinPlugins() : [];
    const plog = wlog.child({ [LogField.component]: 'plugins' });
    const tenantRoot = config.connectProperties[TENANT_PLUGIN_PATH_KEY]?.trim() || undefined;
    const directory = await PluginDirectory.create({ roots: config.pluginPath, builtinRoots, signatures, inspect: sandboxInspector(sandbox, plog), log: plog, rescanMs: config.pluginRescanMs, ...(tenantRoot === undefined ? {} : { tenantRoot }) });
    const activeTopics = new ActiveTopics();
    const onTopicUsed = options.onTopicUsed ?? ((connector: string, topic: string) => activeTopics.record(connector, topic));
    const tenants = options.tenants ?? new TenantsHolder(loadTenants(config.connectProperties));
    const extras = { ...options.pipelineExtras, tenantTopicPrefixes: (t: string) => tenants.current()?.tenants.get(t)?.topicPrefixes };
    const kafka = await createKafkaBackend(config, wlog, onTopicUsed, extras);
    const store = config.configStorageFile === null ? null : await StandaloneConfigStore.open({ filename: config.configStorageFile, logger: wlog });
    const w = new Worker(config, wlog, sandbox, directory, kafka, store, activeTopics, tenants);
    w.setState('RUNNING');
    await w.restore();
    return w;
  }

  /**
   * Built-in connectors may use what their config names: file connectors their file's directory, the ES sink its
   * connection.url, the CDC source its database (builtin-*-policy.ts); granted from each task's resolved config.
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
    return { ...this.deps, policiesFor: (config) => withMysqlGrant(withEsGrant(withFileGrant(base, name, plugin, config), name, plugin, config), name, plugin, config) };
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
    return this.directory.registry.resolve(config['connector.class'] ?? '', config['plugin.version'], config[TENANT_CONFIG_KEY]);
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

  /**
   * Validates fully (framework keys, config definition, plugin's own validate in a sandbox) or throws configInvalid.
   * As Kafka Connect does, it validates the config with its references resolved; no message carries a resolved value.
   */
  async validate(raw: RawConfig): Promise<PluginVersion> {
    const cls = raw['connector.class'];
    if (cls === undefined || cls === '') throw new ConveyorError(ErrorCode.configInvalid, invalidConfigMessage({ 'connector.class': ['Missing required configuration "connector.class" which has no default value.'] }));
    const plugin = this.directory.registry.resolve(cls, raw['plugin.version'], raw[TENANT_CONFIG_KEY]);
    const config = await resolveAtStart(this.deps.configResolver, raw, this.log);
    const errors = frameworkErrors(plugin, config);
    for (const [k, errs] of Object.entries({ ...restartConfigErrors(config), ...clientConfigErrors(this.config.connectProperties, config) })) errors[k] = [...(errors[k] ?? []), ...errs];
    for (const r of pluginConfigReports(plugin, config)) if (r.errors.length > 0) errors[r.name] = [...(errors[r.name] ?? []), ...r.errors];
    if (Object.keys(errors).length === 0) {
      for (const [k, errs] of Object.entries(await ConnectorRuntime.validateInSandbox(plugin, config, this.deps))) errors[k] = [...(errors[k] ?? []), ...errs];
    }
    for (const [k, errs] of Object.entries(errors)) errors[k] = scrubResolved(errs, raw, config);
    if (Object.keys(errors).length > 0) throw new ConveyorError(ErrorCode.configInvalid, invalidConfigMessage(errors));
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
    this.connectors.set(name, rt);
    await this.store?.putConfig(name, full, { initialState });
    await rt.start();
    return this.connectorInfo(name);
  }

  async putConnectorConfig(name: string, config: RawConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    if (config['name'] !== undefined && config['name'] !== name) throw new ConveyorError(ErrorCode.badRequest, 'Connector name configuration (' + config['name'] + ') doesn\'t match connector name in the URL (' + name + ')');
    const existing = this.connectors.get(name);
    if (existing === undefined) return { created: true, info: await this.createConnector(name, config) };
    await this.validate({ ...config, name });
    const target = existing.targetState;
    await existing.stop();
    this.connectors.delete(name);
    return { created: false, info: await this.createConnector(name, config, target) };
  }

  /** PATCH /connectors/{c}/config: merges, a null value removes the key. */
  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const current = this.runtime(name).config;
    if (patch['name'] !== undefined && patch['name'] !== name) throw new ConveyorError(ErrorCode.badRequest, `Connector name configuration (${String(patch['name'])}) doesn't match connector name in the URL (${name})`);
    const next: Record<string, string> = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return (await this.putConnectorConfig(name, next)).info;
  }

  async deleteConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    this.connectors.delete(name);
    this.activeTopics.reset(name);
    await rt.stop();
    await this.store?.remove(name);
  }

  async pauseConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    await this.store?.putTargetState(name, 'PAUSED');
    await rt.pause();
  }

  async resumeConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    await this.store?.putTargetState(name, 'STARTED');
    await rt.resume();
  }

  async stopConnector(name: string): Promise<void> {
    const rt = this.runtime(name);
    await this.store?.putTargetState(name, 'STOPPED');
    await rt.stopConnector();
  }

  /** POST /restart: null when nothing but the connector restarts (204), else the RESTARTING snapshot (202). */
  // eslint-disable-next-line @typescript-eslint/require-await -- LifecycleApi allows a promise (distributed mode)
  async restartConnector(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStatus | null> {
    const rt = this.runtime(name);
    const snapshot = rt.markRestarting(includeTasks, onlyFailed);
    void rt.restartInstances(includeTasks, onlyFailed).catch((err: unknown) => this.log.error('restart failed', { [LogField.connector]: name, error: err }));
    return includeTasks || onlyFailed ? snapshot : null;
  }

  async restartTask(name: string, task: number): Promise<void> {
    await this.runtime(name).restartTask(task);
  }

  taskStatus(name: string, task: number): ConnectorStatus['tasks'][number] {
    const t = this.connectorStatus(name).tasks.find((x) => x.id === task);
    if (t === undefined) throw new ConveyorError(ErrorCode.notFound, `Task ${name}-${task} not found`);
    return t;
  }

  taskConfigs(name: string): { id: { connector: string; task: number }; config: Record<string, string> }[] {
    return this.runtime(name).taskConfigs().map((config, task) => ({ id: { connector: name, task }, config }));
  }

  private requireStopped(name: string): ConnectorRuntime {
    const rt = this.runtime(name);
    if (rt.targetState !== 'STOPPED') throw new ConveyorError(ErrorCode.badRequest, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
    return rt;
  }

  private topicsOf(rt: ConnectorRuntime): string[] {
    const raw = rt.plugin.manifest.type === 'sink' ? rt.config['topics'] : rt.config['topic'];
    return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }

  async connectorOffsets(name: string): Promise<{ offsets: ConnectorOffset[] }> {
    const rt = this.runtime(name);
    return { offsets: await readOffsets(this.kafka, name, rt.plugin.manifest.type, this.topicsOf(rt)) };
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffset[]): Promise<{ message: string }> {
    const rt = this.requireStopped(name);
    await alterOffsets(this.kafka, name, rt.plugin.manifest.type, offsets);
    return { message: 'The offsets for this connector have been altered successfully' };
  }

  async resetConnectorOffsets(name: string): Promise<{ message: string }> {
    const rt = this.requireStopped(name);
    await resetOffsets(this.kafka, name, rt.plugin.manifest.type);
    return { message: 'The offsets for this connector have been reset successfully' };
  }

  /**
   * The topics a connector's tasks produced to or consumed from since it was created or last reset. Without Kafka
   * (the in-memory bus used in tests) these are its configured topics.
   */
  connectorTopics(name: string): Record<string, { topics: string[] }> {
    const rt = this.runtime(name);
    return { [name]: { topics: this.kafka === null ? this.topicsOf(rt) : this.activeTopics.topics(name) } };
  }

  resetConnectorTopics(name: string): void {
    this.runtime(name);
    this.activeTopics.reset(name);
  }

  pluginConfig(className: string): ConfigKeyInfo[] {
    const plugin = this.directory.registry.list().filter((v) => v.manifest.className === className || v.manifest.aliases.includes(className) || v.manifest.name === className).at(-1);
    if (plugin === undefined) throw new ConveyorError(ErrorCode.notFound, `Unknown plugin ${className}`);
    return [...COMMON_KEYS, ...plugin.manifest.config].map(configKeyInfo);
  }

  /** ConfigInfos for PUT /connector-plugins/{p}/config/validate; the plugin's own validate runs when the rest passes. */
  async validateReport(raw: RawConfig): Promise<ConfigInfos> {
    const plugin = this.directory.registry.resolve(raw['connector.class'] ?? '', raw['plugin.version'], raw[TENANT_CONFIG_KEY]);
    const config = await resolveAtStart(this.deps.configResolver, raw, this.log);
    const errors = frameworkErrors(plugin, config);
    for (const [k, errs] of Object.entries({ ...restartConfigErrors(config), ...clientConfigErrors(this.config.connectProperties, config) })) errors[k] = [...(errors[k] ?? []), ...errs];
    const resolvedReports = pluginConfigReports(plugin, config);
    if (Object.keys(errors).length === 0 && resolvedReports.every((r) => r.errors.length === 0)) {
      for (const [k, errs] of Object.entries(await ConnectorRuntime.validateInSandbox(plugin, config, this.deps))) errors[k] = [...(errors[k] ?? []), ...errs];
    }
    for (const [k, errs] of Object.entries(errors)) errors[k] = scrubResolved(errs, raw, config);
    // Values as given, references and all; only errors come from the resolved config.
    const reports = resolvedReports.map((r) => (hasReferences(raw[r.name] ?? '') ? { ...r, value: raw[r.name] ?? null, errors: scrubResolved(r.errors, raw, config) } : r));
    const common = COMMON_KEYS.map((k) => ({ name: k.name, value: raw[k.name] ?? null, recommended_values: [], errors: [], visible: true }));
    return configInfos(plugin.manifest.className, [...COMMON_KEYS, ...plugin.manifest.config], [...common, ...reports], errors);
  }

  async clusterId(): Promise<string | null> {
    return (await this.kafka?.clusterId()) ?? null;
  }

  async close(): Promise<void> {
    if (this.state === 'STOPPED') return;
    this.setState('STOPPING');
    await Promise.all([...this.connectors.values()].map((c) => c.stop()));
    this.connectors.clear();
    await this.kafka?.close().catch((err: unknown) => this.log.warn('kafka backend did not close cleanly', { error: err }));
    await this.directory.close();
    await this.sandbox.destroy();
    this.setState('STOPPED');
  }
}
