import type { Etcd3 } from 'etcd3';
import type { Logger } from '../core/logger.ts';
import { computeAssignment } from './assignment.ts';
import type { ConnectorLoad, WorkerShare } from './assignment.ts';
import { isDeposed, readAssignments, writeAssignments } from './assignments.ts';
import type { LeaderTerm } from './assignments.ts';
import { decodeTaskConfigs } from './codec.ts';
import type { ClusterKeys } from './keys.ts';
import { MirrorSink, PrefixWatch } from './prefix-watch.ts';
import type { WorkerId } from './types.ts';

export type RebalancerState = 'starting' | 'idle' | 'rebalancing' | 'stopped';

export interface RebalancerOptions {
  readonly client: Etcd3;
  readonly keys: ClusterKeys;
  readonly term: LeaderTerm;
  readonly logger: Logger;
  /** Changes arriving within this window are folded into one rebalance. */
  readonly debounceMs?: number;
  /** The write was refused because this worker is no longer leader. */
  readonly onDeposed: () => void;
}

/**
 * The leader's loop: watches live workers, connector configs and task configs, and writes a new balanced, sticky
 * assignment generation whenever the outcome would change.
 */
export class Rebalancer {
  readonly #o: RebalancerOptions;
  readonly #log: Logger;
  readonly #workers = new MirrorSink(() => this.#schedule());
  readonly #connectors = new MirrorSink(() => this.#schedule());
  readonly #tasks = new MirrorSink(() => this.#schedule());
  readonly #watches: PrefixWatch[] = [];
  #state: RebalancerState = 'starting';
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #again = false;

  private constructor(o: RebalancerOptions) {
    this.#o = o;
    this.#log = o.logger.child({ component: 'cluster-rebalancer', leader: o.term.leader });
  }

  static async create(o: RebalancerOptions): Promise<Rebalancer> {
    const r = new Rebalancer(o);
    const k = o.keys;
    try {
      for (const [prefix, sink] of [[k.workers, r.#workers], [k.connectorConfigs, r.#connectors], [k.taskConfigs, r.#tasks]] as const) {
        r.#watches.push(await PrefixWatch.create({ client: o.client, range: { prefix }, sink, logger: r.#log }));
      }
    } catch (err) {
      await r.stop();
      throw err;
    }
    r.#setState('idle', 'watching');
    r.#schedule();
    return r;
  }

  get state(): RebalancerState {
    return this.#state;
  }

  async stop(): Promise<void> {
    this.#setState('stopped', 'stopped');
    clearTimeout(this.#timer);
    await Promise.all(this.#watches.map((w) => w.close()));
    await this.#running;
  }

  #schedule(): void {
    if (this.#state === 'stopped' || this.#state === 'starting') return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#state === 'rebalancing') {
        this.#again = true;
        return;
      }
      this.#running = this.#rebalance();
    }, this.#o.debounceMs ?? 50);
  }

  async #rebalance(): Promise<void> {
    this.#setState('rebalancing', 'inputs changed');
    try {
      const { client, keys, term } = this.#o;
      const workers = [...this.#workers.entries.keys()].flatMap((key) => keys.nameUnder(keys.workers, key) ?? []);
      const loads = this.#loads();
      const previous = await readAssignments(client, keys);
      const prevShares = new Map<WorkerId, WorkerShare>(previous.workers);
      const plan = computeAssignment(workers, loads, prevShares);
      if (sameAssignment(plan.workers, previous.workers)) return;
      const generation = await writeAssignments(client, keys, term, previous, plan.workers);
      this.#log.info('assignment written', { generation, workers: workers.length, connectors: loads.length, moved: plan.moved });
    } catch (err) {
      if (isDeposed(err)) {
        this.#log.warn('assignment refused: deposed', { err });
        this.#setState('stopped', 'deposed');
        this.#o.onDeposed();
        return;
      }
      this.#log.warn('rebalance failed; retrying', { err });
      this.#again = true;
    } finally {
      if (this.#state === 'rebalancing') this.#setState('idle', 'done');
      if (this.#again) {
        this.#again = false;
        this.#schedule();
      }
    }
  }

  #loads(): ConnectorLoad[] {
    const { keys } = this.#o;
    const loads: ConnectorLoad[] = [];
    for (const key of this.#connectors.entries.keys()) {
      const name = keys.nameUnder(keys.connectorConfigs, key);
      if (name === undefined) continue;
      const text = this.#tasks.entries.get(keys.taskConfigsOf(name));
      let tasks = 0;
      try {
        tasks = text === undefined ? 0 : decodeTaskConfigs(text).length;
      } catch (err) {
        this.#log.error('unreadable task configs; assigning no tasks', { err, connector: name });
      }
      loads.push({ name, tasks });
    }
    return loads;
  }

  #setState(next: RebalancerState, reason: string): void {
    if (this.#state === next || this.#state === 'stopped') return;
    const from = this.#state;
    this.#state = next;
    this.#log.debug('rebalancer state', { from, to: next, reason });
  }
}

function sameAssignment(plan: ReadonlyMap<WorkerId, WorkerShare>, stored: ReadonlyMap<WorkerId, WorkerShare>): boolean {
  if (plan.size !== stored.size) return false;
  for (const [w, share] of plan) {
    const s = stored.get(w);
    if (s === undefined) return false;
    if (JSON.stringify([share.connectors, share.tasks]) !== JSON.stringify([s.connectors, s.tasks])) return false;
  }
  return true;
}
