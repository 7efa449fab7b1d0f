import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SinkConsumer } from '../../../host/kafka/consumer.ts';
import type { SinkBatch, TopicPartition } from '../../../host/kafka/sink-records.ts';
import { BOOTSTRAP, eventually, producingFixture, logger, uniqueName } from './helpers.ts';
import type { ProducingFixture } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

function connectorName(): string {
  const name = uniqueName('sink');
  fx.groups.push(`connect-${name}`);
  return name;
}

async function produce(topic: string, n: number, from = 0, partition?: number): Promise<void> {
  await fx.producer.send(Array.from({ length: n }, (_, i) => ({ topic, key: `k${from + i}`, value: `v${from + i}`, ...(partition === undefined ? {} : { partition }) })));
}

void test('group connect-<name> commits only offsets declared durable', async () => {
  const topic = await fx.topic('sink-in');
  await produce(topic, 10);
  const name = connectorName();
  const seen: bigint[] = [];
  const consumer = await SinkConsumer.create({
    kafka: fx.kafka,
    connector: name,
    logger,
    subscription: { topics: [topic] },
    onBatch: (b) => {
      seen.push(...b.messages.map((m) => m.offset));
      return Promise.resolve();
    },
  });
  assert.equal(consumer.groupId, `connect-${name}`);
  await eventually(() => (seen.length === 10 ? true : undefined), 'ten records');
  consumer.markDurable([{ topic, partition: 0, offset: 6n }]);
  consumer.markDurable([{ topic, partition: 0, offset: 4n }]);
  await consumer.commit();
  assert.equal((await fx.admin.groupOffsets(consumer.groupId, [topic])).get(topic)?.get(0), 6n);
  await consumer.close();
  assert.equal((await fx.admin.groupOffsets(`connect-${name}`, [topic])).get(topic)?.get(0), 6n);

  const again: bigint[] = [];
  const restarted = await SinkConsumer.create({
    kafka: fx.kafka,
    connector: name,
    logger,
    subscription: { topicsRegex: new RegExp(`^${topic}$`) },
    onBatch: (b) => {
      again.push(...b.messages.map((m) => m.offset));
      return Promise.resolve();
    },
  });
  await eventually(() => (again.length === 4 ? true : undefined), 'the four records after the durable offset');
  assert.deepEqual(again, [6n, 7n, 8n, 9n]);
  await restarted.close();
});

void test('a paused consumer delivers nothing until resumed (the client pauses the whole consumer, not one partition)', async () => {
  const topic = await fx.topic('sink-pause', 2);
  const name = connectorName();
  const seen: string[] = [];
  const consumer = await SinkConsumer.create({
    kafka: fx.kafka,
    connector: name,
    logger,
    subscription: { topics: [topic] },
    onBatch: (b) => {
      seen.push(...b.messages.map((m) => `${b.partition}:${m.value?.toString()}`));
      return Promise.resolve();
    },
  });
  try {
    await eventually(() => (consumer.assignment().length === 2 ? true : undefined), 'assignment');
    await produce(topic, 1, 0, 1);
    await eventually(() => (seen.length === 1 ? true : undefined), 'a first record');
    consumer.pause([{ topic, partition: 0 }]);
    assert.deepEqual(consumer.paused(), [{ topic, partition: 0 }]);
    await produce(topic, 3, 0, 0);
    await produce(topic, 3, 100, 1);
    // Several fetch.max.wait.ms (500 ms) rounds: a consumer that still fetched would have delivered by now.
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(seen, ['1:v0'], 'nothing delivered while paused');
    consumer.resume([{ topic, partition: 0 }]);
    assert.deepEqual(consumer.paused(), []);
    await eventually(() => (seen.length === 7 ? true : undefined), 'every record after resume');
    assert.deepEqual(seen.filter((s) => s.startsWith('0:')), ['0:v0', '0:v1', '0:v2']);
    assert.deepEqual(seen.filter((s) => s.startsWith('1:')), ['1:v0', '1:v100', '1:v101', '1:v102']);
  } finally {
    await consumer.close();
  }
});

void test('no record is lost when a second consumer joins and partitions move', async () => {
  const topic = await fx.topic('sink-rebalance', 4);
  const name = connectorName();
  const total = 80;
  await produce(topic, total / 2);
  const delivered = new Map<string, Set<string>>();
  const firstOffsetAfterMove = new Map<number, bigint>();
  const durableOnA = new Map<number, bigint>();
  const revokedFromA: TopicPartition[] = [];

  const refs: { a?: SinkConsumer; b?: SinkConsumer } = {};
  const sink = (id: 'a' | 'b') => (b: SinkBatch) => {
    const mine = delivered.get(id) ?? new Set<string>();
    delivered.set(id, mine);
    for (const m of b.messages) mine.add(m.value?.toString() ?? '');
    if (id === 'b' && !firstOffsetAfterMove.has(b.partition)) firstOffsetAfterMove.set(b.partition, b.messages[0]?.offset ?? -1n);
    const last = b.messages.at(-1);
    // The "task" writes each batch durably before returning, then declares the offsets durable.
    if (last !== undefined && id === 'a') durableOnA.set(b.partition, last.offset + 1n);
    if (last !== undefined) refs[id]?.markDurable([{ topic, partition: b.partition, offset: last.offset + 1n }]);
    return Promise.resolve();
  };

  const a = await SinkConsumer.create({
    kafka: fx.kafka, connector: name, logger, subscription: { topics: [topic] },
    onBatch: sink('a'),
    onRevoked: (tps) => revokedFromA.push(...tps),
    sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500,
  });
  refs.a = a;
  let b: SinkConsumer | undefined;
  try {
    await eventually(() => ((delivered.get('a')?.size ?? 0) === total / 2 ? true : undefined), 'first half on A');
    const durableBeforeJoin = new Map(durableOnA);
    b = await SinkConsumer.create({
      kafka: fx.kafka, connector: name, logger, subscription: { topics: [topic] },
      onBatch: sink('b'),
      sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500,
    });
    refs.b = b;
    const bb = b;
    await eventually(() => (a.assignment().length + bb.assignment().length === 4 && bb.assignment().length > 0 ? true : undefined), 'rebalanced assignment');
    await produce(topic, total / 2, total / 2);
    const all = (): Set<string> => new Set([...(delivered.get('a') ?? []), ...(delivered.get('b') ?? [])]);
    await eventually(() => (all().size === total ? true : undefined), 'every record delivered once the group settled');
    assert.ok(revokedFromA.length > 0, 'A gave partitions up');
    // B took over the moved partitions where A's durable offsets were committed, not from the beginning.
    for (const [p, first] of firstOffsetAfterMove) {
      assert.ok(first >= (durableBeforeJoin.get(p) ?? 0n), `partition ${p} restarted from ${first}, durable was ${durableBeforeJoin.get(p)}`);
    }
    await a.commit();
    await b.commit();
  } finally {
    await b?.close();
    await a.close();
  }
  const committed = (await fx.admin.groupOffsets(`connect-${name}`, [topic])).get(topic);
  const ends = await fx.admin.endOffsets(topic);
  for (const [p, { high }] of ends) assert.equal(committed?.get(p), high, `partition ${p} committed to its end`);
});

void test('a listed topic that does not exist yet is waited for, not an error: created later, it is consumed (as Kafka Connect)', async () => {
  const topic = uniqueName('sink-later');
  fx.topics.push(topic);
  const name = connectorName();
  const seen: string[] = [];
  const consumer = await SinkConsumer.create({
    kafka: fx.kafka,
    connector: name,
    logger,
    subscription: { topics: [topic] },
    regexRefreshMs: 200,
    onBatch: (b) => {
      seen.push(...b.messages.map((m) => String(m.value)));
      return Promise.resolve();
    },
  });
  try {
    assert.deepEqual(consumer.assignment(), [], 'nothing to consume yet');
    await fx.admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1, configs: {} });
    await produce(topic, 2, 0, 0);
    await eventually(() => (seen.length === 2 ? true : undefined), 'the records of the topic created after the consumer');
    assert.deepEqual(seen, ['v0', 'v1']);
  } finally {
    await consumer.close();
  }
});

/** A member in another process joins the group and is killed -9: it leaves no LeaveGroup, only an 8 s session to expire. */
async function killedMember(group: string, topic: string): Promise<void> {
  const script = `
    import { Consumer } from '@platformatic/kafka';
    const c = new Consumer({ clientId: 'doomed', bootstrapBrokers: [${JSON.stringify(BOOTSTRAP)}], groupId: ${JSON.stringify(group)}, sessionTimeout: 8000, heartbeatInterval: 500, autocommit: false });
    await c.consume({ topics: [${JSON.stringify(topic)}], autocommit: false });
    process.stdout.write('joined\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => (d.toString().includes('joined') ? resolve() : undefined));
    child.on('exit', (code) => reject(new Error(`the member process exited with ${code}`)));
  });
  child.kill('SIGKILL');
}

void test('joinInBackground: create() returns while a killed member still holds the group; the join completes when its session expires', async () => {
  const topic = await fx.topic('sink-bg-join');
  await produce(topic, 5);
  const name = connectorName();
  await killedMember(`connect-${name}`, topic);
  const seen: string[] = [];
  const consumer = await SinkConsumer.create({
    kafka: fx.kafka,
    connector: name,
    logger,
    subscription: { topics: [topic] },
    joinInBackground: true,
    onBatch: (b) => {
      seen.push(...b.messages.map((m) => String(m.value)));
      return Promise.resolve();
    },
  });
  try {
    // The group cannot rebalance before the dead member's session expires, so nothing is assigned yet.
    assert.deepEqual(consumer.assignment(), [], 'create() did not wait for the join');
    await eventually(() => (seen.length === 5 ? true : undefined), 'the records, once the dead member expired', 30_000);
    assert.deepEqual(seen, ['v0', 'v1', 'v2', 'v3', 'v4']);
    assert.equal(consumer.assignment().length, 1);
  } finally {
    await consumer.close();
  }
});

void test('joinInBackground: closed while its join waits, the consumer closes its client once the join settles; the process carries on, no member stays', async () => {
  const topic = await fx.topic('sink-bg-close');
  await produce(topic, 3);
  const name = connectorName();
  await killedMember(`connect-${name}`, topic);
  const consumer = await SinkConsumer.create({ kafka: fx.kafka, connector: name, logger, subscription: { topics: [topic] }, joinInBackground: true, onBatch: () => Promise.resolve() });
  await new Promise((r) => setTimeout(r, 300));
  // The join waits for the killed member's session: close() now leaves the client to be closed once consume() settles
  // (a client closed under its join can hand back a stream that fails before anyone listens: that took a worker down
  // in network-partitions.test.ts's latency case). Either way the member must not stay.
  await consumer.close();
  assert.deepEqual(consumer.assignment(), []);
  const admin = fx.reference.admin();
  await admin.connect();
  try {
    await eventually(async () => {
      const { groups } = await admin.describeGroups([`connect-${name}`]);
      return groups[0]?.members.length === 0 ? true : undefined;
    }, 'no member left in the group', 30_000);
  } finally {
    await admin.disconnect();
  }
});
