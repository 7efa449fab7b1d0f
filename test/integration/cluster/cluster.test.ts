import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ClusterMember } from '../../../host/cluster/member.ts';
import { PrefixWatch } from '../../../host/cluster/prefix-watch.ts';
import type { WatchEvent } from '../../../host/cluster/prefix-watch.ts';
import { ClusterStore } from '../../../host/cluster/store.ts';
import type { StopReason, TaskHost, UnitContext, WorkUnit } from '../../../host/cluster/types.ts';
import { unitId } from '../../../host/cluster/types.ts';
import { eventually } from '../../helpers/stack.ts';
import { clusterFixture, logger } from './helpers.ts';
import type { ClusterFixture, TcpProxy } from './helpers.ts';

let fx: ClusterFixture;
let claimWatch: PrefixWatch;
const claimEvents: WatchEvent[] = [];
/** Which worker runs each unit right now, across all in-process members. */
const owners = new Map<string, string>();
const violations: string[] = [];
const history: { worker: string; op: 'start' | 'stop'; unit: string; reason?: StopReason }[] = [];
/** For each unit stopped by a fence: whether the stop came before the deadline its lease was last known to live until. */
const fencedBeforeDeadline: { unit: string; stoppedAt: number; deadline: number }[] = [];
const members = new Map<string, { member: ClusterMember; proxy: TcpProxy }>();

const UNITS = 2 + 4 + 2; // connectors a and b, a with 4 tasks, b with 2

function recordingHost(worker: string): TaskHost {
  return {
    start(unit: WorkUnit, ctx: UnitContext): Promise<void> {
      const id = unitId(unit);
      const current = owners.get(id);
      if (current !== undefined) violations.push(`${id} started on ${worker} while running on ${current}`);
      assert.equal(ctx.guard.claimKey, fx.keys.claim(unit));
      owners.set(id, worker);
      history.push({ worker, op: 'start', unit: id });
      return Promise.resolve();
    },
    stop(unit: WorkUnit, reason: StopReason): Promise<void> {
      const id = unitId(unit);
      const stoppedAt = Date.now();
      if (owners.get(id) === worker) owners.delete(id);
      history.push({ worker, op: 'stop', unit: id, reason });
      const deadline = members.get(worker)?.member.leaseDeadline();
      if (reason === 'fenced' && deadline !== undefined) fencedBeforeDeadline.push({ unit: id, stoppedAt, deadline });
      return Promise.resolve();
    },
  };
}

async function join(worker: string, leaseTtlSeconds = 2): Promise<ClusterMember> {
  const proxy = await fx.proxy();
  const member = await ClusterMember.create({
    client: fx.client(proxy),
    keys: fx.keys,
    workerId: worker,
    url: `http://${worker}.test:8083`,
    host: recordingHost(worker),
    logger,
    leaseTtlSeconds,
    electionTtlSeconds: 2,
    rejoinDelayMs: 300,
  });
  members.set(worker, { member, proxy });
  return member;
}

function runningOn(worker: string): string[] {
  return [...owners.entries()].filter(([, w]) => w === worker).map(([u]) => u);
}

/** Waits until every unit runs exactly where the workers' assignments put it, on the given live workers. */
async function settled(live: string[], what: string): Promise<void> {
  await eventually(
    async () => {
      if (owners.size !== UNITS) return undefined;
      for (const w of live) {
        const a = members.get(w)?.member.assignment();
        const expected = a === undefined ? [] : [...a.connectors.map((c) => `connector/${c}`), ...a.tasks.map((t) => `task/${t.connector}/${t.task}`)];
        if (JSON.stringify(expected.sort()) !== JSON.stringify(runningOn(w).sort())) return undefined;
      }
      return Promise.resolve(live.every((w) => runningOn(w).length > 0) ? true : undefined);
    },
    what,
    200,
  );
}

function taskCounts(live: string[]): number[] {
  return live.map((w) => runningOn(w).filter((u) => u.startsWith('task/')).length);
}

before(async () => {
  fx = clusterFixture();
  const store = new ClusterStore({ client: fx.admin, keys: fx.keys, logger });
  await store.putConnectorConfig('a', { 'connector.class': 'Datagen', 'tasks.max': '4' });
  await store.putTaskConfigs('a', [{}, {}, {}, {}]);
  await store.putConnectorConfig('b', { 'connector.class': 'Datagen', 'tasks.max': '2' });
  await store.putTaskConfigs('b', [{}, {}]);
  claimWatch = await PrefixWatch.create({
    client: fx.admin,
    range: { prefix: fx.keys.claims },
    logger,
    sink: { reset: () => undefined, apply: (events) => void claimEvents.push(...events) },
  });
});

after(async () => {
  for (const { member } of members.values()) await member.leave();
  await claimWatch.close();
  await fx.cleanup();
});

test('three members share the work evenly, under one leader', async () => {
  for (const w of ['m1', 'm2', 'm3']) await join(w);
  await settled(['m1', 'm2', 'm3'], 'initial assignment running');
  assert.deepEqual(taskCounts(['m1', 'm2', 'm3']), [2, 2, 2]);
  const leaders = [...members.values()].filter((m) => m.member.isLeader());
  assert.equal(leaders.length, 1);
  assert.equal(await members.get('m2')?.member.leader(), leaders[0]?.member.workerId);
});

test('a joining worker takes over only what balance needs, each unit after its previous owner released it', async () => {
  const before = history.length;
  await join('m4', 30);
  await settled(['m1', 'm2', 'm3', 'm4'], 'assignment with m4 running');
  const moved = history.slice(before).filter((h) => h.op === 'stop');
  assert.ok(moved.every((h) => h.reason === 'reassigned'));
  assert.equal(moved.length, runningOn('m4').length, 'only the units now on m4 were stopped elsewhere');
  assert.deepEqual(taskCounts(['m1', 'm2', 'm3', 'm4']).sort(), [1, 1, 2, 2]);
});

test('graceful leave hands units over at once, long before its 30 s lease would expire', async () => {
  const leaving = members.get('m4');
  assert.ok(leaving);
  const had = runningOn('m4');
  assert.ok(had.length > 0);
  await leaving.member.leave();
  members.delete('m4');
  await settled(['m1', 'm2', 'm3'], 'units of m4 running elsewhere');
  assert.deepEqual(runningOn('m4'), []);
  assert.equal((await fx.admin.get(fx.keys.worker('m4')).exec()).kvs.length, 0, 'the registration is gone at once');
});

test('a member cut off from etcd fences itself before its lease expires; its units move only after that', async () => {
  const victim = [...members.values()].find((m) => !m.member.isLeader());
  assert.ok(victim);
  const id = victim.member.workerId;
  const had = runningOn(id);
  victim.proxy.cut();
  await eventually(async () => Promise.resolve(victim.member.state === 'fenced' && runningOn(id).length === 0 ? true : undefined), 'victim fenced', 100);
  // The member's lease deadline is the send time of the last acknowledged keepalive plus the TTL etcd granted: etcd keeps the
  // lease at least that long, so a stop before it is a stop while the lease still lived. (Asking etcd afterwards, as
  // this test once did, measures the query's latency on a loaded machine, not the fence.)
  const fencedHere = fencedBeforeDeadline.filter((f) => had.includes(f.unit));
  assert.equal(fencedHere.length, had.length, 'every unit of the victim was stopped by the fence');
  for (const f of fencedHere) assert.ok(f.stoppedAt < f.deadline, `${f.unit} stopped ${f.stoppedAt - f.deadline} ms after its lease deadline`);
  const live = [...members.keys()].filter((w) => w !== id);
  await settled(live, 'victim units reassigned');
  for (const u of had) assert.notEqual(owners.get(u), id);
  members.get(id)?.proxy.restore();
});

test('when the leader is cut off, another member becomes leader and reassigns its units', async () => {
  const leader = await eventually(async () => Promise.resolve([...members.values()].find((m) => m.member.isLeader() && m.member.state === 'active')), 'a leader');
  const id = leader.member.workerId;
  leader.proxy.cut();
  const next = await eventually(
    async () => Promise.resolve([...members.values()].find((m) => m.member.workerId !== id && m.member.isLeader())),
    'new leader',
    100,
  );
  assert.notEqual(next.member.workerId, id);
  const live = [...members.values()].filter((m) => m.member.workerId !== id && m.member.state === 'active').map((m) => m.member.workerId);
  await settled(live, 'units of the old leader reassigned');
  leader.proxy.restore();
});

test('no unit ever ran on two workers at once, and every claim was taken only while free', () => {
  assert.deepEqual(violations, []);
  const held = new Map<string, string>();
  for (const e of claimEvents) {
    if (e.type === 'put') {
      const holder = held.get(e.key);
      assert.equal(holder === undefined || holder === e.lease, true, `${e.key} claimed by lease ${e.lease} while held by ${holder}`);
      held.set(e.key, e.lease);
    } else held.delete(e.key);
  }
  assert.ok(claimEvents.length >= UNITS);
});
