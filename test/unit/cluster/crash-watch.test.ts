import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { CrashWatch, LivenessBeacon } from '../../../host/cluster/crash-watch.ts';
import { clusterKeys } from '../../../host/cluster/keys.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';

const keys = clusterKeys('crash-watch-unit');
const logger = createJsonLogger({ level: 'error', write: () => undefined });

/** Just the two etcd calls the watch makes: reading the registrations, revoking a lease. */
function fakeEtcd(registrations: { id: string; liveness: string; lease: string }[], revoked: string[]): Etcd3 {
  const kvs = registrations.map((r) => ({ key: Buffer.from(keys.worker(r.id)), value: Buffer.from(JSON.stringify({ id: r.id, url: 'http://x', joinedAt: 'now', liveness: r.liveness })), lease: r.lease }));
  return {
    getAll: () => ({ prefix: () => ({ exec: () => Promise.resolve({ kvs }) }) }),
    leaseClient: {
      leaseRevoke: (req: { ID: string }) => {
        revoked.push(req.ID);
        return Promise.resolve({});
      },
    },
  } as unknown as Etcd3;
}

async function until(what: string, probe: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function listening(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as { port: number }).port}`)));
}

void test("a peer whose process is gone (its port closed, then refusing) loses its lease; the watcher's own id is never watched", async () => {
  const beacon = await LivenessBeacon.open('127.0.0.1', 'peer');
  const revoked: string[] = [];
  const watch = new CrashWatch({ client: fakeEtcd([{ id: 'peer', liveness: beacon.address, lease: '42' }, { id: 'me', liveness: '127.0.0.1:1', lease: '7' }], revoked), keys, self: 'me', logger });
  watch.start();
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(revoked, [], 'a live peer keeps its lease');
    await beacon.close();
    await until('the dead peer lease revoked', () => revoked.length > 0);
    assert.deepEqual(revoked, ['42']);
  } finally {
    watch.close();
  }
});

void test('a port that never greeted as the peer (a wrong address, another process) is never taken for the peer dying', async () => {
  const sockets = new Set<Socket>();
  const impostor = createServer((s) => {
    s.on('error', () => undefined);
    sockets.add(s);
    s.write('someone-else\n');
  });
  const address = await listening(impostor);
  const revoked: string[] = [];
  const watch = new CrashWatch({ client: fakeEtcd([{ id: 'peer', liveness: address, lease: '42' }], revoked), keys, self: 'me', logger });
  watch.start();
  try {
    await new Promise((r) => setTimeout(r, 300));
    // Gone as a dying process goes: its connections closed, its port refusing.
    const closed = new Promise<void>((resolve) => impostor.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(revoked, [], 'nothing revoked');
  } finally {
    watch.close();
  }
});
