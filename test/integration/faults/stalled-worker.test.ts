/**
 * A worker stalled with SIGSTOP for three times its lease TTL while it holds source and sink tasks, then resumed
 * with SIGCONT (a long GC pause, a stopped VM). Its tasks move to the other worker while it is frozen; once it runs
 * again, nothing it had in flight may be committed: no source offset it writes may land after (and behind) the new
 * owner's, no sink offset the group holds may go backwards, and the records prove it — with exactly-once on, every
 * (task, seq) is in the topic exactly once even after the source is restarted from its stored offsets; with it off,
 * nothing is missing and the duplicates stay within what one offset-commit window can produce.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { datagenSequenceConfig, readSequences } from '../../helpers/sequence-check.ts';
import type { SequenceReport } from '../../helpers/sequence-check.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';
import { until } from '../../helpers/until.ts';
import { sleep, WorkerCluster } from '../../helpers/worker-procs.ts';

const LEASE_SECONDS = 3;
const TASKS = 2;
const RATE = 100;
const FLUSH_MS = 500;
const clusters: WorkerCluster[] = [];

after(async () => {
  for (const c of clusters) await c.close();
});

/** Each offsets-topic record's seq per source partition, in the topic's order: must never go down. */
async function sourceOffsetRegressions(kafka: Kafka, offsetsTopic: string, connector: string): Promise<string[]> {
  const seqs = new Map<string, number[]>();
  let lastAt = Date.now();
  const consumer = kafka.consumer({ groupId: uniqueName('offsets-read'), readUncommitted: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: offsetsTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        lastAt = Date.now();
        const key = JSON.parse(message.key?.toString() ?? 'null') as unknown;
        if (!Array.isArray(key) || key[0] !== connector || message.value === null) return;
        const value = JSON.parse(message.value.toString()) as { seq?: number };
        const id = JSON.stringify(key[1]);
        seqs.set(id, [...(seqs.get(id) ?? []), value.seq ?? -1]);
        await Promise.resolve();
      },
    });
    await until('the offsets topic read', () => Promise.resolve(seqs.size > 0 && Date.now() - lastAt > 2000 ? true : undefined), 60_000);
  } finally {
    await consumer.disconnect();
  }
  const regressions: string[] = [];
  for (const [partition, list] of seqs) for (let i = 1; i < list.length; i++) if (list[i]! < list[i - 1]!) regressions.push(`${partition}: ${list[i - 1]} then ${list[i]}`);
  return regressions;
}

/** Samples the sink group's committed offsets until stopped; any partition whose offset goes down is reported. */
function watchSinkOffsets(admin: Admin, group: string, topic: string): () => Promise<string[]> {
  const last = new Map<number, number>();
  const regressions: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] }).catch(() => []);
      for (const p of committed[0]?.partitions ?? []) {
        const o = Number(p.offset);
        if (o < (last.get(p.partition) ?? -1)) regressions.push(`partition ${p.partition}: ${last.get(p.partition)} then ${o}`);
        if (o >= 0) last.set(p.partition, o);
      }
      await sleep(200);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return regressions;
  };
}

async function stallAndResume(exactlyOnce: boolean): Promise<void> {
  const cluster = new WorkerCluster({ leaseTtlSeconds: LEASE_SECONDS, exactlyOnce, properties: { 'offset.flush.interval.ms': String(FLUSH_MS) } });
  clusters.push(cluster);
  await cluster.start('a');
  await cluster.start('b');
  const topic = uniqueName('stall');
  const [source, sink] = [uniqueName('stall-gen'), uniqueName('stall-sink')];
  const created = await cluster.request('POST', '/connectors', {
    name: source,
    config: datagenSequenceConfig(topic, { tasks: TASKS, rate: RATE }),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const sinkCreated = await cluster.request('POST', '/connectors', { name: sink, config: { 'connector.class': 'CountingSink', 'tasks.max': String(TASKS), topics: topic } });
  assert.equal(sinkCreated.status, 201, JSON.stringify(sinkCreated.body));
  const onB = (m: Map<string, { tasks: { worker_id: string }[] }>): boolean => [...m.values()].some((s) => s.tasks.some((t) => t.worker_id === 'b'));
  await cluster.allRunning([source, sink], 90_000, onB);

  const kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: 'stall-verify', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const stopWatching = watchSinkOffsets(admin, `connect-${sink}`, topic);
  let report: SequenceReport | undefined;
  try {
    await sleep(2000);
    cluster.pause('b');
    await cluster.allRunning([source, sink], 60_000, (m) => [...m.values()].every((s) => s.tasks.every((t) => t.worker_id === 'a')));
    await sleep(Math.max(0, LEASE_SECONDS * 3000 - 1000));
    cluster.resume('b');
    process.stdout.write(`# b stalled ${LEASE_SECONDS * 3} s (3x the lease) and resumed; exactly-once ${exactlyOnce ? 'on' : 'off'}\n`);
    await sleep(5000); // b runs again: whatever it had in flight gets its chance to (wrongly) commit
    // Restart the source from its stored offsets: a stale offset written by b would now replay records.
    assert.equal((await cluster.request('POST', `/connectors/${source}/restart?includeTasks=true`)).status, 202);
    await cluster.allRunning([source, sink]);
    await sleep(3000);
    assert.equal((await cluster.request('PUT', `/connectors/${source}/stop`)).status, 204);
    await until('source stopped', async () => ((await cluster.status(source)).tasks.length === 0 ? true : undefined), 60_000);
    report = await readSequences(kafka, topic, undefined, exactlyOnce);
    // The sink read every committed record (with exactly-once, transaction markers and aborted batches follow them).
    const { nextOffsets } = report;
    await until(`${sink} consumed ${topic}`, async () => {
      const committed = await admin.fetchOffsets({ groupId: `connect-${sink}`, topics: [topic] });
      const byPartition = new Map((committed[0]?.partitions ?? []).map((c) => [c.partition, Number(c.offset)]));
      return [...nextOffsets].every(([p, next]) => (byPartition.get(p) ?? -1) >= next) ? true : undefined;
    }, 90_000, 500);
  } finally {
    const sinkRegressions = await stopWatching();
    await admin.disconnect();
    assert.deepEqual(sinkRegressions, [], 'the sink group\'s committed offsets never went backwards');
  }

  const stale = await sourceOffsetRegressions(kafka, cluster.offsetsTopic, source);
  assert.deepEqual(stale, [], 'no source offset landed behind a newer one');
  assert.ok(report !== undefined);
  process.stdout.write(`# ${report.distinct} distinct records, ${report.duplicates} duplicates\n`);
  assert.deepEqual(report.tasks, Array.from({ length: TASKS }, (_, i) => i), 'every task produced');
  for (const [task, missing] of report.missing) assert.deepEqual(missing, [], `task ${task}: nothing missing`);
  if (exactlyOnce) assert.equal(report.duplicates, 0, 'exactly once: no record twice');
  else {
    // At least once: a task replays at most what was produced since the last offset commit, per move (the stall and the restart).
    const window = TASKS * RATE * ((FLUSH_MS + LEASE_SECONDS * 1000) / 1000) * 2;
    assert.ok(report.duplicates <= window, `duplicates ${report.duplicates} within the commit windows' worth (${window})`);
  }
}

void test('exactly-once on: a worker stalled past its lease commits nothing when it resumes; every record exactly once', { timeout: 300_000 }, async () => {
  await stallAndResume(true);
});

void test('exactly-once off: a worker stalled past its lease commits nothing when it resumes; nothing lost, duplicates bounded', { timeout: 300_000 }, async () => {
  await stallAndResume(false);
});
