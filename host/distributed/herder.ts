/**
 * Distributed mode: one worker of a Conveyor cluster on etcd (Kafka Connect calls this the herder). It serves the
 * REST API from its watched copy of the cluster state, writes configs and requests to etcd (on the leader; other
 * workers forward writes), and runs the connectors and tasks the leader assigns it (local-units.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import type { RawConfig } from '../../sdk/connector.ts';
import { createEtcdClient } from '../cluster/client.ts';
import type { TargetState, UnitStatus } from '../cluster/codec.ts';
import { clusterKeys } from '../cluster/keys.ts';
import { ClusterMember } from '../cluster/member.ts';
import { ClusterStore } from '../cluster/store.ts';
import type { WorkUnit } from '../cluster/types.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import { connectorType } from '../plugins/plugin-version.ts';
import type { BrokenBundle, PluginVersion } from '../plugins/plugin-version.ts';
import type { LeaderRouting } from '../rest/forwarding.ts';
import { forwardRequest } from '../rest/forward-client.ts';
import { signForward } from '../rest/request-signing.ts';
import { restTls } from '../rest/tls.ts';
import type { RestApi } from '../rest/server.ts';
import type { TenantsAdmin } from '../rest/tenants-admin.ts';
import type { TenantsSource } from '../tenants/holder.ts';
import { TenantBundleStore } from '../tenants/bundle-store.ts';
import { clusterTenants } from '../tenants/store.ts';
import type { ClusterTenants } from '../tenants/store.ts';
import type { ConfigInfos, ConfigKeyInfo } from '../worker/config-infos.ts';
import { alterOffsets, readOffsets, resetOffsets } from '../worker/connector-offsets.ts';
import type { ConnectorOffset } from '../worker/connector-offsets.ts';
import type { PipelineExtras } from '../worker/kafka-backend.ts';
import { configuredTopics, connectorNotFound, OFFSETS_ALTERED, OFFSETS_RESET, patchedConfig, requireNameMatches, requireStoppedForOffsets, restartingSnapshot, statusNotFound, taskConfigViews, taskNotFound, withVersions } from '../worker/connector-rules.ts';
import type { TaskConfigView } from '../worker/connector-rules.ts';
import type { ConnectorInfo, ConnectorStatus, StateStatus, TaskStatus } from '../worker/states.ts';
import { Worker } from '../worker/worker.ts';
import type { WorkerConfig } from '../worker/worker-config.ts';
import { ClusterView } from './cluster-view.ts';
import type { ConnectorView } from './cluster-view.ts';
import { LocalUnits } from './local-units.ts';
import type { DistributedSettings } from './distributed-config.ts';

export interface HerderOptions {
  readonly config: WorkerConfig;
  readonly settings: DistributedSettings;
  readonly log: Logger;
}

const notFound = connectorNotFound;

export class DistributedHerder implements RestApi, LeaderRouting {
  readonly workerId: string;
  readonly worker: Worker;
  /** The cluster's tenants document, from etcd (REST authentication and tenancy read it on every request). */
  readonly tenants: TenantsSource;
  /** GET/PUT/DELETE /admin/tenants: written to etcd directly from any worker (host/tenants/store.ts says why). */
  readonly tenantsAdmin: TenantsAdmin;
  readonly #o: HerderOptions;
  readonly #clusterTenants: ClusterTenants;
  readonly #client: Etcd3;
  readonly #store: ClusterStore;
  readonly #view: ClusterView;
  readonly #log: Logger;
  readonly #units: LocalUnits;
  readonly #topicsSeen = new Set<string>();
  #member: ClusterMember | undefined;
  #closed = false;
  readonly #bundles: TenantBundleStore;
  #sessionKey: Buffer | null = null;

  private constructor(o: HerderOptions, client: Etcd3, store: ClusterStore, worker: Worker, view: ClusterView, tenants: ClusterTenants) {
    this.#o = o;
    this.#clusterTenants = tenants;
    this.#bundles = new TenantBundleStore({ client, keys: store.keys, root: worker.tenantPluginRoot, rescan: () => worker.rescanPlugins(), logger: o.log });
    this.tenants = tenants.holder;
    this.tenantsAdmin = tenants.store;
    this.workerId = o.config.workerId;
    this.#client = client;
    this.#store = store;
    this.worker = worker;
    this.#view = view;
    this.#log = o.log.child({ [LogField.component]: 'herder', [LogField.worker]: o.config.workerId });
    this.#units = new LocalUnits({ workerId: this.workerId, worker, store, view, log: this.#log, onTaskStart: () => this.#topicsSeen.clear() });
  }

  static async create(o: HerderOptions): Promise<DistributedHerder> {
    const client = createEtcdClient({ hosts: o.settings.etcdEndpoints });
    const store = new ClusterStore({ client, keys: clusterKeys(o.settings.clusterId), logger: o.log });
    let self: DistributedHerder | undefined;
    const extras: PipelineExtras = {
      fence: async (connector, task) => {
        if (self === undefined) throw new ConveyorError(ErrorCode.conflict, 'worker has not joined the cluster');
        await self.#assertOwns({ kind: 'task', connector, task });
      },
      ...(o.settings.exactlyOnceSource ? { exactlyOnce: { transactionalId: (c: string, t: number) => `${o.settings.clusterId}-${c}-${t}` } } : {}),
    };
    let worker: Worker | undefined;
    let tenants: ClusterTenants | undefined;
    try {
      tenants = await clusterTenants({ client, keys: store.keys, workerId: o.config.workerId, logger: o.log, properties: o.config.connectProperties });
      worker = await Worker.create(o.config, o.log, { pipelineExtras: extras, tenants: tenants.holder, onTopicUsed: (c, t) => {
          if (self !== undefined) self.#recordTopic(c, t);
        } });
      const view = await ClusterView.create(store, o.log, () => {
        if (self !== undefined) self.#units.scheduleReconcile();
      });
      self = new DistributedHerder(o, client, store, worker, view, tenants);
      await self.#bundles.start();
      self.#sessionKey = await store.sessionKey();
      return self;
    } catch (err) {
      await worker?.close();
      await tenants?.close();
      client.close();
      throw err;
    }
  }

  /** Joins the cluster (registers under a lease, stands for leader, takes assignments) advertising this REST URL. */
  async join(url: string): Promise<void> {
    this.#member = await ClusterMember.create({
      client: this.#client,
      keys: this.#store.keys,
      workerId: this.workerId,
      url,
      host: this.#units,
      logger: this.#o.log,
      leaseTtlSeconds: this.#o.settings.leaseTtlSeconds,
      onRebalanced: (ms) => this.worker.workerMetrics.rebalanced(ms),
    });
    const member = this.#member;
    this.worker.workerMetrics.providers.rebalance = { epoch: () => member.assignment()?.generation, rebalancing: () => member.rebalancing() };
  }

  /** GET /metrics: this worker's figures (every worker answers for itself). */
  renderMetrics(): Promise<{ contentType: string; body: string }> {
    return this.worker.renderMetrics();
  }

  /** Graceful shutdown: hands every unit over at once (claims released, lease revoked), then closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#units.close();
    await this.#member?.leave();
    await this.#view.close();
    await this.#clusterTenants.close();
    await this.#bundles.close();
    await this.worker.close();
    this.#client.close();
  }

  /** GET /health: RUNNING once joined and while the member is active (FENCED while it rejoins). */
  get workerState(): string {
    if (this.#closed) return 'STOPPED';
    const m = this.#member;
    if (m === undefined || m.state === 'joining') return 'STARTING';
    return m.state === 'active' ? 'RUNNING' : m.state.toUpperCase();
  }

  // --- LeaderRouting -------------------------------------------------------------------------------------------

  sessionKey(): Buffer | null {
    return this.#sessionKey;
  }

  isLeader(): boolean {
    return this.#member?.isLeader() === true;
  }

  rebalancing(): boolean {
    return this.#member?.rebalancing() === true;
  }

  async leaderUrl(): Promise<string | undefined> {
    const id = await this.#member?.leader();
    if (id === undefined) return undefined;
    return this.#view.workers().get(id)?.url ?? (await this.#store.getWorker(id))?.url;
  }

  /** PUT /admin/loggers/{name}?scope=cluster: the same level on every other live worker (each answers for itself). */
  async broadcastLoggerLevel(name: string, level: string): Promise<void> {
    const others = [...this.#view.workers()].filter(([id]) => id !== this.workerId);
    const key = this.#sessionKey;
    if (key === null) return;
    const path = `/admin/loggers/${encodeURIComponent(name)}?scope=worker`;
    const body = JSON.stringify({ level });
    const signed = signForward(key, { method: 'PUT', url: path, body }, this.workerId, { name: this.workerId, tenant: null, role: 'admin', via: 'worker' });
    const tls = restTls(this.#o.config.connectProperties);
    await Promise.all(others.map(async ([id, w]) => {
      try {
        const res = await forwardRequest(new URL(path.slice(1), w.url.endsWith('/') ? w.url : `${w.url}/`), {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...signed },
          body: Buffer.from(body),
          timeoutMs: 10_000,
          tls,
        });
        if (res.status >= 300) this.#o.log.warn('a worker refused a cluster-wide logger level', { worker: id, logger: name, status: res.status });
      } catch (error) {
        this.#o.log.warn('a worker could not be given a cluster-wide logger level', { worker: id, logger: name, error });
      }
    }));
  }

  async #assertOwns(unit: WorkUnit): Promise<void> {
    const m = this.#member;
    if (m === undefined) throw new ConveyorError(ErrorCode.conflict, `worker ${this.workerId} has not joined the cluster`);
    await m.assertOwns(unit);
  }

  #recordTopic(connector: string, topic: string): void {
    const key = `${connector}\u0000${topic}`;
    if (this.#topicsSeen.has(key)) return;
    this.#topicsSeen.add(key);
    void this.#store.recordTopic(connector, topic).catch((err: unknown) => {
      this.#topicsSeen.delete(key);
      this.#log.warn('active topic not recorded', { [LogField.connector]: connector, topic, error: err });
    });
  }

  // --- REST: reads from the watched state ----------------------------------------------------------------------

  #connector(name: string): ConnectorView {
    const c = this.#view.connector(name);
    if (c === undefined) throw notFound(name);
    return c;
  }

  #plugin(config: RawConfig): PluginVersion | undefined {
    try {
      return this.worker.resolvePlugin(config);
    } catch {
      return undefined;
    }
  }

  #type(config: RawConfig): 'source' | 'sink' {
    const plugin = this.#plugin(config);
    return plugin !== undefined ? connectorType(plugin) : (config['topics'] !== undefined || config['topics.regex'] !== undefined ? 'sink' : 'source');
  }

  plugins(): PluginVersion[] {
    return this.worker.plugins();
  }

  brokenPlugins(): BrokenBundle[] {
    return this.worker.brokenPlugins();
  }

  pluginConfig(className: string): ConfigKeyInfo[] {
    return this.worker.pluginConfig(className);
  }

  validateReport(config: RawConfig): Promise<ConfigInfos> {
    return this.worker.validateReport(config);
  }

  connectorNames(): string[] {
    return this.#view.connectorNames();
  }

  connectorInfo(name: string): ConnectorInfo {
    const c = this.#connector(name);
    return { name, config: { ...c.config }, tasks: c.taskConfigs.map((_, task) => ({ connector: name, task })), type: this.#type(c.config) };
  }

  connectorStatus(name: string): ConnectorStatus {
    const c = this.#view.connector(name);
    if (c === undefined) throw statusNotFound(name);
    const live = this.#view.workers();
    const shown = (s: UnitStatus | undefined): StateStatus => {
      if (s === undefined) return { state: 'UNASSIGNED', worker_id: '' };
      // A worker that died cannot report; until the unit's new owner does, it is unassigned.
      const state = s.worker_id !== '' && !live.has(s.worker_id) ? 'UNASSIGNED' : s.state;
      return { state, worker_id: s.worker_id, ...(s.trace === undefined ? {} : { trace: s.trace }) };
    };
    const status: ConnectorStatus = {
      name,
      connector: shown(this.#view.connectorStatus(name)),
      tasks: c.taskConfigs.map((_, id): TaskStatus => ({ id, ...shown(this.#view.taskStatus(name, id)) })),
      type: this.#type(c.config),
    };
    return withVersions(status, this.#plugin(c.config));
  }

  taskStatus(name: string, task: number): TaskStatus {
    const t = this.#view.connector(name) === undefined ? undefined : this.connectorStatus(name).tasks.find((x) => x.id === task);
    if (t === undefined) throw taskNotFound(name, task);
    return t;
  }

  taskConfigs(name: string): TaskConfigView[] {
    const c = this.#connector(name);
    return taskConfigViews(name, c.taskConfigs, this.#plugin(c.config));
  }

  capabilityCalls(name: string): ReturnType<Worker['capabilityCalls']> {
    this.#connector(name);
    return this.worker.metrics.snapshot(name);
  }

  /** PUT /plugins/{name}: stored in etcd for every worker (host/tenants/bundle-store.ts), loaded here at once. */
  async installTenantPlugin(tenant: string, name: string, tgz: Buffer): Promise<PluginVersion> {
    this.worker.checkTenantPlugin(name, tgz);
    await this.#bundles.put(tenant, name, tgz);
    return this.worker.installTenantPlugin(tenant, name, tgz);
  }

  /** This worker's share: each worker throttles the tasks it runs. */
  /** The connector's tasks that run on this worker, as their plugin reported them. */
  pluginMetrics(name: string): ReturnType<Worker['pluginMetrics']> {
    this.#connector(name);
    return this.worker.workerMetrics.plugins.view(name);
  }

  tenantUsage(tenant: string): ReturnType<Worker['tenantUsage']> {
    return this.worker.tenantUsage(tenant);
  }

  /** As in Kafka Connect, a name no connector has answers an empty list, and resetting it does nothing. */
  async connectorTopics(name: string): Promise<Record<string, { topics: string[] }>> {
    if (this.#view.connector(name) === undefined) return { [name]: { topics: [] } };
    return { [name]: { topics: await this.#store.listTopics(name) } };
  }

  async connectorOffsets(name: string): Promise<{ offsets: ConnectorOffset[] }> {
    const c = this.#connector(name);
    return { offsets: await readOffsets(this.worker.kafka, name, this.#type(c.config), this.#topics(c)) };
  }

  clusterId(): Promise<string | null> {
    return this.worker.clusterId();
  }

  #topics(c: ConnectorView): string[] {
    return configuredTopics(this.#type(c.config), c.config);
  }

  // --- REST: writes (on the leader; followers forward them) ---------------------------------------------------

  async createConnector(name: string, config: RawConfig, initialState: TargetState = 'STARTED'): Promise<ConnectorInfo> {
    if (name === '' || /[/\\]/.test(name)) throw new ConveyorError(ErrorCode.badRequest, 'connector name may not be empty or contain / or \\');
    if ((await this.#store.getConnectorConfig(name)) !== undefined) throw new ConveyorError(ErrorCode.conflict, `Connector ${name} already exists`);
    const full = { ...config, name };
    const plugin = await this.worker.validate(full);
    if (!(await this.#store.createConnector(name, full, initialState))) throw new ConveyorError(ErrorCode.conflict, `Connector ${name} already exists`);
    return { name, config: full, tasks: [], type: connectorType(plugin) };
  }

  async putConnectorConfig(name: string, config: RawConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    requireNameMatches(name, config);
    const existing = await this.#store.getConnector(name);
    if (existing === undefined) return { created: true, info: await this.createConnector(name, config) };
    const full = { ...config, name };
    const plugin = await this.worker.validate(full);
    await this.#store.putConnectorConfig(name, full);
    return { created: false, info: { name, config: full, tasks: existing.taskConfigs.map((_, task) => ({ connector: name, task })), type: connectorType(plugin) } };
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const current = await this.#store.getConnectorConfig(name);
    if (current === undefined) throw notFound(name);
    return (await this.putConnectorConfig(name, patchedConfig(name, current, patch))).info;
  }

  async deleteConnector(name: string): Promise<void> {
    if (!(await this.#store.deleteConnector(name))) throw notFound(name);
  }

  pauseConnector(name: string): Promise<void> {
    return this.#store.putTargetState(name, 'PAUSED').catch((err: unknown) => this.#rethrowMissing(name, err));
  }

  resumeConnector(name: string): Promise<void> {
    return this.#store.putTargetState(name, 'STARTED').catch((err: unknown) => this.#rethrowMissing(name, err));
  }

  stopConnector(name: string): Promise<void> {
    return this.#store.putTargetState(name, 'STOPPED').catch((err: unknown) => this.#rethrowMissing(name, err));
  }

  #rethrowMissing(name: string, err: unknown): never {
    if (err instanceof ConveyorError && err.code === ErrorCode.notFound) throw notFound(name);
    throw err;
  }

  async restartConnector(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStatus | null> {
    this.#connector(name);
    const status = this.connectorStatus(name);
    await this.#store.requestRestart(name, { onlyFailed, includeTasks, requestedAt: `${new Date().toISOString()}#${randomUUID()}` }).catch((err: unknown) => this.#rethrowMissing(name, err));
    return includeTasks || onlyFailed ? restartingSnapshot(status, includeTasks, onlyFailed) : null;
  }

  async restartTask(name: string, task: number): Promise<void> {
    this.taskStatus(name, task);
    await this.#store
      .requestRestart(name, { onlyFailed: false, includeTasks: true, task, requestedAt: `${new Date().toISOString()}#${randomUUID()}` })
      .catch((err: unknown) => this.#rethrowMissing(name, err));
  }

  async resetConnectorTopics(name: string): Promise<void> {
    if (this.#view.connector(name) === undefined) return;
    await this.#store.resetTopics(name);
  }

  #requireStopped(name: string): ConnectorView {
    const c = this.#connector(name);
    requireStoppedForOffsets(name, c.targetState === 'STOPPED');
    return c;
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffset[]): Promise<{ message: string }> {
    const c = this.#requireStopped(name);
    await this.worker.checkOffsetAlteration(this.worker.resolvePlugin(c.config), c.config, offsets);
    await alterOffsets(this.worker.kafka, name, this.#type(c.config), offsets);
    return OFFSETS_ALTERED;
  }

  async resetConnectorOffsets(name: string): Promise<{ message: string }> {
    const c = this.#requireStopped(name);
    await resetOffsets(this.worker.kafka, name, this.#type(c.config));
    return OFFSETS_RESET;
  }
}
