import net from 'node:net';
import type { Etcd3 } from 'etcd3';
import { createEtcdClient } from '../../../host/cluster/client.ts';
import { clusterKeys } from '../../../host/cluster/keys.ts';
import type { ClusterKeys } from '../../../host/cluster/keys.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import type { Logger } from '../../../host/core/logger.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';

export const logs: Record<string, unknown>[] = [];

export const logger: Logger = createJsonLogger({
  level: process.env.CONVEYOR_TEST_LOGS === '1' ? 'debug' : 'info',
  write: (line) => {
    logs.push(JSON.parse(line) as Record<string, unknown>);
    if (process.env.CONVEYOR_TEST_LOGS === '1') process.stderr.write(line + '\n');
  },
});

export interface ClusterFixture {
  readonly name: string;
  readonly keys: ClusterKeys;
  /** A client straight to etcd, for setup and inspection. */
  readonly admin: Etcd3;
  /** A new client; closed at cleanup. Through a proxy when one is given. */
  client(proxy?: TcpProxy): Etcd3;
  proxy(): Promise<TcpProxy>;
  cleanup(): Promise<void>;
}

/** A unique cluster prefix, deleted with everything under it at cleanup. */
export function clusterFixture(): ClusterFixture {
  const name = uniqueName('cl');
  const keys = clusterKeys(name);
  const clients: Etcd3[] = [];
  const proxies: TcpProxy[] = [];
  const make = (hosts: readonly string[]): Etcd3 => {
    const c = createEtcdClient({ hosts, callTimeoutMs: 2000 });
    clients.push(c);
    return c;
  };
  const admin = make(stack.etcdHosts);
  return {
    name,
    keys,
    admin,
    client: (proxy) => make(proxy === undefined ? stack.etcdHosts : [`http://127.0.0.1:${proxy.port}`]),
    async proxy() {
      const first = stack.etcdHosts[0] ?? 'http://127.0.0.1:2379';
      const p = await TcpProxy.start(new URL(first));
      proxies.push(p);
      return p;
    },
    async cleanup() {
      await admin.delete().prefix(keys.root).exec();
      for (const c of clients) c.close();
      for (const p of proxies) await p.close();
    },
  };
}

/** A TCP proxy to etcd that a test can cut (drop every connection and refuse new ones) and restore. */
export class TcpProxy {
  readonly #target: URL;
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #blocked = false;

  private constructor(target: URL) {
    this.#target = target;
    this.#server = net.createServer((client) => this.#accept(client));
  }

  static async start(target: URL): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    return address.port;
  }

  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void {
    this.#blocked = true;
    for (const s of this.#sockets) s.destroy();
  }

  restore(): void {
    this.#blocked = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    if (this.#blocked) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(this.#target.port), this.#target.hostname);
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
