/**
 * Chaos on a three-worker distributed cluster (real processes, the local etcd and Kafka): two datagen → counting
 * sink pipelines with four tasks each survive kill -9 of a worker, its restart, kill -9 of the leader, an etcd
 * restart and a Kafka restart. After each, every task is RUNNING. At the end every generated record is in Kafka at
 * least once (duplicates counted and bounded), the sinks consumed everything, and no task was ever RUNNING on two
 * workers at once. The etcd and Kafka restarts use the stack script; tests run one file at a time, so nothing else
 * is using them then.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { overlaps, sleep, WorkerCluster } from '../../helpers/worker-procs.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';
import { stackCommand } from '../../helpers/stack-control.ts';
import { readSequences } from '../../helpers/sequence-check.ts';

const cluster = new WorkerCluster({ leaseTtlSeconds: 4 });
const pipelines = ['a', 'b'].map((p) => ({ source: `chaos-gen-${p}`, sink: `chaos-sink-${p}`, topic: uniqueName(`chaos_${p}`) }));
const connectors = pipelines.flatMap((p) => [p.source, p.sink]);
const LONG = { timeout: 300_000 };

/** Restarted tasks come back after a Kafka outage: Conveyor's opt-in automatic restart, with short backoff. */
const autoRestart = { 'conveyor.task.restart.enabled': 'true', 'conveyor.task.restart.backoff.initial.ms': '500', 'conveyor.task.restart.backoff.max.ms': '3000' };

async function holdersOfTasks(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const name of connectors) for (const t of (await cluster.status(name)).tasks) counts.set(t.worker_id, (counts.get(t.worker_id) ?? 0) + 1);
  return counts;
}

before(async () => {
  for (const id of ['w1', 'w2', 'w3']) await cluster.start(id);
  for (const p of pipelines) {
    const source = await cluster.request('POST', '/connectors', {
      name: p.source,
      config: {
        'connector.class': 'DatagenSource', 'tasks.max': '4', topic: p.topic, rate: '20', 'value.sequence': 'true', 'record.size': '20',
        'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '4', ...autoRestart,
      },
    });
    assert.equal(source.status, 201, JSON.stringify(source.body));
    const sink = await cluster.request('POST', '/connectors', { name: p.sink, config: { 'connector.class': 'CountingSink', 'tasks.max': '4', topics: p.topic, ...autoRestart } });
    assert.equal(sink.status, 201, JSON.stringify(sink.body));
  }
  await cluster.allRunning(connectors);
});

after(async () => {
  await cluster.close();
});

test('kill -9 of a worker holding tasks: its tasks run on the others; restarted, it takes a share again', LONG, async () => {
  const holders = await holdersOfTasks();
  const victim = ['w1', 'w2', 'w3'].find((w) => (holders.get(w) ?? 0) > 0) ?? 'w1';
  await cluster.kill(victim);
  const after = await cluster.allRunning(connectors);
  for (const s of after.values()) assert.ok(s.tasks.every((t) => t.worker_id !== victim));
  await cluster.start(victim);
  await cluster.allRunning(connectors, 90_000, (m) => [...m.values()].some((s) => s.tasks.some((t) => t.worker_id === victim)));
});

test('kill -9 of the leader: a new leader is elected and every task runs', LONG, async () => {
  const leader = await cluster.until('a leader', () => cluster.leader());
  await cluster.kill(leader);
  await cluster.allRunning(connectors);
  const next = await cluster.until('a new leader', async () => {
    const l = await cluster.leader();
    return l !== undefined && l !== leader ? l : undefined;
  });
  assert.notEqual(next, leader);
  await cluster.start(leader);
  await cluster.allRunning(connectors);
});

test('an etcd restart fences every worker; they rejoin and run every task again', LONG, async () => {
  stackCommand('down', 'etcd');
  await cluster.until('a worker fenced', () => Promise.resolve([...cluster.workers.values()].some((w) => w.logs.some((l) => l.line['msg'] === 'member state' && l.line['to'] === 'fenced')) ? true : undefined), 30_000);
  await sleep(2000);
  stackCommand('up', 'etcd');
  await cluster.allRunning(connectors, 120_000);
});

test('a Kafka restart: tasks that failed meanwhile restart on their own and every task runs', LONG, async () => {
  stackCommand('down', 'kafka');
  await sleep(3000);
  stackCommand('up', 'kafka');
  await cluster.allRunning(connectors, 180_000);
});

test('every record arrived at least once, duplicates are bounded, the sinks consumed it all, and no task ever ran on two workers at once', LONG, async () => {
  await sleep(3000); // some traffic after the last fault
  for (const p of pipelines) assert.equal((await cluster.request('PUT', `/connectors/${p.source}/stop`)).status, 204);
  await cluster.until('sources stopped', async () => {
    for (const p of pipelines) if ((await cluster.status(p.source)).tasks.length > 0) return undefined;
    return true;
  });

  const kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: 'chaos-verify', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  let duplicates = 0;
  try {
    for (const p of pipelines) {
      const ends = await admin.fetchTopicOffsets(p.topic);
      const report = await readSequences(kafka, p.topic);
      assert.deepEqual(report.tasks, [0, 1, 2, 3], 'every task produced');
      for (const [task, missing] of report.missing) assert.deepEqual(missing, [], `${p.source} task ${task}: no sequence number missing`);
      total += report.distinct;
      duplicates += report.duplicates;
      // The counting sinks consumed everything: their group's committed offsets reach the end of every partition.
      await cluster.until(`${p.sink} consumed ${p.topic}`, async () => {
        const committed = await admin.fetchOffsets({ groupId: `connect-${p.sink}`, topics: [p.topic] });
        const byPartition = new Map((committed[0]?.partitions ?? []).map((c) => [c.partition, Number(c.offset)]));
        return ends.every((e) => (byPartition.get(e.partition) ?? -1) >= Number(e.high)) ? true : undefined;
      }, 60_000);
    }
  } finally {
    await admin.disconnect();
  }
  process.stderr.write(`chaos: ${total} distinct records, ${duplicates} duplicates\n`);
  assert.ok(total > 0);
  assert.ok(duplicates <= total * 0.2, `duplicates ${duplicates} within 20% of ${total}`);

  const intervals = cluster.runningIntervals();
  assert.ok(intervals.length >= 16, 'RUNNING stretches were recorded');
  const both = overlaps(intervals).map(([a, b]) => `${a.task}: ${a.worker} ${new Date(a.from).toISOString()}..${new Date(a.to).toISOString()} and ${b.worker} ${new Date(b.from).toISOString()}..${new Date(b.to).toISOString()}`);
  assert.deepEqual(both, [], 'no task RUNNING on two workers at overlapping times');
});
