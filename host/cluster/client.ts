import { Etcd3 } from 'etcd3';

export interface EtcdClientOptions {
  readonly hosts: readonly string[];
  /** Deadline for each unary call; streams (watch, keepalive) have none. */
  readonly callTimeoutMs?: number;
  readonly dialTimeoutMs?: number;
}

/**
 * An etcd client whose unary calls carry a deadline: without one, a call over a silently broken connection waits
 * forever, and a worker must learn quickly that it can no longer write.
 */
export function createEtcdClient(options: EtcdClientOptions): Etcd3 {
  const callTimeout = options.callTimeoutMs ?? 5000;
  return new Etcd3({
    hosts: [...options.hosts],
    dialTimeout: options.dialTimeoutMs ?? 3000,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeout }),
  });
}
