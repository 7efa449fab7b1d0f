import { Etcd3 } from 'etcd3';
import type { IOptions } from 'etcd3';

type WatchBackoff = NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']>;

export interface EtcdClientOptions {
  readonly hosts: readonly string[];
  /** Deadline for each unary call; streams (watch, keepalive) have none. */
  readonly callTimeoutMs?: number;
  readonly dialTimeoutMs?: number;
  /** Longest wait between watch stream reconnects; default 2 s (the client's own default grows to 30 s). */
  readonly watchBackoffMaxMs?: number;
}

/**
 * An etcd client whose unary calls carry a deadline (without one, a call over a silently broken connection waits
 * forever, and a worker must learn quickly that it can no longer write) and whose watch streams reconnect within
 * seconds, so assignments and leader changes are not seen half a minute late.
 */
export function createEtcdClient(options: EtcdClientOptions): Etcd3 {
  const callTimeout = options.callTimeoutMs ?? 5000;
  return new Etcd3({
    hosts: [...options.hosts],
    dialTimeout: options.dialTimeoutMs ?? 3000,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeout }),
    faultHandling: { watchBackoff: cappedBackoff(100, options.watchBackoffMaxMs ?? 2000) },
  });
}

/** Doubling delays with ±20% jitter, capped. */
function cappedBackoff(duration: number, maxMs: number): WatchBackoff {
  const jittered = Math.min(maxMs, duration) * (0.8 + Math.random() * 0.4);
  return { duration: jittered, next: () => cappedBackoff(Math.min(maxMs, duration * 2), maxMs) };
}
