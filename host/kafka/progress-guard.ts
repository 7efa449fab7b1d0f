/**
 * Decides when a sink consumer has stalled: it has not completed a fetch, or has had offsets waiting to be committed
 * without one being acknowledged, for longer than the bound. A healthy consumer can legitimately go without
 * either for at most a rebalance (the rebalance timeout) after its session lapsed (the session timeout), so the
 * default bound is their sum. Pure bookkeeping over a clock; the consumer acts on what it reports.
 */
export type StallKind = 'fetch' | 'commit';

export interface Stall {
  readonly kind: StallKind;
  /** How long the consumer has gone without that kind of progress. */
  readonly forMs: number;
  readonly boundMs: number;
  /** The last error seen meanwhile, if any, to name the likely cause. */
  readonly lastError: string | undefined;
}

export function stallBoundMs(sessionTimeoutMs: number, rebalanceTimeoutMs: number): number {
  return sessionTimeoutMs + rebalanceTimeoutMs;
}

export class ProgressGuard {
  readonly boundMs: number;
  #lastFetchAt: number;
  /** Since when offsets have been waiting for an acknowledged commit; undefined while nothing waits. */
  #pendingSince: number | undefined;
  #lastError: string | undefined;

  constructor(boundMs: number, now: number) {
    this.boundMs = boundMs;
    this.#lastFetchAt = now;
  }

  /** A fetch completed (with or without records). */
  fetched(now: number): void {
    this.#lastFetchAt = now;
  }

  /** Offsets are waiting to be committed; keeps the earliest time they started waiting. */
  pending(now: number): void {
    this.#pendingSince ??= now;
  }

  /** Everything that was waiting is acknowledged by the broker. */
  settled(): void {
    this.#pendingSince = undefined;
    this.#lastError = undefined;
  }

  failed(error: string): void {
    this.#lastError = error;
  }

  /** Starts the clocks again, after the consumer was recreated. */
  reset(now: number): void {
    this.#lastFetchAt = now;
    if (this.#pendingSince !== undefined) this.#pendingSince = now;
  }

  check(now: number): Stall | undefined {
    const sinceFetch = now - this.#lastFetchAt;
    if (sinceFetch > this.boundMs) return { kind: 'fetch', forMs: sinceFetch, boundMs: this.boundMs, lastError: this.#lastError };
    const sincePending = this.#pendingSince === undefined ? 0 : now - this.#pendingSince;
    if (sincePending > this.boundMs) return { kind: 'commit', forMs: sincePending, boundMs: this.boundMs, lastError: this.#lastError };
    return undefined;
  }
}

export function describeStall(groupId: string, s: Stall): string {
  const what = s.kind === 'fetch' ? 'completed no fetch' : 'had no offset commit acknowledged';
  const cause = s.lastError === undefined ? '' : `; last error: ${s.lastError}`;
  return `the consumer of group ${groupId} ${what} for ${s.forMs} ms (bound ${s.boundMs} ms = session timeout + rebalance timeout)${cause}`;
}
