/**
 * A TCP relay that can be made to misbehave, for network-fault tests. Each accepted connection is forwarded to a
 * target; the relay can cut either direction, leave new connections unconnected, and delay chunks (latency), a share
 * of them further as a lost segment's retransmission would be. A cut holds bytes back rather than dropping them: TCP
 * never loses bytes mid-stream, it retransmits them once the partition heals (or resets the connection after many
 * minutes), so held bytes flow, in order, when the cut is healed, and a connection held unconnected connects then,
 * as a retransmitted SYN would. This kernel has no netem qdisc and no iptables, so faults are made here, on the path
 * out of a network namespace (test/helpers/netns.ts).
 */
import net from 'node:net';

export interface RelayFaults {
  /** Hold what the client sends (requests do not arrive). */
  cutUp: boolean;
  /** Hold what the server answers (requests arrive, answers do not come back). */
  cutDown: boolean;
  /** New connections are accepted and left unconnected to the target until this is healed. */
  holdNew: boolean;
  /** Each direction's chunks are held this long. */
  latencyMs: number;
  /** Probability that a chunk is held a further retransmissionMs, as a lost segment is. */
  loss: number;
  retransmissionMs: number;
}

const HEALTHY: RelayFaults = { cutUp: false, cutDown: false, holdNew: false, latencyMs: 0, loss: 0, retransmissionMs: 300 };

export class FaultRelay {
  readonly #server: net.Server;
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  #faults: RelayFaults = { ...HEALTHY };
  /** Per piped direction and held connection: what to do when the faults change. */
  readonly #kicks = new Set<() => void>();
  /** Chunks held by a cut at some point, per direction, for the test to report. */
  held = { up: 0, down: 0 };

  private constructor(server: net.Server, target: { host: string; port: number }) {
    this.#server = server;
    this.#target = target;
  }

  static async listen(host: string, port: number, target: { host: string; port: number }): Promise<FaultRelay> {
    const server = net.createServer();
    const relay = new FaultRelay(server, target);
    server.on('connection', (client) => relay.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return relay;
  }

  /** Sets faults (unnamed ones are healed); bytes and connections a lifted cut held go on now. */
  set(faults: Partial<RelayFaults>): void {
    this.#faults = { ...HEALTHY, ...faults };
    for (const kick of [...this.#kicks]) kick();
  }

  heal(): void {
    this.set({});
  }

  #accept(client: net.Socket): void {
    this.#sockets.add(client);
    client.on('close', () => this.#sockets.delete(client));
    client.on('error', () => client.destroy());
    if (!this.#faults.holdNew) {
      this.#connect(client);
      return;
    }
    // A SYN into a partition: nothing is read until the cut heals, then the connection goes through.
    client.pause();
    const kick = (): void => {
      if (this.#faults.holdNew) return;
      this.#kicks.delete(kick);
      if (!client.destroyed) this.#connect(client);
    };
    this.#kicks.add(kick);
    client.on('close', () => this.#kicks.delete(kick));
  }

  #connect(client: net.Socket): void {
    const server = net.connect(this.#target.port, this.#target.host);
    this.#sockets.add(server);
    server.on('close', () => {
      this.#sockets.delete(server);
      client.destroy();
    });
    server.on('error', () => server.destroy());
    client.on('close', () => server.destroy());
    this.#pipe(client, server, 'up');
    this.#pipe(server, client, 'down');
    client.resume();
  }

  /** Forwards chunks in order: a held or delayed chunk holds back the ones after it (a byte stream stays in order). */
  #pipe(from: net.Socket, to: net.Socket, dir: 'up' | 'down'): void {
    const queue: { at: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const cut = (): boolean => (dir === 'up' ? this.#faults.cutUp : this.#faults.cutDown);
    const drain = (): void => {
      clearTimeout(timer);
      timer = undefined;
      if (cut()) return;
      const now = Date.now();
      while (queue.length > 0 && (queue[0]?.at ?? 0) <= now) {
        const next = queue.shift();
        if (next !== undefined && !to.destroyed) to.write(next.chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, (queue[0]?.at ?? now) - now);
    };
    this.#kicks.add(drain);
    from.on('close', () => {
      clearTimeout(timer);
      this.#kicks.delete(drain);
    });
    from.on('data', (chunk: Buffer) => {
      const f = this.#faults;
      if (cut()) this.held[dir]++;
      const delay = f.latencyMs + (f.loss > 0 && Math.random() < f.loss ? f.retransmissionMs : 0);
      if (delay === 0 && queue.length === 0 && !cut()) {
        to.write(chunk);
        return;
      }
      queue.push({ at: Math.max(Date.now() + delay, queue.at(-1)?.at ?? 0), chunk });
      if (timer === undefined && !cut()) timer = setTimeout(drain, delay);
    });
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
