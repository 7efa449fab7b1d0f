import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { RestartRequest, TargetState, UnitStatus, WorkerRegistration } from './codec.ts';
import { decodeConfig, decodeRestart, decodeStatus, decodeTargetState, decodeTaskConfigs, decodeWorker } from './codec.ts';
import type { ClusterKeys } from './keys.ts';
import { PrefixWatch } from './prefix-watch.ts';
import type { WatchSink } from './prefix-watch.ts';
import type { OwnershipGuard } from './types.ts';

export type { OwnershipGuard } from './types.ts';

export interface ClusterStoreOptions {
  readonly client: Etcd3;
  readonly keys: ClusterKeys;
  readonly logger: Logger;
}

export interface ConnectorSnapshot {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly taskConfigs: readonly Readonly<Record<string, string>>[];
  readonly targetState: TargetState;
}

/** Connector configs, task configs, target states, restart requests and statuses under the cluster prefix. */
export class ClusterStore {
  readonly keys: ClusterKeys;
  readonly #client: Etcd3;
  readonly #log: Logger;

  constructor(options: ClusterStoreOptions) {
    this.#client = options.client;
    this.keys = options.keys;
    this.#log = options.logger.child({ component: 'cluster-store' });
  }

  /** The cluster's request-signing key: the first worker to ask creates it (32 random bytes), every worker reads the same one. */
  async sessionKey(): Promise<Buffer> {
    const key = this.keys.sessionKey;
    await this.#client.if(key, 'Create', '==', 0).then(this.#client.put(key).value(randomBytes(32).toString('base64'))).commit();
    const text = await this.#client.get(key).string();
    if (text === null) throw new ConveyorError(ErrorCode.unavailable, 'the cluster\'s request-signing key could not be read from etcd');
    return Buffer.from(text, 'base64');
  }

  /** Creates or replaces a connector's config; a new connector starts with the given target state. */
  async putConnectorConfig(name: string, config: Readonly<Record<string, string>>, initialState: TargetState = 'STARTED'): Promise<void> {
    const k = this.keys;
    await this.#client
      .if(k.targetState(name), 'Create', '==', 0)
      .then(this.#client.put(k.connectorConfig(name)).value(JSON.stringify(config)), this.#client.put(k.targetState(name)).value(JSON.stringify(initialState)))
      .else(this.#client.put(k.connectorConfig(name)).value(JSON.stringify(config)))
      .commit();
    this.#log.info('connector config stored', { connector: name });
  }

  /** Creates a connector only if none of that name exists; false when it already does. */
  async createConnector(name: string, config: Readonly<Record<string, string>>, initialState: TargetState = 'STARTED'): Promise<boolean> {
    const k = this.keys;
    const res = await this.#client
      .if(k.connectorConfig(name), 'Create', '==', 0)
      .then(this.#client.put(k.connectorConfig(name)).value(JSON.stringify(config)), this.#client.put(k.targetState(name)).value(JSON.stringify(initialState)))
      .commit();
    if (res.succeeded) this.#log.info('connector created', { connector: name, initialState });
    return res.succeeded;
  }

  async getConnectorConfig(name: string): Promise<Record<string, string> | undefined> {
    const text = await this.#client.get(this.keys.connectorConfig(name)).string();
    return text === null ? undefined : decodeConfig(text);
  }

  async listConnectors(): Promise<string[]> {
    const keys = await this.#client.getAll().prefix(this.keys.connectorConfigs).keys();
    return keys.flatMap((key) => this.keys.nameUnder(this.keys.connectorConfigs, key) ?? []).sort();
  }

  /** Config, task configs and target state read at one revision. */
  async getConnector(name: string): Promise<ConnectorSnapshot | undefined> {
    const k = this.keys;
    const res = await this.#client
      .if(k.connectorConfig(name), 'Create', '>', 0)
      .then(this.#client.get(k.connectorConfig(name)), this.#client.get(k.taskConfigsOf(name)), this.#client.get(k.targetState(name)))
      .commit();
    if (!res.succeeded) return undefined;
    const value = (i: number): string | undefined => res.responses[i]?.response_range.kvs[0]?.value.toString();
    const config = value(0);
    if (config === undefined) return undefined;
    const tasks = value(1);
    const target = value(2);
    return {
      name,
      config: decodeConfig(config),
      taskConfigs: tasks === undefined ? [] : decodeTaskConfigs(tasks),
      targetState: target === undefined ? 'STARTED' : decodeTargetState(target),
    };
  }

  /** Removes the connector and everything stored about it, in one transaction. */
  async deleteConnector(name: string): Promise<boolean> {
    const k = this.keys;
    const c = this.#client;
    const res = await c
      .if(k.connectorConfig(name), 'Create', '>', 0)
      .then(
        c.delete().key(k.connectorConfig(name)),
        c.delete().key(k.taskConfigsOf(name)),
        c.delete().key(k.targetState(name)),
        c.delete().key(k.restart(name)),
        c.delete().key(k.connectorStatus(name)),
        c.delete().prefix(`${k.taskStatuses}${encodeURIComponent(name)}/`),
        c.delete().prefix(k.topicsOf(name)),
      )
      .commit();
    if (res.succeeded) this.#log.info('connector deleted', { connector: name });
    return res.succeeded;
  }

  /**
   * Task configs are written as one batch; a connector without them has no tasks. The tasks' statuses are cleared in
   * the same transaction: they described the previous configs, and the new tasks' owners report afresh.
   */
  async putTaskConfigs(name: string, configs: readonly Readonly<Record<string, string>>[]): Promise<void> {
    const k = this.keys;
    const res = await this.#client
      .if(k.connectorConfig(name), 'Create', '>', 0)
      .then(this.#client.put(k.taskConfigsOf(name)).value(JSON.stringify(configs)), this.#client.delete().prefix(`${k.taskStatuses}${encodeURIComponent(name)}/`))
      .commit();
    if (!res.succeeded) throw new ConveyorError(ErrorCode.notFound, `connector ${name} does not exist`);
  }

  async getTaskConfigs(name: string): Promise<Record<string, string>[]> {
    const text = await this.#client.get(this.keys.taskConfigsOf(name)).string();
    return text === null ? [] : decodeTaskConfigs(text);
  }

  async putTargetState(name: string, state: TargetState): Promise<void> {
    const res = await this.#client
      .if(this.keys.connectorConfig(name), 'Create', '>', 0)
      .then(this.#client.put(this.keys.targetState(name)).value(JSON.stringify(state)))
      .commit();
    if (!res.succeeded) throw new ConveyorError(ErrorCode.notFound, `connector ${name} does not exist`);
  }

  async getTargetState(name: string): Promise<TargetState | undefined> {
    const text = await this.#client.get(this.keys.targetState(name)).string();
    return text === null ? undefined : decodeTargetState(text);
  }

  async requestRestart(name: string, request: RestartRequest): Promise<void> {
    const res = await this.#client
      .if(this.keys.connectorConfig(name), 'Create', '>', 0)
      .then(this.#client.put(this.keys.restart(name)).value(JSON.stringify(request)))
      .commit();
    if (!res.succeeded) throw new ConveyorError(ErrorCode.notFound, `connector ${name} does not exist`);
  }

  async listRestarts(): Promise<Map<string, RestartRequest>> {
    const all = await this.#client.getAll().prefix(this.keys.restarts).strings();
    const out = new Map<string, RestartRequest>();
    for (const [key, text] of Object.entries(all)) {
      const name = this.keys.nameUnder(this.keys.restarts, key);
      if (name !== undefined) out.set(name, decodeRestart(text));
    }
    return out;
  }

  /** Removes a restart request only if it is the one the caller handled (same requestedAt). */
  async completeRestart(name: string, handled: RestartRequest): Promise<boolean> {
    const key = this.keys.restart(name);
    const res = await this.#client.if(key, 'Value', '==', JSON.stringify(handled)).then(this.#client.delete().key(key)).commit();
    return res.succeeded;
  }

  /**
   * Writes a status only while the writer still owns the unit and the connector exists (a status written after a
   * delete would outlive it); throws CONVEYOR_CONFLICT otherwise.
   */
  async putConnectorStatus(name: string, status: UnitStatus, guard: OwnershipGuard): Promise<void> {
    await this.#guardedPut(this.keys.connectorStatus(name), JSON.stringify(status), guard, name);
  }

  async putTaskStatus(name: string, task: number, status: UnitStatus, guard: OwnershipGuard): Promise<void> {
    await this.#guardedPut(this.keys.taskStatus(name, task), JSON.stringify(status), guard, name);
  }

  /** Records a topic the connector's tasks used (GET /connectors/{c}/topics). */
  async recordTopic(name: string, topic: string): Promise<void> {
    const k = this.keys;
    await this.#client.if(k.connectorConfig(name), 'Create', '>', 0).then(this.#client.put(k.topicsOf(name) + encodeURIComponent(topic)).value('')).commit();
  }

  async listTopics(name: string): Promise<string[]> {
    const prefix = this.keys.topicsOf(name);
    const keys = await this.#client.getAll().prefix(prefix).keys();
    return keys.map((key) => decodeURIComponent(key.slice(prefix.length))).sort();
  }

  async resetTopics(name: string): Promise<void> {
    await this.#client.delete().prefix(this.keys.topicsOf(name));
  }

  /** For the leader: marks units it cannot place (no workers) without any ownership. */
  async putUnassignedTaskStatus(name: string, task: number, generation: number): Promise<void> {
    const status: UnitStatus = { state: 'UNASSIGNED', worker_id: '', generation };
    await this.#client.put(this.keys.taskStatus(name, task)).value(JSON.stringify(status));
  }

  async getConnectorStatus(name: string): Promise<UnitStatus | undefined> {
    const text = await this.#client.get(this.keys.connectorStatus(name)).string();
    return text === null ? undefined : decodeStatus(text);
  }

  async getTaskStatuses(name: string): Promise<Map<number, UnitStatus>> {
    const prefix = `${this.keys.taskStatuses}${encodeURIComponent(name)}/`;
    const all = await this.#client.getAll().prefix(prefix).strings();
    const out = new Map<number, UnitStatus>();
    for (const [key, text] of Object.entries(all)) out.set(Number(key.slice(prefix.length)), decodeStatus(text));
    return out;
  }

  /** A live worker's registration (its key exists while its lease does). */
  async getWorker(id: string): Promise<WorkerRegistration | undefined> {
    const text = await this.#client.get(this.keys.worker(id)).string();
    return text === null ? undefined : decodeWorker(text);
  }

  /** Watches any range under the cluster prefix (e.g. keys.connectorConfigs) with resume and re-list. */
  watch(prefix: string, sink: WatchSink): Promise<PrefixWatch> {
    if (!prefix.startsWith(this.keys.root)) throw new ConveyorError(ErrorCode.badRequest, `${prefix} is outside the cluster prefix`);
    return PrefixWatch.create({ client: this.#client, range: { prefix }, sink, logger: this.#log });
  }

  async #guardedPut(key: string, value: string, guard: OwnershipGuard, connector: string): Promise<void> {
    const res = await this.#client
      .if(guard.claimKey, 'Lease', '==', guard.leaseId)
      .and(this.keys.connectorConfig(connector), 'Create', '>', 0)
      .then(this.#client.put(key).value(value))
      .commit();
    if (!res.succeeded) {
      throw new ConveyorError(ErrorCode.conflict, `write to ${key} refused: the writer no longer owns ${guard.claimKey}`);
    }
  }
}
