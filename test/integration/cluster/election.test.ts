import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeposed, readAssignments, writeAssignments } from '../../../host/cluster/assignments.ts';
import type { LeaderTerm } from '../../../host/cluster/assignments.ts';
import { LeaderElection } from '../../../host/cluster/election.ts';
import { eventually } from '../../helpers/stack.ts';
import { clusterFixture, logger } from './helpers.ts';
import type { ClusterFixture } from './helpers.ts';

let fx: ClusterFixture;
before(() => {
  fx = clusterFixture();
});
after(() => fx.cleanup());

interface Candidate {
  election: LeaderElection;
  terms: LeaderTerm[];
  deposed: string[];
}

async function candidate(id: string): Promise<Candidate> {
  const c: Candidate = { terms: [], deposed: [], election: undefined as unknown as LeaderElection };
  c.election = await LeaderElection.create({
    client: fx.client(),
    keys: fx.keys,
    workerId: id,
    ttlSeconds: 1,
    retryMs: 100,
    logger,
    onElected: (t) => c.terms.push(t),
    onDeposed: (r) => c.deposed.push(r),
  });
  return c;
}

test('one leader; when its lease is gone another takes over, and the old term can no longer write assignments', async () => {
  const a = await candidate('a');
  await eventually(async () => Promise.resolve(a.terms[0]), 'a elected');
  const b = await candidate('b');
  try {
    assert.equal(await b.election.leader(), 'a');
    assert.equal(b.election.state, 'campaigning');
    const termA = a.terms[0];
    assert.ok(termA);
    const first = await writeAssignments(fx.admin, fx.keys, termA, await readAssignments(fx.admin, fx.keys), new Map([['a', { connectors: ['x'], tasks: [] }]]));
    assert.equal(first, 1);

    // a's candidate lease disappears behind its back (as when it expires during a partition).
    const kv = (await fx.admin.get(termA.electionKey).exec()).kvs[0];
    assert.ok(kv);
    await fx.admin.leaseClient.leaseRevoke({ ID: String(kv.lease) });
    const termB = await eventually(async () => Promise.resolve(b.terms[0]), 'b elected');
    assert.equal(await b.election.leader(), 'b');

    const current = await readAssignments(fx.admin, fx.keys);
    await assert.rejects(
      writeAssignments(fx.admin, fx.keys, termA, current, new Map([['a', { connectors: [], tasks: [] }]])),
      (e) => isDeposed(e),
      'the deposed leader is refused even with an up-to-date generation',
    );
    assert.equal((await readAssignments(fx.admin, fx.keys)).generation, 1, 'nothing was written');
    assert.equal(await writeAssignments(fx.admin, fx.keys, termB, current, new Map([['b', { connectors: ['x'], tasks: [] }]])), 2);
    const after2 = await readAssignments(fx.admin, fx.keys);
    assert.deepEqual([...after2.workers.keys()], ['b'], "the departed worker's assignment is removed in the same transaction");

    await assert.rejects(
      writeAssignments(fx.admin, fx.keys, termB, current, new Map()),
      (e) => !isDeposed(e) && (e as { retriable?: boolean }).retriable === true,
      'a write based on a superseded generation is refused as retriable',
    );
  } finally {
    await a.election.close();
    await b.election.close();
  }
});

test('resigning hands leadership over at once', async () => {
  const a = await candidate('r1');
  await eventually(async () => Promise.resolve(a.terms[0]), 'r1 elected');
  const b = await candidate('r2');
  try {
    await a.election.close();
    const t = await eventually(async () => Promise.resolve(b.terms[0]), 'r2 elected after resign', 15);
    assert.equal(t.leader, 'r2');
  } finally {
    await b.election.close();
  }
});
