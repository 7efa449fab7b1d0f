/**
 * The connectors and tasks the leader assigned this worker (the cluster layer's TaskHost): a connector unit computes
 * task configs and stores them; a task unit runs one task from its stored config. Their statuses are written behind
 * ownership guards. Changes in configs, target states and restart requests reach the units by watch (reconcile).
 */
import type { RestartRequest, TargetState, UnitStatus } from '../cluster/codec.ts';
import type { ClusterStore, ConnectorSnapshot } from '../cluster/store.ts';
import type { StopReason, TaskHost, UnitContext, WorkUnit } from '../cluster/types.ts';
import { unitId } from '../cluster/types.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';
import type { ConnectorRuntime } from '../worker/connector-runtime.ts';
import type { ConnectorState } from '../worker/states.ts';
import type { Worker } from '../worker/worker.ts';
import type { ClusterView, ConnectorView } from './cluster-view.ts';

export interface LocalUnitsOptions {
  readonly workerId: string;
  readonly worker: Worker;
  readonly store: ClusterStore;
  readonly view: ClusterView;
  readonly log: Logger;
  /** Told when a task unit starts (the active-topics cache is then refreshed). */
  readonly onTaskStart?: () => void;
}

/** A connector or task this worker runs, and what it was started from (a change restarts it). */
interface LocalUnit {
  readonly unit: WorkUnit;
  readonly context: UnitContext;
  runtime: ConnectorRuntime | undefined;
  inputs: string;
  target: TargetState;
  statusWrites: Promise<void>;
}

function connectorInputs(c: Pick<ConnectorSnapshot, 'config' | 'targetState'>): string {
  return JSON.stringify([c.config, c.targetState]);
}

function taskInputs(c: Pick<ConnectorSnapshot, 'taskConfigs'>, task: number): string {
  return JSON.stringify(c.taskConfigs[task] ?? null);
}
export class LocalUnits implements TaskHost {
  readonly #o: LocalUnitsOptions;
  readonly #log: Logger;
  readonly #units = new Map<string, LocalUnit>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #handledRestarts = new Map<string, string>();
  #reconcileTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(o: LocalUnitsOptions) {
    this.#o = o;
    this.#log = o.log;
    // Restart requests already stored were meant for the units' earlier owners.
    for (const [name, req] of o.view.restarts()) this.#handledRestarts.set(name, req.requestedAt);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#reconcileTimer);
  }

  async start(unit: WorkUnit, context: UnitContext): Promise<void> {
    await this.#serial(unit, async () => {
      const local: LocalUnit = { unit, context, runtime: undefined, inputs: '', target: 'STARTED', statusWrites: Promise.resolve() };
      this.#units.set(unitId(unit), local);
      if (unit.kind === 'task') this.#o.onTaskStart?.();
      await this.#run(local);
    });
  }

  async stop(unit: WorkUnit, reason: StopReason): Promise<void> {
    await this.#serial(unit, async () => {
      const local = this.#units.get(unitId(unit));
      if (local === undefined) return;
      this.#units.delete(unitId(unit));
      this.#log.info('unit stopping', { unit: unitId(unit), reason });
      await local.runtime?.stop(reason !== 'fenced');
    });
  }

  async #run(local: LocalUnit): Promise<void> {
    const { unit } = local;
    const c = await this.#o.store.getConnector(unit.connector);
    if (c === undefined) {
      this.#log.info('assigned unit of a deleted connector; waiting for the leader to unassign it', { unit: unitId(unit) });
      return;
    }
    local.target = c.targetState;
    local.inputs = unit.kind === 'connector' ? connectorInputs(c) : taskInputs(c, unit.task);
    let plugin: PluginVersion;
    try {
      plugin = this.#o.worker.resolvePlugin(c.config);
    } catch (err) {
      this.#writeStatus(local, 'FAILED', (err as Error).message);
      return;
    }
    const runtime = this.#o.worker.newRuntime(unit.connector, { ...c.config }, plugin, c.targetState, {
      onStateChange: (_c, task, state, trace) => {
        if ((unit.kind === 'connector') === (task === null)) this.#writeStatus(local, state, trace);
      },
    });
    local.runtime = runtime;
    if (unit.kind === 'connector') {
      const configs = await runtime.startConnectorUnit();
      if (configs !== null && JSON.stringify(configs) !== JSON.stringify(c.taskConfigs)) {
        await this.#o.store.putTaskConfigs(unit.connector, configs);
        this.#log.info('task configs stored', { [LogField.connector]: unit.connector, tasks: configs.length });
      }
      return;
    }
    const config = c.taskConfigs[unit.task];
    if (config === undefined) {
      this.#log.info('assigned task no longer exists; waiting for the leader to unassign it', { unit: unitId(unit) });
      return;
    }
    await runtime.runTask(unit.task, config);
  }

  #writeStatus(local: LocalUnit, state: ConnectorState, trace: string | undefined): void {
    const { unit, context } = local;
    const status: UnitStatus = { state, worker_id: this.#o.workerId, generation: context.generation, ...(trace === undefined ? {} : { trace }) };
    local.statusWrites = local.statusWrites
      .then(() =>
        unit.kind === 'connector'
          ? this.#o.store.putConnectorStatus(unit.connector, status, context.guard)
          : this.#o.store.putTaskStatus(unit.connector, unit.task, status, context.guard),
      )
      .catch((err: unknown) => this.#log.debug('status not stored (unit no longer owned or connector deleted)', { unit: unitId(unit), state, error: err }));
  }

  /** Start, stop and restart of one unit never overlap. */
  #serial(unit: WorkUnit, fn: () => Promise<void>): Promise<void> {
    const id = unitId(unit);
    const next = (this.#queues.get(id) ?? Promise.resolve()).then(fn, fn);
    const tail = next.catch((err: unknown) => this.#log.error('unit operation failed', { unit: id, error: err }));
    this.#queues.set(id, tail);
    void tail.then(() => {
      if (this.#queues.get(id) === tail) this.#queues.delete(id);
    });
    return next;
  }

  scheduleReconcile(): void {
    if (this.#closed) return;
    clearTimeout(this.#reconcileTimer);
    this.#reconcileTimer = setTimeout(() => this.#reconcile(), 20);
  }

  /** Brings the local units in line with the watched state: restarts on changed configs, pause/resume, restart requests. */
  #reconcile(): void {
    for (const local of this.#units.values()) {
      const c = this.#o.view.connector(local.unit.connector);
      if (c === undefined || local.runtime === undefined) continue;
      if (local.unit.kind === 'connector') {
        if (connectorInputs(c) !== local.inputs) this.#restart(local, 'connector config or target state changed');
        continue;
      }
      if (taskInputs(c, local.unit.task) !== local.inputs) this.#restart(local, 'task config changed');
      else if (c.targetState !== local.target && c.targetState !== 'STOPPED') this.#retarget(local, c);
    }
    for (const [name, req] of this.#o.view.restarts()) {
      if (this.#handledRestarts.get(name) === req.requestedAt) continue;
      this.#handledRestarts.set(name, req.requestedAt);
      this.#applyRestart(name, req);
    }
  }

  #restart(local: LocalUnit, reason: string): void {
    void this.#serial(local.unit, async () => {
      if (this.#units.get(unitId(local.unit)) !== local) return;
      const c = await this.#o.store.getConnector(local.unit.connector);
      if (reason !== 'restart requested' && c !== undefined && local.runtime !== undefined) {
        const now = local.unit.kind === 'connector' ? connectorInputs(c) : taskInputs(c, local.unit.task);
        if (now === local.inputs) return; // the watch lagged behind what this unit started from
      }
      this.#log.info('restarting unit', { unit: unitId(local.unit), reason });
      await local.runtime?.stop();
      local.runtime = undefined;
      await this.#run(local);
    }).catch(() => {
      // Logged by #serial. etcd may be unreachable for a moment: try again while the unit is still ours.
      if (!this.#closed && this.#units.get(unitId(local.unit)) === local) setTimeout(() => this.#restart(local, reason), 1000).unref();
    });
  }

  #retarget(local: LocalUnit, c: ConnectorView): void {
    local.target = c.targetState;
    void this.#serial(local.unit, async () => {
      if (c.targetState === 'PAUSED') await local.runtime?.pause();
      else await local.runtime?.resume();
    }).catch(() => undefined); // logged by #serial
  }

  #applyRestart(name: string, req: RestartRequest): void {
    let ownsConnector = false;
    for (const local of this.#units.values()) {
      if (local.unit.connector !== name) continue;
      // A unit in the middle of (re)starting has no runtime yet; its restart is queued behind that start.
      const status = local.runtime?.status();
      if (local.unit.kind === 'connector') {
        ownsConnector = true;
        if (req.task === undefined && (!req.onlyFailed || status?.connector.state === 'FAILED')) this.#restart(local, 'restart requested');
        continue;
      }
      const state = status?.tasks[0]?.state;
      const picked = req.task !== undefined ? req.task === local.unit.task : req.includeTasks && (!req.onlyFailed || state === 'FAILED');
      if (picked) this.#restart(local, 'restart requested');
    }
    // The connector's owner clears the request once every worker has had time to see it.
    if (ownsConnector) setTimeout(() => void this.#o.store.completeRestart(name, req).catch(() => undefined), 5000).unref();
  }
}
