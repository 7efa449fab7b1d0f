/**
 * A worker's local, watched copy of the cluster state it serves REST reads from and reacts to: connector configs,
 * task configs, target states, restart requests, statuses, live workers and the current leader candidates.
 */
import type { RestartRequest, TargetState, UnitStatus, WorkerRegistration } from '../cluster/codec.ts';
import { decodeConfig, decodeRestart, decodeStatus, decodeTargetState, decodeTaskConfigs, decodeWorker } from '../cluster/codec.ts';
import { MirrorSink } from '../cluster/prefix-watch.ts';
import type { PrefixWatch } from '../cluster/prefix-watch.ts';
import type { ClusterStore } from '../cluster/store.ts';
import type { Logger } from '../core/logger.ts';

export interface ConnectorView {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly taskConfigs: readonly Readonly<Record<string, string>>[];
  readonly targetState: TargetState;
}

export class ClusterView {
  readonly #store: ClusterStore;
  readonly #log: Logger;
  readonly #onChange: () => void;
  readonly #configs = new MirrorSink(() => this.#changed());
  readonly #tasks = new MirrorSink(() => this.#changed());
  readonly #targets = new MirrorSink(() => this.#changed());
  readonly #restarts = new MirrorSink(() => this.#changed());
  readonly #connectorStatus = new MirrorSink();
  readonly #taskStatus = new MirrorSink();
  readonly #workers = new MirrorSink();
  readonly #watches: PrefixWatch[] = [];

  private constructor(store: ClusterStore, log: Logger, onChange: () => void) {
    this.#store = store;
    this.#log = log;
    this.#onChange = onChange;
  }

  static async create(store: ClusterStore, log: Logger, onChange: () => void): Promise<ClusterView> {
    const v = new ClusterView(store, log, onChange);
    const k = store.keys;
    try {
      const ranges = [
        [k.connectorConfigs, v.#configs],
        [k.taskConfigs, v.#tasks],
        [k.targetStates, v.#targets],
        [k.restarts, v.#restarts],
        [k.connectorStatuses, v.#connectorStatus],
        [k.taskStatuses, v.#taskStatus],
        [k.workers, v.#workers],
      ] as const;
      for (const [prefix, sink] of ranges) v.#watches.push(await store.watch(prefix, sink));
    } catch (err) {
      await v.close();
      throw err;
    }
    return v;
  }

  #changed(): void {
    if (this.#watches.length === 7) this.#onChange();
  }

  async close(): Promise<void> {
    await Promise.all(this.#watches.splice(0).map((w) => w.close()));
  }

  connectorNames(): string[] {
    const k = this.#store.keys;
    return [...this.#configs.entries.keys()].flatMap((key) => k.nameUnder(k.connectorConfigs, key) ?? []).sort();
  }

  has(name: string): boolean {
    return this.#configs.entries.has(this.#store.keys.connectorConfig(name));
  }

  connector(name: string): ConnectorView | undefined {
    const k = this.#store.keys;
    const config = this.#decode(this.#configs, k.connectorConfig(name), decodeConfig);
    if (config === undefined) return undefined;
    return {
      name,
      config,
      taskConfigs: this.#decode(this.#tasks, k.taskConfigsOf(name), decodeTaskConfigs) ?? [],
      targetState: this.#decode(this.#targets, k.targetState(name), decodeTargetState) ?? 'STARTED',
    };
  }

  restarts(): Map<string, RestartRequest> {
    const k = this.#store.keys;
    const out = new Map<string, RestartRequest>();
    for (const key of this.#restarts.entries.keys()) {
      const name = k.nameUnder(k.restarts, key);
      const req = this.#decode(this.#restarts, key, decodeRestart);
      if (name !== undefined && req !== undefined) out.set(name, req);
    }
    return out;
  }

  connectorStatus(name: string): UnitStatus | undefined {
    return this.#decode(this.#connectorStatus, this.#store.keys.connectorStatus(name), decodeStatus);
  }

  taskStatus(name: string, task: number): UnitStatus | undefined {
    return this.#decode(this.#taskStatus, this.#store.keys.taskStatus(name, task), decodeStatus);
  }

  /** Live workers (their registration keys exist under their leases): id → registration. */
  workers(): Map<string, WorkerRegistration> {
    const k = this.#store.keys;
    const out = new Map<string, WorkerRegistration>();
    for (const [key, text] of this.#workers.entries) {
      const id = k.nameUnder(k.workers, key);
      if (id === undefined) continue;
      try {
        out.set(id, decodeWorker(text));
      } catch (err) {
        this.#log.warn('unreadable worker registration', { worker: id, err });
      }
    }
    return out;
  }

  #decode<T>(sink: MirrorSink, key: string, decode: (text: string) => T): T | undefined {
    const text = sink.entries.get(key);
    if (text === undefined) return undefined;
    try {
      return decode(text);
    } catch (err) {
      this.#log.error('unreadable cluster state', { key, err });
      return undefined;
    }
  }
}
