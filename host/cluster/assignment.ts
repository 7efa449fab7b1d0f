import type { WorkerId } from './types.ts';

/** What the leader balances: every connector with its current task count. */
export interface ConnectorLoad {
  readonly name: string;
  readonly tasks: number;
}

export interface WorkerShare {
  readonly connectors: readonly string[];
  readonly tasks: readonly { readonly connector: string; readonly task: number }[];
}

export interface AssignmentPlan {
  /** Every live worker has an entry, possibly empty. */
  readonly workers: ReadonlyMap<WorkerId, WorkerShare>;
  /** Units that were on a live worker before and are on a different one now. */
  readonly moved: number;
}

/**
 * Balanced, sticky assignment of connectors and tasks to workers.
 * Connectors and tasks are balanced separately, each within ±1 per worker. A unit stays on its previous worker
 * whenever that worker is alive and the balance allows it; the extra (+1) slots go to the workers that already
 * hold the most, which keeps the number of moved units minimal. Pure and deterministic: equal inputs in any order
 * give equal plans.
 */
export function computeAssignment(
  workers: readonly WorkerId[],
  connectors: readonly ConnectorLoad[],
  previous: ReadonlyMap<WorkerId, WorkerShare>,
): AssignmentPlan {
  const live = [...new Set(workers)].sort(compare);
  const prevConnector = new Map<string, WorkerId>();
  const prevTask = new Map<string, WorkerId>();
  for (const [worker, share] of previous) {
    for (const c of share.connectors) prevConnector.set(c, worker);
    for (const t of share.tasks) prevTask.set(taskKey(t.connector, t.task), worker);
  }
  const sorted = [...connectors].sort((a, b) => compare(a.name, b.name));
  const connectorUnits = sorted.map((c) => c.name);
  const taskUnits = sorted.flatMap((c) => Array.from({ length: c.tasks }, (_, i) => taskKey(c.name, i)));

  const connectorOwner = balance(connectorUnits, live, prevConnector, new Map());
  const connectorLoad = new Map<WorkerId, number>();
  for (const w of connectorOwner.owner.values()) connectorLoad.set(w, (connectorLoad.get(w) ?? 0) + 1);
  const taskOwner = balance(taskUnits, live, prevTask, connectorLoad);

  const result = new Map<WorkerId, { connectors: string[]; tasks: { connector: string; task: number }[] }>();
  for (const w of live) result.set(w, { connectors: [], tasks: [] });
  for (const c of connectorUnits) {
    const w = connectorOwner.owner.get(c);
    if (w !== undefined) result.get(w)?.connectors.push(c);
  }
  for (const c of sorted) {
    for (let i = 0; i < c.tasks; i++) {
      const w = taskOwner.owner.get(taskKey(c.name, i));
      if (w !== undefined) result.get(w)?.tasks.push({ connector: c.name, task: i });
    }
  }
  return { workers: result, moved: connectorOwner.moved + taskOwner.moved };
}

function balance(
  units: readonly string[],
  workers: readonly WorkerId[],
  previous: ReadonlyMap<string, WorkerId>,
  tieLoad: ReadonlyMap<WorkerId, number>,
): { owner: Map<string, WorkerId>; moved: number } {
  const owner = new Map<string, WorkerId>();
  if (workers.length === 0) return { owner, moved: 0 };
  const liveSet = new Set(workers);
  const kept = new Map<WorkerId, string[]>(workers.map((w) => [w, []]));
  for (const u of units) {
    const w = previous.get(u);
    if (w !== undefined && liveSet.has(w)) kept.get(w)?.push(u);
  }
  const base = Math.floor(units.length / workers.length);
  const extra = units.length % workers.length;
  // The +1 slots go to the workers holding the most; ties prefer the lighter worker of the other kind, then id.
  const byClaim = [...workers].sort(
    (a, b) =>
      (kept.get(b)?.length ?? 0) - (kept.get(a)?.length ?? 0) ||
      (tieLoad.get(a) ?? 0) - (tieLoad.get(b) ?? 0) ||
      compare(a, b),
  );
  const capacity = new Map<WorkerId, number>(byClaim.map((w, i) => [w, base + (i < extra ? 1 : 0)]));
  const pending: string[] = [];
  let moved = 0;
  for (const w of workers) {
    const held = kept.get(w) ?? [];
    const cap = capacity.get(w) ?? 0;
    held.forEach((u, i) => {
      if (i < cap) owner.set(u, w);
      else {
        pending.push(u);
        moved++;
      }
    });
  }
  const revoked = new Set(pending);
  for (const u of units) if (!owner.has(u) && !revoked.has(u)) pending.push(u);
  pending.sort(compare);
  const load = new Map<WorkerId, number>(workers.map((w) => [w, kept.get(w)?.filter((u) => owner.get(u) === w).length ?? 0]));
  for (const u of pending) {
    const target = workers.find((w) => (load.get(w) ?? 0) < (capacity.get(w) ?? 0));
    if (target === undefined) throw new Error('assignment capacity exhausted: unreachable');
    owner.set(u, target);
    load.set(target, (load.get(target) ?? 0) + 1);
  }
  return { owner, moved };
}

/** Ordinal comparison, so plans do not depend on the process locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function taskKey(connector: string, task: number): string {
  return `${encodeURIComponent(connector)}/${task}`;
}
