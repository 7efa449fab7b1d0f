import type { Etcd3 } from 'etcd3';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { LogField } from '../core/log-fields.ts';
import { watchAssignment } from './assignments.ts';
import type { LeaderTerm } from './assignments.ts';
import { Claims } from './claims.ts';
import { CrashWatch, LivenessBeacon } from './crash-watch.ts';
import { LeaderElection } from './election.ts';
import type { ClusterKeys } from './keys.ts';
import type { PrefixWatch } from './prefix-watch.ts';
import { Rebalancer } from './rebalancer.ts';
import type { LeaseGuard } from './lease-guard.ts';
import { WorkerSession } from './session.ts';
import type { OwnershipGuard, TaskHost, WorkerAssignment, WorkerId, WorkUnit } from './types.ts';
import { unitId } from './types.ts';
import { UnitSlots } from './unit-slots.ts';

export type MemberState = 'joining' | 'active' | 'fenced' | 'leaving' | 'stopped';

export interface ClusterMemberOptions {
  readonly client: Etcd3;
  readonly keys: ClusterKeys;
  readonly workerId: WorkerId;
  readonly url: string;
  readonly host: TaskHost;
  readonly logger: Logger;
  /** Worker lease TTL in whole seconds; default 5. */
  readonly leaseTtlSeconds?: number;
  /** Leader candidate lease TTL in whole seconds; default the worker lease TTL. */
  readonly electionTtlSeconds?: number;
  readonly fenceMarginMs?: number;
  /** Delay before joining again after being fenced; default 1 s. */
  readonly rejoinDelayMs?: number;
  /** Told how long this worker took to apply each new assignment (stop what left, start what came). */
  readonly onRebalanced?: (ms: number) => void;
}

interface Joined {
  readonly session: WorkerSession;
  readonly claims: Claims;
  readonly slots: UnitSlots;
  readonly election: LeaderElection;
  readonly watch: PrefixWatch;
}

/**
 * One worker's part in the cluster: membership, leader election (and the leader's rebalancing), its own assignment,
 * and starting and stopping units behind ownership claims. On fencing it stops everything and joins again.
 */
export class ClusterMember {
  readonly workerId: WorkerId;
  readonly #o: ClusterMemberOptions;
  readonly #log: Logger;
  #state: MemberState = 'joining';
  #joined: Joined | undefined;
  #leaseGuard: LeaseGuard | undefined;
  #rebalancer: Promise<Rebalancer | undefined> = Promise.resolve(undefined);
  #current: Rebalancer | undefined;
  #rejoin: NodeJS.Timeout | undefined;
  /** Held open for the life of this member, so peers can tell its process died (crash-watch.ts). */
  #beacon: LivenessBeacon | undefined;
  #crashWatch: CrashWatch | undefined;

  private constructor(o: ClusterMemberOptions) {
    this.#o = o;
    this.workerId = o.workerId;
    this.#log = o.logger.child({ component: 'cluster-member', [LogField.worker]: o.workerId });
  }

  static async create(o: ClusterMemberOptions): Promise<ClusterMember> {
    const m = new ClusterMember(o);
    // On the host peers reach this worker at; where that host cannot be bound here, no liveness is advertised and
    // this worker's crashes are found by its lease alone.
    const host = new URL(o.url).hostname.replace(/^\[(.*)\]$/, '$1');
    m.#beacon = await LivenessBeacon.open(host, o.workerId).catch((err: unknown) => {
      m.#log.warn('no liveness port on the advertised host; peers will notice a crash of this worker only when its lease expires', { host, err });
      return undefined;
    });
    try {
      await m.#join();
    } catch (err) {
      await m.#beacon?.close();
      throw err;
    }
    m.#crashWatch = new CrashWatch({ client: o.client, keys: o.keys, self: o.workerId, logger: m.#log });
    m.#crashWatch.start();
    return m;
  }

  get state(): MemberState {
    return this.#state;
  }

  isLeader(): boolean {
    return this.#joined?.election.state === 'leader';
  }

  /** True while this worker leads and its rebalancer is computing or writing a new assignment. */
  rebalancing(): boolean {
    return this.isLeader() && this.#current?.state === 'rebalancing';
  }

  /** The leader's worker id as etcd has it now (for forwarding REST writes); undefined while there is none. */
  async leader(): Promise<WorkerId | undefined> {
    return this.#joined?.election.leader();
  }

  assignment(): WorkerAssignment | undefined {
    return this.#joined?.slots.assignment;
  }

  running(): WorkUnit[] {
    return this.#joined?.slots.running() ?? [];
  }

  /**
   * The latest time this worker's lease is known to live in etcd (send time of the last acknowledged keepalive plus the
   * TTL granted). Kept after a fence, where it no longer moves: units stopped by the fence stopped before it.
   */
  leaseDeadline(): number | undefined {
    return this.#leaseGuard?.deadline;
  }

  /** The guard for status writes about a unit this worker runs. */
  guard(unit: WorkUnit): OwnershipGuard | undefined {
    return this.#joined?.slots.isRunning(unit) === true ? this.#joined.claims.guard(unit) : undefined;
  }

  /** Throws CONVEYOR_CONFLICT unless this worker still owns the unit and its lease is safe; call before committing offsets. */
  async assertOwns(unit: WorkUnit): Promise<void> {
    const j = this.#joined;
    if (j === undefined || !j.slots.isRunning(unit)) {
      throw new ConveyorError(ErrorCode.conflict, `worker ${this.workerId} does not own ${unitId(unit)}`);
    }
    if (!j.session.guard.safe()) {
      // Not fenced (yet): the keepalive answers are late (a loaded etcd or network). Nothing is written now; the task
      // restarts and tries again, unless the guard fences meanwhile and the unit is stopped anyway.
      const live = j.session.guard.state === 'live';
      throw new ConveyorError(ErrorCode.conflict, `worker ${this.workerId} cannot confirm it still owns ${unitId(unit)}: its lease ${live ? 'has no recent keepalive answer' : 'is lost'}`, { retriable: live });
    }
    await j.claims.assertHolds(unit);
  }

  /** Graceful shutdown: stops and releases every unit, resigns, and leaves at once without waiting for lease expiry. */
  async leave(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'leaving') return;
    clearTimeout(this.#rejoin);
    this.#setState('leaving', 'leave requested');
    const j = this.#joined;
    this.#joined = undefined;
    if (j !== undefined) {
      await j.election.close();
      await this.#stopRebalancer();
      await j.watch.close();
      await j.slots.stopAll('shutdown', true);
      await j.session.close();
    }
    // Only now, with every unit stopped and the lease gone, may peers see this process as gone.
    this.#crashWatch?.close();
    await this.#beacon?.close();
    this.#setState('stopped', 'left');
  }

  async #join(): Promise<void> {
    this.#setState('joining', 'joining');
    const o = this.#o;
    const session = await WorkerSession.create({
      client: o.client,
      keys: o.keys,
      workerId: o.workerId,
      url: o.url,
      ...(this.#beacon === undefined ? {} : { liveness: this.#beacon.address }),
      logger: o.logger,
      ...(o.leaseTtlSeconds === undefined ? {} : { ttlSeconds: o.leaseTtlSeconds }),
      ...(o.fenceMarginMs === undefined ? {} : { fenceMarginMs: o.fenceMarginMs }),
    });
    const claims = new Claims({ client: o.client, keys: o.keys, workerId: o.workerId, leaseId: session.leaseId, logger: this.#log });
    const slots = new UnitSlots({ claims, host: o.host, session, logger: this.#log });
    let watch: PrefixWatch | undefined;
    try {
      watch = await watchAssignment(o.client, o.keys, o.workerId, this.#log, (a) => {
        const at = performance.now();
        slots.assign(a);
        const told = o.onRebalanced;
        if (told !== undefined && a !== undefined) void slots.settled().then(() => told(performance.now() - at));
      });
      const election = await LeaderElection.create({
        client: o.client,
        keys: o.keys,
        workerId: o.workerId,
        ttlSeconds: o.electionTtlSeconds ?? o.leaseTtlSeconds ?? 5,
        logger: o.logger,
        onElected: (term) => this.#startRebalancer(term),
        onDeposed: () => void this.#stopRebalancer(),
      });
      this.#joined = { session, claims, slots, election, watch };
      this.#leaseGuard = session.guard;
    } catch (err) {
      await watch?.close();
      await session.close();
      throw err;
    }
    session.guard.onFence((reason) => void this.#fenced(reason));
    this.#setState('active', 'joined');
    slots.activate();
  }

  #startRebalancer(term: LeaderTerm): void {
    const j = this.#joined;
    const previous = this.#rebalancer;
    this.#rebalancer = (async () => {
      await (await previous)?.stop();
      if (j === undefined || this.#joined !== j) return undefined;
      this.#current = await Rebalancer.create({
        client: this.#o.client,
        keys: this.#o.keys,
        term,
        logger: this.#log,
        onDeposed: () => void j.election.stepDown('assignment write refused'),
      });
      return this.#current;
    })().catch((err: unknown) => {
      this.#log.error('rebalancer failed to start; stepping down', { err });
      void j?.election.stepDown('rebalancer failed');
      return undefined;
    });
  }

  async #stopRebalancer(): Promise<void> {
    const previous = this.#rebalancer;
    this.#rebalancer = previous.then(async (r) => {
      if (this.#current === r) this.#current = undefined;
      await r?.stop();
      return undefined;
    });
    await this.#rebalancer;
  }

  async #fenced(reason: string): Promise<void> {
    const j = this.#joined;
    if (j === undefined || this.#state !== 'active') return;
    this.#joined = undefined;
    this.#setState('fenced', reason);
    // Stopping units comes first: it must finish before the lease deadline, whatever etcd does.
    await j.slots.stopAll('fenced', false);
    await Promise.allSettled([j.election.close(), this.#stopRebalancer(), j.watch.close(), j.session.close()]);
    this.#scheduleRejoin();
  }

  #scheduleRejoin(): void {
    clearTimeout(this.#rejoin);
    this.#rejoin = setTimeout(() => {
      if (this.#state !== 'fenced') return;
      this.#join().catch((err: unknown) => {
        this.#log.warn('rejoin failed; retrying', { err });
        this.#setState('fenced', 'rejoin failed');
        this.#scheduleRejoin();
      });
    }, this.#o.rejoinDelayMs ?? 1000);
  }

  #setState(next: MemberState, reason: string): void {
    if (this.#state === next) return;
    const from = this.#state;
    this.#state = next;
    this.#log.info('member state', { from, to: next, reason });
  }
}
