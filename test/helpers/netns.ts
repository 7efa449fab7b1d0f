/**
 * A network namespace for one worker process (root only: ip netns, veth from iproute2). Inside it the worker sees the
 * usual 127.0.0.1 ports of Kafka, etcd and the other workers' REST APIs, served by test/helpers/ns-forwarder.ts, which
 * sends each connection over the veth pair to a test/helpers/fault-relay.ts on the host end and on to the real server:
 * the test cuts, half-cuts or slows each service for that worker alone. Its own REST API listens on the namespace's
 * veth address, reachable from the host.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import { FaultRelay } from './fault-relay.ts';

const FORWARDER = new URL('./ns-forwarder.ts', import.meta.url).pathname;

export interface Netns {
  readonly name: string;
  /** The host end's address (relays listen there) and the namespace's (the worker's REST API). */
  readonly hostIp: string;
  readonly nsIp: string;
  /** The relay of each forwarded port. */
  readonly relays: ReadonlyMap<number, FaultRelay>;
  /** A command line run inside the namespace. */
  wrap(command: string, args: readonly string[]): [string, string[]];
  close(): Promise<void>;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates the namespace and a relay per port (each a 127.0.0.1 service of the host). */
export async function createNetns(ports: readonly number[]): Promise<Netns> {
  // A subnet (and names) no other namespace of this machine uses now.
  const taken = execFileSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' });
  let n = randomInt(1, 250);
  for (let tries = 0; taken.includes(`10.77.${n}.`) && tries < 50; tries++) n = randomInt(1, 250);
  const name = `conveyor-t${process.pid}-${n}`;
  const [hostIf, nsIf] = [`cvh${n}p${process.pid % 1000}`, `cvn${n}p${process.pid % 1000}`];
  const [hostIp, nsIp] = [`10.77.${n}.1`, `10.77.${n}.2`];
  ip('netns', 'add', name);
  const relays = new Map<number, FaultRelay>();
  let forwarder: ChildProcess | undefined;
  const close = async (): Promise<void> => {
    forwarder?.kill('SIGKILL');
    for (const r of relays.values()) await r.close();
    try {
      ip('link', 'del', hostIf);
    } catch {
      // gone with the namespace
    }
    ip('netns', 'del', name);
  };
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${hostIp}/24`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${nsIp}/24`, 'dev', nsIf);
    ip('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
    for (const port of ports) relays.set(port, await FaultRelay.listen(hostIp, port, { host: '127.0.0.1', port }));
    const child = spawn('ip', ['netns', 'exec', name, process.execPath, FORWARDER, hostIp, ...ports.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
    forwarder = child;
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (l) => (l === 'ready' ? resolve() : undefined));
      child.once('exit', (code) => reject(new Error(`the namespace's forwarder exited with ${code}`)));
    });
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
  return {
    name,
    hostIp,
    nsIp,
    relays,
    wrap: (command, args) => ['ip', ['netns', 'exec', name, command, ...args]],
    close,
  };
}
