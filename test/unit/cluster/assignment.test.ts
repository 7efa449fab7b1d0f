import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeAssignment } from '../../../host/cluster/assignment.ts';
import type { ConnectorLoad, WorkerShare } from '../../../host/cluster/assignment.ts';

/** Small seeded PRNG so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomCluster(r: () => number): { workers: string[]; connectors: ConnectorLoad[] } {
  const workers = Array.from({ length: 1 + Math.floor(r() * 7) }, (_, i) => `w${i}`);
  const connectors = Array.from({ length: Math.floor(r() * 9) }, (_, i) => ({ name: `c/${i}`, tasks: Math.floor(r() * 6) }));
  return { workers, connectors };
}

function ownerOf(plan: ReadonlyMap<string, WorkerShare>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [w, share] of plan) {
    for (const c of share.connectors) {
      assert.equal(owners.has(`c:${c}`), false, `connector ${c} assigned twice`);
      owners.set(`c:${c}`, w);
    }
    for (const t of share.tasks) {
      const k = `t:${t.connector}:${t.task}`;
      assert.equal(owners.has(k), false, `task ${k} assigned twice`);
      owners.set(k, w);
    }
  }
  return owners;
}

function assertBalanced(plan: ReadonlyMap<string, WorkerShare>): void {
  const c = [...plan.values()].map((s) => s.connectors.length);
  const t = [...plan.values()].map((s) => s.tasks.length);
  assert.ok(Math.max(...c) - Math.min(...c) <= 1, `connectors unbalanced: ${c.join(',')}`);
  assert.ok(Math.max(...t) - Math.min(...t) <= 1, `tasks unbalanced: ${t.join(',')}`);
}

function assertComplete(plan: ReadonlyMap<string, WorkerShare>, connectors: readonly ConnectorLoad[]): void {
  const owners = ownerOf(plan);
  const expected = connectors.reduce((n, c) => n + 1 + c.tasks, 0);
  assert.equal(owners.size, expected);
  for (const c of connectors) {
    assert.ok(owners.has(`c:${c.name}`));
    for (let i = 0; i < c.tasks; i++) assert.ok(owners.has(`t:${c.name}:${i}`));
  }
}

/** Fewest possible moves of units whose previous owner is still alive, computed per kind from counts alone. */
function minimalMoves(prevCounts: number[], units: number): number {
  const workers = prevCounts.length;
  const base = Math.floor(units / workers);
  const extra = units % workers;
  const keepBase = prevCounts.reduce((n, p) => n + Math.min(p, base), 0);
  const keepExtra = Math.min(extra, prevCounts.filter((p) => p > base).length);
  return prevCounts.reduce((n, p) => n + p, 0) - keepBase - keepExtra;
}

test('every unit is assigned exactly once and the load is balanced within one, for random clusters', () => {
  for (let seed = 1; seed <= 500; seed++) {
    const { workers, connectors } = randomCluster(rng(seed));
    const plan = computeAssignment(workers, connectors, new Map());
    assert.deepEqual([...plan.workers.keys()].sort(), [...workers].sort(), `seed ${seed}`);
    assertComplete(plan.workers, connectors);
    assertBalanced(plan.workers);
  }
});

test('the plan is deterministic and independent of input order', () => {
  for (let seed = 1; seed <= 100; seed++) {
    const { workers, connectors } = randomCluster(rng(seed));
    const a = computeAssignment(workers, connectors, new Map());
    const b = computeAssignment([...workers].reverse(), [...connectors].reverse(), new Map());
    assert.deepEqual([...a.workers.entries()].sort(), [...b.workers.entries()].sort(), `seed ${seed}`);
  }
});

test('a joining worker takes only its fair share; nothing else moves', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const { workers, connectors } = randomCluster(r);
    const before = computeAssignment(workers, connectors, new Map());
    const joined = [...workers, 'new'];
    const after = computeAssignment(joined, connectors, before.workers);
    assertComplete(after.workers, connectors);
    assertBalanced(after.workers);
    const share = after.workers.get('new');
    assert.ok(share);
    assert.equal(after.moved, share.connectors.length + share.tasks.length, `seed ${seed}`);
  }
});

test('a leaving worker: only its units move', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const { workers, connectors } = randomCluster(r);
    if (workers.length < 2) continue;
    const before = computeAssignment(workers, connectors, new Map());
    const gone = workers[Math.floor(r() * workers.length)] ?? 'w0';
    const after = computeAssignment(workers.filter((w) => w !== gone), connectors, before.workers);
    assertComplete(after.workers, connectors);
    assertBalanced(after.workers);
    assert.equal(after.moved, 0, `seed ${seed}: a survivor lost a unit`);
    const was = ownerOf(before.workers);
    const now = ownerOf(after.workers);
    for (const [unit, w] of was) if (w !== gone) assert.equal(now.get(unit), w, `seed ${seed}: ${unit} moved`);
  }
});

test('from an arbitrary unbalanced previous assignment, moves are minimal', () => {
  for (let seed = 1; seed <= 500; seed++) {
    const r = rng(seed);
    const { workers, connectors } = randomCluster(r);
    const ghosts = ['gone1', 'gone2'];
    const pool = [...workers, ...ghosts];
    const previous = new Map<string, { connectors: string[]; tasks: { connector: string; task: number }[] }>();
    for (const w of pool) previous.set(w, { connectors: [], tasks: [] });
    const pick = (): { connectors: string[]; tasks: { connector: string; task: number }[] } | undefined =>
      r() < 0.15 ? undefined : previous.get(pool[Math.floor(r() * pool.length)] ?? 'w0');
    for (const c of connectors) {
      pick()?.connectors.push(c.name);
      for (let i = 0; i < c.tasks; i++) pick()?.tasks.push({ connector: c.name, task: i });
    }
    const plan = computeAssignment(workers, connectors, previous);
    assertComplete(plan.workers, connectors);
    assertBalanced(plan.workers);
    const taskTotal = connectors.reduce((n, c) => n + c.tasks, 0);
    const expected =
      minimalMoves(workers.map((w) => previous.get(w)?.connectors.length ?? 0), connectors.length) +
      minimalMoves(workers.map((w) => previous.get(w)?.tasks.length ?? 0), taskTotal);
    assert.equal(plan.moved, expected, `seed ${seed}`);
  }
});

test('units of deleted connectors and tasks beyond a shrunk task count disappear', () => {
  const before = computeAssignment(['a', 'b'], [{ name: 'x', tasks: 4 }, { name: 'y', tasks: 1 }], new Map());
  const after = computeAssignment(['a', 'b'], [{ name: 'x', tasks: 2 }], before.workers);
  assertComplete(after.workers, [{ name: 'x', tasks: 2 }]);
  assertBalanced(after.workers);
});

test('no workers: an empty plan', () => {
  const plan = computeAssignment([], [{ name: 'x', tasks: 3 }], new Map());
  assert.equal(plan.workers.size, 0);
});
