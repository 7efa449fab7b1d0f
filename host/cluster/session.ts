import type { Etcd3, Lease } from 'etcd3';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { LogField } from '../core/log-fields.ts';
import type { WorkerRegistration } from './codec.ts';
import type { ClusterKeys } from './keys.ts';
import { LeaseGuard } from './lease-guard.ts';
import type { WorkerId } from './types.ts';

export type SessionState = 'active' | 'fenced' | 'closed';

export interface WorkerSessionOptions {
  readonly client: Etcd3;
  readonly keys: ClusterKeys;
  readonly workerId: WorkerId;
  /** Where other workers reach this one's REST API (for forwarding to the leader). */
  readonly url: string;
  /** The process's liveness port (crash-watch.ts), host:port. */
  readonly liveness?: string;
  /** Lease TTL in whole seconds (etcd's minimum is 1); default 5. */
  readonly ttlSeconds?: number;
  /** Fence this long before the lease deadline; default a quarter of the TTL. */
  readonly fenceMarginMs?: number;
  /** How long to wait for a previous registration of the same worker id to expire; default twice the TTL. */
  readonly takeoverTimeoutMs?: number;
  readonly logger: Logger;
}

/**
 * One worker's membership: a lease with keepalive, its registration key under that lease, and the guard that
 * fences the worker before the lease could have expired. A fenced session is finished; the worker opens a new one.
 */
export class WorkerSession {
  readonly workerId: WorkerId;
  readonly leaseId: string;
  readonly guard: LeaseGuard;
  readonly #lease: Lease;
  readonly #client: Etcd3;
  readonly #keys: ClusterKeys;
  readonly #log: Logger;
  #state: SessionState = 'active';

  private constructor(o: WorkerSessionOptions, lease: Lease, leaseId: string, guard: LeaseGuard, log: Logger) {
    this.workerId = o.workerId;
    this.#client = o.client;
    this.#keys = o.keys;
    this.#lease = lease;
    this.leaseId = leaseId;
    this.guard = guard;
    this.#log = log;
    guard.onFence((reason) => this.#setState('fenced', reason));
  }

  static async create(o: WorkerSessionOptions): Promise<WorkerSession> {
    const ttl = o.ttlSeconds ?? 5;
    if (!Number.isInteger(ttl) || ttl < 1) throw new ConveyorError(ErrorCode.configInvalid, `lease TTL must be a whole number of seconds >= 1, got ${ttl}`);
    const log = o.logger.child({ component: 'cluster-session', [LogField.worker]: o.workerId });
    const grantedAt = Date.now();
    const lease = o.client.lease(ttl);
    lease.on('lost', () => undefined);
    let leaseId: string;
    try {
      leaseId = await lease.grant();
    } catch (cause) {
      lease.release();
      throw new ConveyorError(ErrorCode.unavailable, 'could not obtain a lease from etcd', { cause, retriable: true });
    }
    const guard = new LeaseGuard({ lease, ttlSeconds: ttl, grantedAt, logger: log, ...(o.fenceMarginMs === undefined ? {} : { marginMs: o.fenceMarginMs }) });
    const session = new WorkerSession(o, lease, leaseId, guard, log);
    try {
      await session.#register(o, o.takeoverTimeoutMs ?? 2 * ttl * 1000);
    } catch (err) {
      await session.close();
      throw err;
    }
    log.info('worker joined', { lease: leaseId, ttlSeconds: ttl });
    return session;
  }

  get state(): SessionState {
    return this.#state;
  }

  /** A put whose key lives and dies with this session's lease. */
  putOwned(key: string): ReturnType<Lease['put']> {
    return this.#lease.put(key);
  }

  /** Ends the session at once: the lease is revoked, which deletes the registration and every claim under it. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed', 'closed');
    this.guard.close();
    try {
      await this.#lease.revoke();
    } catch (err) {
      this.#log.warn('lease revoke failed; it will expire by itself', { err });
    }
  }

  async #register(o: WorkerSessionOptions, timeoutMs: number): Promise<void> {
    const key = this.#keys.worker(this.workerId);
    const value: WorkerRegistration = { id: this.workerId, url: o.url, joinedAt: new Date().toISOString(), ...(o.liveness === undefined ? {} : { liveness: o.liveness }) };
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.#client
        .if(key, 'Create', '==', 0)
        .then(this.#client.put(key).value(JSON.stringify(value)).lease(this.leaseId))
        .commit();
      if (res.succeeded) return;
      if (Date.now() >= until) {
        throw new ConveyorError(ErrorCode.conflict, `worker id ${this.workerId} is registered by a live session`);
      }
      this.#log.info('worker id still registered by an earlier session; waiting for it to expire');
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  #setState(next: SessionState, reason: string): void {
    if (this.#state === next || this.#state === 'closed') return;
    const from = this.#state;
    this.#state = next;
    this.#log.info('session state', { from, to: next, reason });
  }
}
