/**
 * Network faults for one worker of two (issue: faults a production cluster really sees, item 2). Worker b runs in a
 * network namespace of its own (test/helpers/netns.ts): its Kafka, etcd and REST traffic leaves over a veth pair
 * through relays the test controls (this kernel has neither the netem qdisc nor iptables, so cuts, one-way cuts,
 * latency and loss are made in test/helpers/fault-relay.ts). Worker a is untouched. A datagen source with
 * exactly-once on and a counting sink, two tasks each, run across both while b is:
 * - cut from etcd but not from Kafka,
 * - cut from Kafka but not from etcd,
 * - cut one way: etcd receives what b sends (its lease keep-alives among it) but b hears nothing back,
 * - slowed: 500 ms each way and 5% of chunks held a further 300 ms (a lost segment's retransmission), Kafka and etcd.
 * Each case: no task is RUNNING on two workers at overlapping times, every (task, seq) is in the topic exactly once,
 * the sink's group ends having read everything, and once the fault heals every task is RUNNING again with b holding
 * its share, within a bound the test prints.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { createNetns } from '../../helpers/netns.ts';
import type { Netns } from '../../helpers/netns.ts';
import { datagenSequenceConfig, readSequences } from '../../helpers/sequence-check.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';
import { until } from '../../helpers/until.ts';
import { overlaps, sleep, WorkerCluster } from '../../helpers/worker-procs.ts';
import type { ConnectorStatusView } from '../../helpers/worker-procs.ts';

const LEASE_SECONDS = 3;
const TASKS = 2;
const RATE = 50;
const KAFKA_PORT = Number(new URL(`kafka://${stack.kafkaBrokers[0]}`).port);
const ETCD_PORT = Number(new URL(stack.etcdHosts[0] ?? 'http://127.0.0.1:2379').port);

const onlyOn = (worker: string) => (m: Map<string, ConnectorStatusView>): boolean => [...m.values()].every((s) => s.tasks.every((t) => t.worker_id === worker));
const anyOn = (worker: string) => (m: Map<string, ConnectorStatusView>): boolean => [...m.values()].some((s) => s.tasks.some((t) => t.worker_id === worker));

interface Case {
  /** Applies the fault to b's relays; answers what the test then waits for while it lasts. */
  fault(ns: Netns): void;
  /** While the fault lasts: wait for this, if anything (within 60 s), then the rest of holdMs. */
  during?: (cluster: WorkerCluster, names: string[]) => Promise<unknown>;
  holdMs: number;
}

async function partition(t: TestContext, title: string, c: Case): Promise<void> {
  const cluster = new WorkerCluster({ leaseTtlSeconds: LEASE_SECONDS, exactlyOnce: true, properties: { 'offset.flush.interval.ms': '500' } });
  t.after(() => cluster.close());
  const a = await cluster.start('a');
  const ns = await createNetns([KAFKA_PORT, ETCD_PORT, a.port]);
  t.after(() => ns.close());
  await cluster.start('b', ns);
  const topic = uniqueName('netfault');
  const [source, sink] = [uniqueName('netfault-gen'), uniqueName('netfault-sink')];
  assert.equal((await cluster.request('POST', '/connectors', { name: source, config: datagenSequenceConfig(topic, { tasks: TASKS, rate: RATE }) })).status, 201);
  assert.equal((await cluster.request('POST', '/connectors', { name: sink, config: { 'connector.class': 'CountingSink', 'tasks.max': String(TASKS), topics: topic } })).status, 201);
  const names = [source, sink];
  await cluster.allRunning(names, 90_000, anyOn('b'));
  await sleep(2000);

  const faultAt = Date.now();
  c.fault(ns);
  if (c.during !== undefined) {
    await c.during(cluster, names);
    process.stdout.write(`# ${title}: the cluster reacted ${Date.now() - faultAt} ms after the fault\n`);
  }
  await sleep(Math.max(0, faultAt + c.holdMs - Date.now()));
  for (const r of ns.relays.values()) r.heal();
  const healedAt = Date.now();
  // Whole again: every task RUNNING, and b (back in the group) holding its share.
  await cluster.allRunning(names, 90_000, anyOn('b'));
  process.stdout.write(`# ${title}: every task RUNNING, b holding tasks, ${Date.now() - healedAt} ms after the network healed (fault held ${healedAt - faultAt} ms)\n`);
  await sleep(3000);

  assert.equal((await cluster.request('PUT', `/connectors/${source}/stop`)).status, 204);
  await until('source stopped', async () => ((await cluster.status(source)).tasks.length === 0 ? true : undefined), 60_000);
  const kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: 'netfault-verify', logLevel: logLevel.NOTHING });
  const report = await readSequences(kafka, topic, undefined, true);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await until(`${sink} consumed ${topic}`, async () => {
      const committed = await admin.fetchOffsets({ groupId: `connect-${sink}`, topics: [topic] });
      const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return [...report.nextOffsets].every(([p, next]) => (byPartition.get(p) ?? -1) >= next) ? true : undefined;
    }, 90_000, 500);
  } finally {
    await admin.disconnect();
  }
  const both = overlaps(cluster.runningIntervals()).map(([x, y]) => `${x.task}: ${x.worker} ${new Date(x.from).toISOString()}..${new Date(x.to).toISOString()} and ${y.worker} ${new Date(y.from).toISOString()}..${new Date(y.to).toISOString()}`);
  const held = [...ns.relays.values()].reduce((n, r) => n + r.held.up + r.held.down, 0);
  process.stdout.write(`# ${title}: ${report.distinct} distinct records, ${report.duplicates} duplicates, ${held} chunks held back by cuts\n`);
  assert.deepEqual(both, [], 'no task RUNNING on two workers at overlapping times');
  assert.deepEqual(report.tasks, Array.from({ length: TASKS }, (_, i) => i), 'every task produced');
  for (const [task, missing] of report.missing) assert.deepEqual(missing, [], `task ${task}: nothing missing`);
  assert.equal(report.duplicates, 0, 'exactly once: no record twice');
}

void test('b cut from etcd, not from Kafka: its tasks move to a, and nothing runs twice, is lost or is duplicated', { timeout: 300_000 }, async (t) => {
  await partition(t, 'etcd cut', {
    fault: (ns) => ns.relays.get(ETCD_PORT)?.set({ cutUp: true, cutDown: true, holdNew: true }),
    during: (cluster, names) => cluster.allRunning(names, 60_000, onlyOn('a')),
    holdMs: LEASE_SECONDS * 3000 + 5000,
  });
});

void test('b cut from Kafka, not from etcd: its tasks recover once Kafka is back, nothing lost or duplicated', { timeout: 300_000 }, async (t) => {
  await partition(t, 'Kafka cut', {
    fault: (ns) => ns.relays.get(KAFKA_PORT)?.set({ cutUp: true, cutDown: true, holdNew: true }),
    holdMs: 15_000,
  });
});

void test('a one-way cut: etcd hears b (its keep-alives too) but b hears nothing back; nothing runs twice, is lost or is duplicated', { timeout: 300_000 }, async (t) => {
  await partition(t, 'one-way etcd cut', {
    fault: (ns) => ns.relays.get(ETCD_PORT)?.set({ cutDown: true }),
    holdMs: LEASE_SECONDS * 3000 + 5000,
  });
});

void test('500 ms latency each way and 5% loss between b and both Kafka and etcd: the cluster carries on, nothing lost or duplicated', { timeout: 300_000 }, async (t) => {
  await partition(t, 'latency and loss', {
    fault: (ns) => {
      for (const port of [KAFKA_PORT, ETCD_PORT]) ns.relays.get(port)?.set({ latencyMs: 500, loss: 0.05, retransmissionMs: 300 });
    },
    holdMs: 20_000,
  });
});
