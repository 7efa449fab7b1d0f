/**
 * Crash failover faster than the lease (host/cluster/crash-watch.ts), on real worker processes with a 30 s lease: a
 * worker stalled with SIGSTOP keeps its lease and its tasks (its liveness port still accepts connections), while a
 * worker killed with kill -9 has its lease revoked by a peer as soon as its port refuses, so its tasks run on the
 * survivor long before the 30 s lease could have expired.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sleep, WorkerCluster } from '../../helpers/worker-procs.ts';
import { uniqueName } from '../../helpers/stack.ts';

const LEASE_SECONDS = 30;
const TASKS = 4;
const cluster = new WorkerCluster({ leaseTtlSeconds: LEASE_SECONDS });
const DIED = 'a worker process died (its liveness port refuses connections); revoked its lease so its units move now';

after(async () => {
  await cluster.close();
});

void test('a stalled worker keeps its lease; a crashed one loses it at once and its tasks move long before the lease would expire', { timeout: 300_000 }, async () => {
  const a = await cluster.start('a');
  await cluster.start('b');
  const name = uniqueName('crash-gen');
  const created = await cluster.request('POST', '/connectors', {
    name,
    config: { 'connector.class': 'DatagenSource', 'tasks.max': String(TASKS), topic: uniqueName('crash'), rate: '20', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const onB = (): Promise<unknown> => cluster.allRunning([name], 90_000, (m) => (m.get(name)?.tasks ?? []).some((t) => t.worker_id === 'b'));
  await onB();

  // Stalled for 3 s: its sockets stay open and its port still accepts, so nobody takes it for dead.
  cluster.pause('b');
  await sleep(3000);
  cluster.resume('b');
  assert.equal(a.logs.filter((l) => l.line['msg'] === DIED).length, 0, 'a stalled worker is not taken for dead');
  const afterStall = await cluster.status(name, 'a');
  assert.ok(afterStall.tasks.some((t) => t.worker_id === 'b'), 'the stalled worker kept its tasks');

  // kill -9: its kernel closes its sockets, its port refuses, a peer revokes its lease.
  const killedAt = await cluster.kill('b');
  await cluster.allRunning([name], 60_000, (m) => (m.get(name)?.tasks ?? []).every((t) => t.worker_id === 'a'));
  const movedMs = Date.now() - killedAt;
  const died = a.logs.find((l) => l.line['msg'] === DIED);
  assert.equal(died?.line['peer'], 'b', 'the survivor saw the crash and revoked the lease');
  assert.ok(movedMs < LEASE_SECONDS * 1000, `every task ran on the survivor ${movedMs} ms after the kill, before the ${LEASE_SECONDS} s lease could expire`);
  process.stdout.write(`# tasks of the killed worker RUNNING on the survivor after ${movedMs} ms (lease ${LEASE_SECONDS} s)\n`);
});
