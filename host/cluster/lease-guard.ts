import type { Logger } from '../core/logger.ts';

/** The lease events the guard listens to (etcd3's Lease emits exactly these). */
export interface LeaseEventSource {
  on(event: 'keepaliveFired' | 'keepaliveEstablished', handler: () => void): unknown;
  on(event: 'keepaliveSucceeded', handler: (res: { TTL: string }) => void): unknown;
  on(event: 'keepaliveFailed' | 'lost', handler: (err: Error) => void): unknown;
}

export type LeaseGuardState = 'live' | 'fenced' | 'closed';

export interface LeaseGuardOptions {
  readonly lease: LeaseEventSource;
  readonly ttlSeconds: number;
  /** When the grant request was sent: the first deadline counts from there. */
  readonly grantedAt: number;
  /** Fence this long before the computed deadline; default a quarter of the TTL. */
  readonly marginMs?: number;
  readonly logger: Logger;
  readonly clock?: () => number;
}

/**
 * Tracks how long this worker can be sure its lease still lives, and fences (tells the worker to stop its tasks)
 * before that time passes. etcd renews a lease when a keepalive arrives, so the deadline counts from when the
 * acknowledged keepalive was sent, never from when its answer came back. The client itself hears of a lost lease
 * late (only when it reconnects, or after twice the TTL), which is why the deadline, not the 'lost' event, decides.
 */
export class LeaseGuard {
  readonly #ttlMs: number;
  readonly #marginMs: number;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #listeners: ((reason: string) => void)[] = [];
  #state: LeaseGuardState = 'live';
  #fencedBecause = '';
  #deadline: number;
  #inFlight: number[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: LeaseGuardOptions) {
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#marginMs = options.marginMs ?? this.#ttlMs / 4;
    if (this.#marginMs <= 0 || this.#marginMs >= this.#ttlMs) {
      throw new RangeError(`fence margin ${this.#marginMs} ms must be between 0 and the lease TTL ${this.#ttlMs} ms`);
    }
    this.#log = options.logger.child({ component: 'lease-guard' });
    this.#clock = options.clock ?? Date.now;
    this.#deadline = options.grantedAt + this.#ttlMs;
    const lease = options.lease;
    lease.on('keepaliveFired', () => this.#inFlight.push(this.#clock()));
    lease.on('keepaliveEstablished', () => (this.#inFlight = []));
    lease.on('keepaliveFailed', () => (this.#inFlight = []));
    lease.on('keepaliveSucceeded', (res) => this.#acknowledged(Number(res.TTL)));
    lease.on('lost', (err) => this.#fence('lease lost', err));
    this.#schedule();
  }

  get state(): LeaseGuardState {
    return this.#state;
  }

  /** The latest time the lease is known to live; tasks must be stopped before it. */
  get deadline(): number {
    return this.#deadline;
  }

  /** Whether writes and running tasks are still safe now (before deadline minus margin, and not fenced). */
  safe(): boolean {
    return this.#state === 'live' && this.#clock() < this.#deadline - this.#marginMs;
  }

  /**
   * The handler runs once, when the guard fences — or, registered after that (the deadline passed while the worker was
   * still joining), in a microtask: a fence is never missed, or the worker would hold a session it cannot use.
   */
  onFence(handler: (reason: string) => void): void {
    if (this.#state === 'fenced') {
      const reason = this.#fencedBecause;
      queueMicrotask(() => handler(reason));
      return;
    }
    this.#listeners.push(handler);
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#setState('closed', 'closed');
  }

  #acknowledged(ttlSeconds: number): void {
    const sentAt = this.#inFlight.shift();
    if (sentAt === undefined || this.#state !== 'live') return;
    if (!(ttlSeconds > 0)) {
      this.#fence('keepalive answered with an expired lease');
      return;
    }
    this.#deadline = Math.max(this.#deadline, sentAt + ttlSeconds * 1000);
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#state !== 'live') return;
    const wait = this.#deadline - this.#marginMs - this.#clock();
    if (wait <= 0) {
      this.#fence('lease deadline reached without an acknowledged keepalive');
      return;
    }
    this.#timer = setTimeout(() => this.#schedule(), wait);
  }

  #fence(reason: string, err?: Error): void {
    if (this.#state !== 'live') return;
    clearTimeout(this.#timer);
    this.#fencedBecause = reason;
    this.#setState('fenced', reason, { deadline: new Date(this.#deadline).toISOString(), ...(err === undefined ? {} : { err }) });
    for (const l of this.#listeners) {
      try {
        l(reason);
      } catch (e) {
        this.#log.error('fence handler failed', { err: e });
      }
    }
  }

  #setState(next: LeaseGuardState, reason: string, fields: Record<string, unknown> = {}): void {
    if (this.#state === next) return;
    const from = this.#state;
    this.#state = next;
    const log = next === 'fenced' ? this.#log.warn.bind(this.#log) : this.#log.debug.bind(this.#log);
    log('lease guard state', { from, to: next, reason, ...fields });
  }
}
