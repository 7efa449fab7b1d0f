/**
 * npm run bench -- failover [runs]: three distributed workers (default lease TTL 5 s) on the local etcd and Kafka,
 * one datagen connector with six tasks. Silent failures: each run stalls a worker holding tasks with SIGSTOP (its
 * sockets stay open, so only its lease can tell) and times until all of its tasks are RUNNING on the others, then
 * continues it and waits for the balance to return (median_ms). Crashes: each run kills -9 such a worker (its
 * kernel closes its sockets and its liveness port refuses, host/cluster/crash-watch.ts) and times the same, then
 * restarts it (crash_median_ms). Last, a fourth worker joins and the time until it holds its share (everything
 * RUNNING) is measured. Ends with one JSON line.
 */
import { WorkerCluster } from '../test/helpers/worker-procs.ts';
import type { ConnectorStatusView } from '../test/helpers/worker-procs.ts';
import { uniqueName } from '../test/helpers/stack.ts';

const TASKS = 6;

function holders(s: ConnectorStatusView): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of s.tasks) m.set(t.worker_id, (m.get(t.worker_id) ?? 0) + 1);
  return m;
}

/** Every worker holds tasks, within one of each other (the connector unit also counts in the assignment). */
function balanced(s: ConnectorStatusView, workers: readonly string[]): boolean {
  const h = holders(s);
  const counts = workers.map((w) => h.get(w) ?? 0);
  return Math.max(...counts) - Math.min(...counts) <= 2 && counts.every((c) => c > 0);
}

function median(sorted: readonly number[]): number {
  return sorted.length % 2 === 1 ? (sorted[(sorted.length - 1) / 2] ?? 0) : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 10);
  const cluster = new WorkerCluster();
  const name = 'failover-gen';
  const topic = uniqueName('failover');
  const ids = ['w1', 'w2', 'w3'];
  try {
    for (const id of ids) await cluster.start(id);
    const created = await cluster.request('POST', '/connectors', {
      name,
      config: { 'connector.class': 'DatagenSource', 'tasks.max': String(TASKS), topic, rate: '20', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': String(TASKS) },
    });
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    await cluster.allRunning([name], 90_000, (m) => balanced(m.get(name) as ConnectorStatusView, ids));
    const movedFrom = (victim: string) => (m: Map<string, ConnectorStatusView>): boolean => (m.get(name)?.tasks ?? []).every((t) => t.worker_id !== victim);
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const h = holders(await cluster.status(name));
      const victim = ids.find((id) => (h.get(id) ?? 0) > 0) ?? 'w1';
      const stalledAt = cluster.pause(victim);
      await cluster.allRunning([name], 60_000, movedFrom(victim));
      const ms = Date.now() - stalledAt;
      times.push(ms);
      process.stdout.write(`silent run ${run}: stalled ${victim} (held ${h.get(victim) ?? 0} tasks); all its tasks RUNNING elsewhere after ${ms} ms\n`);
      cluster.resume(victim);
      await cluster.allRunning([name], 90_000, (m) => balanced(m.get(name) as ConnectorStatusView, ids));
    }
    const crashes: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const h = holders(await cluster.status(name));
      const victim = ids.find((id) => (h.get(id) ?? 0) > 0) ?? 'w1';
      const killedAt = await cluster.kill(victim);
      await cluster.allRunning([name], 60_000, movedFrom(victim));
      const ms = Date.now() - killedAt;
      crashes.push(ms);
      process.stdout.write(`crash run ${run}: killed ${victim} (held ${h.get(victim) ?? 0} tasks); all its tasks RUNNING elsewhere after ${ms} ms\n`);
      await cluster.start(victim);
      await cluster.allRunning([name], 90_000, (m) => balanced(m.get(name) as ConnectorStatusView, ids));
    }
    const startAt = Date.now();
    const w4 = await cluster.start('w4');
    // The moment the new worker became an active member, from its own log (the health probe answers a little later).
    const joinedLine = w4.logs.find((l) => l.line['msg'] === 'member state' && l.line['to'] === 'active');
    const joinedAt = joinedLine?.at ?? Date.now();
    await cluster.allRunning([name], 90_000, (m) => balanced(m.get(name) as ConnectorStatusView, [...ids, 'w4']));
    const join = Date.now() - joinedAt;
    process.stdout.write(`a fourth worker started in ${joinedAt - startAt} ms; ${join} ms after it joined it held its share and every task was RUNNING\n`);
    const sorted = [...times].sort((a, b) => a - b);
    const crashSorted = [...crashes].sort((a, b) => a - b);
    process.stdout.write(
      JSON.stringify({
        bench: 'failover',
        runs: times.length,
        min_ms: sorted[0] ?? null,
        median_ms: Math.round(median(sorted)),
        max_ms: sorted.at(-1) ?? null,
        crash_min_ms: crashSorted[0] ?? null,
        crash_median_ms: Math.round(median(crashSorted)),
        crash_max_ms: crashSorted.at(-1) ?? null,
        join_rebalance_ms: join,
      }) + '\n',
    );
  } finally {
    await cluster.close();
  }
}
