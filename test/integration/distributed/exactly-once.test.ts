/**
 * exactly.once.source.support=enabled on three distributed worker processes: datagen tasks survive kill -9 of a
 * worker and of the leader, and a read_committed consumer then finds every (task, seq) exactly once — the records
 * of each batch and the offsets they reached commit together, so the new owner resumes exactly where the last
 * commit left off.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { overlaps, sleep, WorkerCluster } from '../../helpers/worker-procs.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';

const cluster = new WorkerCluster({ leaseTtlSeconds: 4, exactlyOnce: true });
const source = 'eos-gen';
const topic = uniqueName('eos_gen');
const LONG = { timeout: 300_000 };

before(async () => {
  for (const id of ['w1', 'w2', 'w3']) await cluster.start(id);
  const created = await cluster.request('POST', '/connectors', {
    name: source,
    config: {
      'connector.class': 'DatagenSource', 'tasks.max': '4', topic, rate: '40', 'value.sequence': 'true', 'record.size': '20', 'batch.size': '50',
      'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '4',
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await cluster.allRunning([source]);
});

after(async () => {
  await cluster.close();
});

test('kill -9 of a task holder and of the leader: with exactly-once every record arrives exactly once', LONG, async () => {
  await sleep(2000);
  const holders = (await cluster.status(source)).tasks.map((t) => t.worker_id);
  const victim = holders[0] ?? 'w1';
  await cluster.kill(victim);
  await cluster.allRunning([source]);
  await sleep(2000);
  await cluster.start(victim);
  await cluster.allRunning([source]);
  const leader = await cluster.until('a leader', () => cluster.leader());
  await cluster.kill(leader);
  await cluster.allRunning([source]);
  await sleep(2000);
  assert.equal((await cluster.request('PUT', `/connectors/${source}/stop`)).status, 204);
  await cluster.until('source stopped', async () => ((await cluster.status(source)).tasks.length === 0 ? true : undefined));
  // A transaction left open by a killed worker holds back read_committed readers until transaction.timeout.ms.
  await sleep(17_000);

  const kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: 'eos-verify', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const counts = new Map<string, number>();
  const maxSeq = new Map<number, number>();
  try {
    // Committed records only: the high watermark may include aborted batches and markers, so read until quiet.
    const consumer = kafka.consumer({ groupId: uniqueName('eos-verify'), readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let lastAt = Date.now();
    await consumer.run({
      eachMessage: async ({ message }) => {
        const v = JSON.parse(message.value?.toString() ?? '{}') as { task: number; seq: number };
        const id = `${v.task}/${v.seq}`;
        counts.set(id, (counts.get(id) ?? 0) + 1);
        maxSeq.set(v.task, Math.max(maxSeq.get(v.task) ?? 0, v.seq));
        lastAt = Date.now();
        await Promise.resolve();
      },
    });
    await cluster.until('the topic read', () => Promise.resolve(counts.size > 0 && Date.now() - lastAt > 3000 ? true : undefined), 90_000);
    await consumer.disconnect();
  } finally {
    await admin.disconnect();
  }
  assert.deepEqual([...maxSeq.keys()].sort(), [0, 1, 2, 3]);
  for (const [task, max] of maxSeq) {
    const missing = Array.from({ length: max }, (_, i) => i + 1).filter((s) => !counts.has(`${task}/${s}`));
    assert.deepEqual(missing, [], `task ${task}: nothing missing up to ${max}`);
  }
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  process.stderr.write(`exactly-once: ${counts.size} records, ${duplicated.length} duplicated\n`);
  assert.deepEqual(duplicated, [], 'no record twice');
  assert.deepEqual(overlaps(cluster.runningIntervals()), [], 'no task RUNNING on two workers at once');
});
