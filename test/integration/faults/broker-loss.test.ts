/**
 * Broker loss on a three-broker Kafka (KRaft, replication factor 3, min.insync.replicas=2): a datagen → counting
 * sink pipeline runs on a real worker process while the leader of the partition it writes and reads is killed with
 * kill -9 mid-run and brought back. With acks=all nothing is lost: every sequence number every task generated is in
 * the topic (duplicates are counted and printed), the sink's group consumed it all, and no task was ever seen FAILED.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTestCluster } from '../../helpers/kafka-cluster.ts';
import { readSequences } from '../../helpers/sequence-check.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { until } from '../../helpers/until.ts';
import { sleep, WorkerCluster } from '../../helpers/worker-procs.ts';

const TASKS = 2;
const PER_TASK = 6000;
const kafka3 = new KafkaTestCluster();
let workers: WorkerCluster | undefined;

before(() => {
  kafka3.up();
});

after(async () => {
  await workers?.close();
  kafka3.down();
});

void test('kill -9 of the partition leader mid-run loses nothing with acks=all, and no task fails', { timeout: 420_000 }, async () => {
  workers = new WorkerCluster({ properties: { 'bootstrap.servers': kafka3.brokers.join(',') } });
  await workers.start('w');
  const topic = uniqueName('broker_loss');
  const [source, sink] = [uniqueName('loss-gen'), uniqueName('loss-sink')];
  const created = await workers.request('POST', '/connectors', {
    name: source,
    config: {
      'connector.class': 'DatagenSource', 'tasks.max': String(TASKS), topic, rate: '300', 'value.sequence': 'true', 'record.size': '50',
      'max.records': String(PER_TASK), 'topic.creation.default.replication.factor': '3', 'topic.creation.default.partitions': '1',
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const sinkCreated = await workers.request('POST', '/connectors', { name: sink, config: { 'connector.class': 'CountingSink', 'tasks.max': '1', topics: topic } });
  assert.equal(sinkCreated.status, 201, JSON.stringify(sinkCreated.body));
  await workers.allRunning([source, sink]);

  // Every task state seen while the fault lasts: none may be FAILED.
  const failed: string[] = [];
  let watching = true;
  const watch = (async () => {
    while (watching) {
      for (const name of [source, sink]) {
        const s = await workers.status(name).catch(() => undefined);
        for (const t of s?.tasks ?? []) if (t.state === 'FAILED') failed.push(`${name}/${t.id}: ${t.trace ?? ''}`.slice(0, 400));
      }
      await sleep(250);
    }
  })();

  const client = new Kafka({ brokers: kafka3.brokers, clientId: 'broker-loss', logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  try {
    const written = async (): Promise<number> => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    await until('records flowing', async () => ((await written()) >= 1500 ? true : undefined), 120_000, 250);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const leader = meta.topics[0]?.partitions[0]?.leader;
    assert.ok(leader !== undefined && leader >= 1 && leader <= 3, `a leader among nodes 1..3 (${String(leader)})`);
    const before = await written();
    const killedAt = Date.now();
    kafka3.kill(leader);
    process.stdout.write(`# killed Kafka node ${leader} (leader of ${topic}-0) with ${before} records written\n`);
    await sleep(8000);
    kafka3.up();
    process.stdout.write(`# node ${leader} back after ${Date.now() - killedAt} ms\n`);

    await until(`all ${TASKS * PER_TASK} records written`, async () => ((await written()) >= TASKS * PER_TASK ? true : undefined), 180_000, 500);
    const ends = await admin.fetchTopicOffsets(topic);
    await until(`${sink} consumed ${topic}`, async () => {
      const committed = await admin.fetchOffsets({ groupId: `connect-${sink}`, topics: [topic] });
      const byPartition = new Map((committed[0]?.partitions ?? []).map((c) => [c.partition, Number(c.offset)]));
      return ends.every((e) => (byPartition.get(e.partition) ?? -1) >= Number(e.high)) ? true : undefined;
    }, 120_000, 500);
  } finally {
    watching = false;
    await watch;
    await admin.disconnect();
  }

  const report = await readSequences(client, topic, PER_TASK);
  process.stdout.write(`# ${report.distinct} distinct records, ${report.duplicates} duplicates\n`);
  assert.deepEqual(report.tasks, Array.from({ length: TASKS }, (_, i) => i), 'every task produced');
  for (const [task, missing] of report.missing) assert.deepEqual(missing.slice(0, 20), [], `task ${task}: no sequence number missing (${missing.length} missing)`);
  assert.equal(report.distinct, TASKS * PER_TASK);
  assert.deepEqual(failed, [], 'no task was ever FAILED while the leader was down');
});
