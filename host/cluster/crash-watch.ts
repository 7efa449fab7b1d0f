/**
 * Crash failover faster than the lease. Every worker listens on a liveness port for as long as its process runs
 * (closed only after its session is closed and its units stopped), advertised in its registration; every worker
 * holds a connection to each peer's port. A peer whose process dies has its sockets closed by its kernel at once: the
 * watcher sees the close, connects again, and when the port refuses the connection the process is gone, so the
 * watcher revokes the dead peer's lease — its registration and claims vanish and its units move now, not when the
 * lease would have expired. A stalled process (SIGSTOP, a long GC) still accepts connections and a partitioned one
 * times out: neither is taken for dead, and the lease bounds them as before. The port greets each connection with its
 * worker id, and only a peer that once greeted as itself can be taken for dead: a wrong address (another machine's
 * loopback) or a firewall proves nothing. A worker that is alive never has its
 * lease revoked this way, so no unit runs on two workers; the lease guard and the claims stay the walls behind it.
 */
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../core/logger.ts';
import { decodeWorker } from './codec.ts';
import type { ClusterKeys } from './keys.ts';
import type { WorkerId } from './types.ts';

/** How often the registrations are read to learn who to watch. */
const POLL_MS = 500;
/** How long the connect that tells a dead port from a slow one may take. */
const PROBE_TIMEOUT_MS = 1000;

/** The port a worker holds open while its process lives. */
export class LivenessBeacon {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async open(host: string, workerId: WorkerId): Promise<LivenessBeacon> {
    const beacon = new LivenessBeacon(
      createServer((socket) => {
        socket.on('error', () => undefined);
        socket.unref();
        socket.write(`${workerId}\n`);
        // Peers only watch the connection; anything they send is read and dropped.
        socket.resume();
        beacon.#sockets.add(socket);
        socket.on('close', () => beacon.#sockets.delete(socket));
      }),
    );
    await new Promise<void>((resolve, reject) => {
      beacon.#server.once('error', reject);
      beacon.#server.listen({ host, port: 0 }, () => resolve());
    });
    beacon.#server.unref();
    return beacon;
  }

  /** host:port, as peers connect to it. */
  get address(): string {
    const a = this.#server.address();
    if (a === null || typeof a === 'string') throw new Error('liveness beacon is not listening');
    return `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

interface Peer {
  readonly id: WorkerId;
  readonly liveness: string;
  readonly lease: string;
  socket: Socket | undefined;
  /** Once the port greeted as this peer: a port that never did (a firewall, a wrong address) proves nothing. */
  reached: boolean;
}

type ProbeResult = 'open' | 'refused' | 'unknown';

function hostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+)\]?:(\d+)$/.exec(address);
  if (m === null) throw new Error(`bad liveness address ${address}`);
  return { host: m[1] as string, port: Number(m[2]) };
}

/** Connects once: open, refused (nothing listens: the process is gone), or unknown (timeout, unreachable). */
function probe(address: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect(hostPort(address));
    socket.unref();
    const done = (r: ProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done('unknown'), PROBE_TIMEOUT_MS).unref();
    socket.once('connect', () => done('open'));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'unknown'));
  });
}

/** Watches every other worker's liveness port and revokes the lease of one whose process died. */
export class CrashWatch {
  readonly #client: Etcd3;
  readonly #keys: ClusterKeys;
  readonly #self: WorkerId;
  readonly #log: Logger;
  readonly #peers = new Map<WorkerId, Peer>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(o: { client: Etcd3; keys: ClusterKeys; self: WorkerId; logger: Logger }) {
    this.#client = o.client;
    this.#keys = o.keys;
    this.#self = o.self;
    this.#log = o.logger.child({ component: 'crash-watch' });
  }

  start(): void {
    const tick = (): void => {
      if (this.#closed) return;
      this.#refresh()
        .catch((err: unknown) => this.#log.debug('could not read worker registrations', { err }))
        .finally(() => {
          // Watching never keeps a process alive: a member that was never closed (a test's, a crashed one's) lets it exit.
          if (!this.#closed) this.#timer = setTimeout(tick, POLL_MS).unref();
        });
    };
    tick();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const p of this.#peers.values()) p.socket?.destroy();
    this.#peers.clear();
  }

  async #refresh(): Promise<void> {
    const res = await this.#client.getAll().prefix(this.#keys.workers).exec();
    const seen = new Set<WorkerId>();
    for (const kv of res.kvs) {
      let reg;
      try {
        reg = decodeWorker(kv.value.toString('utf8'));
      } catch {
        continue;
      }
      if (reg.id === this.#self || reg.liveness === undefined) continue;
      seen.add(reg.id);
      const lease = String(kv.lease);
      const known = this.#peers.get(reg.id);
      if (known !== undefined && known.lease === lease && known.liveness === reg.liveness) continue;
      known?.socket?.destroy();
      const peer: Peer = { id: reg.id, liveness: reg.liveness, lease, socket: undefined, reached: false };
      this.#peers.set(reg.id, peer);
      this.#watch(peer);
    }
    for (const [id, p] of this.#peers) {
      if (seen.has(id)) continue;
      p.socket?.destroy();
      this.#peers.delete(id);
    }
  }

  #watch(peer: Peer): void {
    if (this.#closed || this.#peers.get(peer.id) !== peer) return;
    const socket = connect(hostPort(peer.liveness));
    peer.socket = socket;
    socket.unref();
    socket.setNoDelay(true);
    let greeting = '';
    const onData = (chunk: Buffer): void => {
      greeting += chunk.toString('utf8');
      const end = greeting.indexOf('\n');
      if (end < 0 && greeting.length < 1024) return;
      socket.off('data', onData);
      if (greeting.slice(0, Math.max(0, end)) === peer.id) peer.reached = true;
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (peer.socket === socket) void this.#lost(peer);
    });
  }

  /** The connection to a peer closed: find out whether its process is gone. */
  async #lost(peer: Peer): Promise<void> {
    if (this.#closed || this.#peers.get(peer.id) !== peer) return;
    const result = await probe(peer.liveness);
    if (this.#closed || this.#peers.get(peer.id) !== peer) return;
    if (result === 'open') {
      this.#watch(peer);
      return;
    }
    if (result === 'unknown' || !peer.reached) {
      // Unreachable or slow: the lease decides. Try again shortly in case it was a blip.
      setTimeout(() => this.#watch(peer), POLL_MS).unref();
      return;
    }
    this.#peers.delete(peer.id);
    try {
      await this.#client.leaseClient.leaseRevoke({ ID: peer.lease });
      this.#log.warn('a worker process died (its liveness port refuses connections); revoked its lease so its units move now', { peer: peer.id, lease: peer.lease });
    } catch (err) {
      // Already revoked (by itself or another watcher) or expired.
      this.#log.debug('lease of a dead worker was already gone', { peer: peer.id, err });
    }
  }
}
