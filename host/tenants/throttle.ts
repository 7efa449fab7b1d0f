/**
 * A tenant's rate quotas on one worker: records/s and bytes/s its tasks move (sources after poll, sinks before put),
 * capability calls/s and capability calls in flight. Exceeding a rate throttles (the task waits; nothing fails);
 * the waits are counted and shown at GET /conveyor/tenants/{tenant}/usage. Each worker enforces the quotas for the
 * tasks it runs (in a cluster, a tenant's tasks on N workers may together use N times its rates).
 */
import type { TenantQuotas } from './directory.ts';

/** Tokens refill at `rate` per second up to one second's worth; a reservation may overdraw and says how long to wait. */
export class TokenBucket {
  readonly rate: number;
  #tokens: number;
  #at: number;
  readonly #now: () => number;

  constructor(rate: number, now: () => number = () => performance.now()) {
    this.rate = rate;
    this.#tokens = rate;
    this.#now = now;
    this.#at = now();
  }

  /** Takes n tokens; the milliseconds to wait before using them (0 when they were there). */
  reserve(n: number): number {
    const t = this.#now();
    this.#tokens = Math.min(this.rate, this.#tokens + ((t - this.#at) / 1000) * this.rate);
    this.#at = t;
    this.#tokens -= n;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.rate) * 1000;
  }
}

export interface TenantUsage {
  tenant: string;
  records: number;
  bytes: number;
  capabilityCalls: number;
  /** Time tasks waited for the records/bytes quotas, and capability calls for theirs. */
  throttledMs: number;
  capabilityThrottledMs: number;
  quotas: Pick<TenantQuotas, 'recordsPerSecond' | 'bytesPerSecond' | 'capabilityCallsPerSecond' | 'maxConcurrentCapabilityCalls'>;
}

export class TenantThrottle {
  readonly tenant: string;
  readonly #records: TokenBucket | null;
  readonly #bytes: TokenBucket | null;
  readonly #calls: TokenBucket | null;
  readonly #maxConcurrent: number | null;
  readonly #quotas: TenantUsage['quotas'];
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #usage = { records: 0, bytes: 0, capabilityCalls: 0, throttledMs: 0, capabilityThrottledMs: 0 };

  constructor(tenant: string, quotas: TenantQuotas, now?: () => number) {
    this.tenant = tenant;
    const bucket = (rate: number | undefined): TokenBucket | null => (rate === undefined || rate <= 0 ? null : new TokenBucket(rate, now));
    this.#records = bucket(quotas.recordsPerSecond);
    this.#bytes = bucket(quotas.bytesPerSecond);
    this.#calls = bucket(quotas.capabilityCallsPerSecond);
    this.#maxConcurrent = quotas.maxConcurrentCapabilityCalls ?? null;
    this.#quotas = {
      ...(quotas.recordsPerSecond === undefined ? {} : { recordsPerSecond: quotas.recordsPerSecond }),
      ...(quotas.bytesPerSecond === undefined ? {} : { bytesPerSecond: quotas.bytesPerSecond }),
      ...(quotas.capabilityCallsPerSecond === undefined ? {} : { capabilityCallsPerSecond: quotas.capabilityCallsPerSecond }),
      ...(quotas.maxConcurrentCapabilityCalls === undefined ? {} : { maxConcurrentCapabilityCalls: quotas.maxConcurrentCapabilityCalls }),
    };
  }

  /** Whether the byte count of a batch matters (computing it costs a pass over the batch). */
  get countsBytes(): boolean {
    return this.#bytes !== null;
  }

  /** Accounts a batch; the milliseconds the task must wait before handing it on. */
  admit(records: number, bytes: number): number {
    this.#usage.records += records;
    this.#usage.bytes += bytes;
    const wait = Math.max(this.#records?.reserve(records) ?? 0, this.#bytes?.reserve(bytes) ?? 0);
    this.#usage.throttledMs += wait;
    return wait;
  }

  /** Waits for a capability call's turn (rate and concurrency); the returned function ends the call. */
  async call(): Promise<() => void> {
    this.#usage.capabilityCalls++;
    const wait = this.#calls?.reserve(1) ?? 0;
    const started = performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (this.#maxConcurrent !== null && this.#inFlight >= this.#maxConcurrent) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#usage.capabilityThrottledMs += performance.now() - started;
    this.#inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight--;
      this.#waiting.shift()?.();
    };
  }

  usage(): TenantUsage {
    return { tenant: this.tenant, ...this.#usage, throttledMs: Math.round(this.#usage.throttledMs), capabilityThrottledMs: Math.round(this.#usage.capabilityThrottledMs), quotas: this.#quotas };
  }
}

/** Approximate bytes of a batch's keys and values (strings by length, anything else by its JSON). */
export function approximateBytes(records: readonly { key?: unknown; value?: unknown }[]): number {
  let n = 0;
  for (const r of records) {
    for (const v of [r.key, r.value]) {
      if (v === null || v === undefined) continue;
      n += typeof v === 'string' ? v.length : (JSON.stringify(v) ?? '').length;
    }
  }
  return n;
}
