/**
 * Kafka Connect's task hooks end to end on the real broker: SDK plugin definitions driven through the SDK runtime
 * (test/helpers/runtime-instance.ts), the worker's task runners and the Kafka pipelines. open/close follow the
 * consumer group's rebalances; a put that throws a RetriableError gets the same batch again; context.offset reads a
 * partition again; commitRecord hears of each record Kafka acknowledged.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineSink, defineSource, RetriableError, topicPartitionKey } from '../../../sdk/index.ts';
import type { RecordMetadata, SinkRecord, SinkTaskContext, SourceRecord, TopicPartition } from '../../../sdk/index.ts';
import type { RuntimeMethod } from '../../../sdk/runtime.ts';
import { KafkaOffsetBackingStore } from '../../../host/storage/kafka-offset-store.ts';
import { SinkTaskRunner, SourceTaskRunner } from '../../../host/worker/task-runner.ts';
import { runtimeInstance } from '../../helpers/runtime-instance.ts';
import { eventually, producingFixture, logger, uniqueName } from '../kafka/helpers.ts';
import type { ProducingFixture } from '../kafka/helpers.ts';
import { factory, noOffsets } from './helpers.ts';

let fx: ProducingFixture;
before(async () => {
  fx = await producingFixture();
});
after(() => fx.cleanup());

const CONFIG = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};

const tpName = (tp: TopicPartition): string => topicPartitionKey(tp.topic, tp.partition);

/** A sink that logs its hooks and checks, at every put, that each record's partition is open. */
function journalingSink(journal: string[], behaviour: { retriablePuts?: number; rewindAt?: number; rewindTo?: number } = {}) {
  let retriable = behaviour.retriablePuts ?? 0;
  let rewound = false;
  return defineSink({
    className: 'JournalingSink',
    config: [],
    task: () => {
      let ctx: SinkTaskContext | null = null;
      return {
        start(c: SinkTaskContext) {
          ctx = c;
        },
        open(partitions: TopicPartition[]) {
          journal.push(`open ${partitions.map(tpName).sort().join(',')}`);
        },
        put(records: SinkRecord[]) {
          const open = new Set(ctx!.assignment().map(tpName));
          for (const r of records) if (!open.has(topicPartitionKey(r.topic, r.partition))) journal.push(`PUT OF A CLOSED PARTITION ${r.partition}`);
          if (records.length === 0) return;
          if (retriable > 0) {
            retriable--;
            ctx!.timeout(100);
            journal.push(`retriable ${records.map((r) => r.offset).join(',')}`);
            throw new RetriableError('the external system is busy');
          }
          if (!rewound && behaviour.rewindAt !== undefined && records.some((r) => r.offset === behaviour.rewindAt)) {
            rewound = true;
            ctx!.offset(records[0]!.topic, 0, behaviour.rewindTo ?? 0);
          }
          journal.push(`put ${records.map((r) => `${r.partition}:${r.offset}`).join(',')}`);
        },
        close(partitions: TopicPartition[]) {
          journal.push(`close ${partitions.map(tpName).sort().join(',')}`);
        },
        stop() {
          journal.push('stop');
        },
      };
    },
  });
}

const putOffsets = (journal: string[], partition = 0): number[] =>
  journal.filter((l) => l.startsWith('put ')).flatMap((l) => l.slice(4).split(',')).filter((x) => x.startsWith(`${partition}:`)).map((x) => Number(x.split(':')[1]));

async function committed(group: string, topic: string, partition = 0): Promise<bigint | undefined> {
  return (await fx.admin.groupOffsets(group, [topic])).get(topic)?.get(partition);
}

function sinkTask(f: ReturnType<typeof factory>, connector: string, taskId: number, topic: string, def: ReturnType<typeof journalingSink>, failures: unknown[], calls: RuntimeMethod[] = []) {
  const config = { ...CONFIG, 'connector.class': 'JournalingSink', topics: topic };
  const pipeline = f.sinkSource(connector, taskId, config);
  const runner = new SinkTaskRunner({ connector, taskId, config, instance: runtimeInstance(def, `${connector}-${taskId}`, calls), log: logger, commitIntervalMs: 100, onFailure: (e) => failures.push(e) }, pipeline);
  return {
    pipeline,
    runner,
    async start() {
      await pipeline.start();
      await runner.start();
    },
    async stop() {
      await runner.stop();
      await pipeline.stop();
    },
  };
}

void test('open and close follow the group: a second task takes a partition, the first closes it first and puts none of it after', { timeout: 120_000 }, async () => {
  const topic = await fx.topic('hooks-rebalance', 2);
  const connector = uniqueName('hooks-rb');
  fx.groups.push(`connect-${connector}`);
  const f = factory(noOffsets);
  const a: string[] = [];
  const b: string[] = [];
  const failures: unknown[] = [];
  const first = sinkTask(f, connector, 0, topic, journalingSink(a), failures);
  const second = sinkTask(f, connector, 1, topic, journalingSink(b), failures);
  try {
    await fx.producer.send([0, 1].flatMap((p) => Array.from({ length: 5 }, (_, i) => ({ topic, partition: p, key: `k${i}`, value: `{"n":${i}}` }))));
    await first.start();
    await eventually(() => (a.includes(`open ${topic}/0,${topic}/1`) ? true : undefined), 'the first task opened both partitions', 30_000);
    await eventually(() => (putOffsets(a, 0).length >= 5 && putOffsets(a, 1).length >= 5 ? true : undefined), 'the first task put both partitions');
    await second.start();
    await eventually(() => (b.some((l) => l.startsWith('open ')) ? true : undefined), 'the second task opened a partition', 60_000);
    const taken = b.find((l) => l.startsWith('open '))!.slice(5).split(',');
    await eventually(() => (taken.every((tp) => a.some((l) => l.startsWith('close ') && l.includes(tp))) ? true : undefined), 'the first task closed what the second took', 30_000);
    // New records on both partitions: each goes to the task that holds its partition now.
    await fx.producer.send([0, 1].flatMap((p) => Array.from({ length: 5 }, (_, i) => ({ topic, partition: p, key: `k${i}`, value: `{"n":${5 + i}}` }))));
    await eventually(() => ([0, 1].every((p) => new Set([...putOffsets(a, p), ...putOffsets(b, p)]).size === 10) ? true : undefined), 'every record put by one task or the other', 30_000);
    await second.stop();
    assert.ok(b.at(-2)?.startsWith('close '), `the second task closes its partitions before it stops: ${b.join(' | ')}`);
    assert.equal(b.at(-1), 'stop');
  } finally {
    await second.stop();
    await first.stop();
    await f.close();
  }
  assert.deepEqual(failures, []);
  assert.deepEqual([...a, ...b].filter((l) => l.startsWith('PUT OF A CLOSED')), [], 'no record is put for a partition that is not open');
  // Every put of a partition happens between an open and a close of it.
  for (const journal of [a, b]) {
    const open = new Set<string>();
    for (const line of journal) {
      if (line.startsWith('open ')) for (const tp of line.slice(5).split(',')) open.add(tp);
      if (line.startsWith('close ')) for (const tp of line.slice(6).split(',')) open.delete(tp);
      if (line.startsWith('put ')) for (const x of line.slice(4).split(',')) assert.ok(open.has(`${topic}/${x.split(':')[0]}`), `${line} while open is ${[...open].join(',')}`);
    }
  }
  assert.equal(a.at(-1), 'stop');
});

void test('a put that throws a RetriableError gets the same batch again after the timeout the task set, and the task keeps running', { timeout: 60_000 }, async () => {
  const topic = await fx.topic('hooks-retry', 1);
  const connector = uniqueName('hooks-retry');
  fx.groups.push(`connect-${connector}`);
  await fx.producer.send(Array.from({ length: 5 }, (_, i) => ({ topic, key: `k${i}`, value: `{"n":${i}}` })));
  const f = factory(noOffsets);
  const journal: string[] = [];
  const failures: unknown[] = [];
  const task = sinkTask(f, connector, 0, topic, journalingSink(journal, { retriablePuts: 2 }), failures);
  try {
    await task.start();
    await eventually(() => (putOffsets(journal).length === 5 ? true : undefined), 'the batch taken at the third delivery', 30_000);
    await eventually(async () => ((await committed(`connect-${connector}`, topic)) === 5n ? true : undefined), 'offset 5 committed');
  } finally {
    await task.stop();
    await f.close();
  }
  assert.deepEqual(failures, []);
  const deliveries = journal.filter((l) => l.startsWith('retriable ') || l.startsWith('put '));
  assert.equal(deliveries.length, 3);
  const [firstTry, secondTry, taken] = deliveries.map((l) => l.replace(/^\w+ /, '').replace(/\d+:/g, ''));
  assert.equal(firstTry, secondTry, 'the same batch, redelivered');
  assert.equal(firstTry, taken);
  assert.deepEqual(putOffsets(journal), [0, 1, 2, 3, 4]);
});

void test('context.offset reads a partition again from the offset the task gave', { timeout: 90_000 }, async () => {
  const topic = await fx.topic('hooks-rewind', 1);
  const connector = uniqueName('hooks-rewind');
  fx.groups.push(`connect-${connector}`);
  await fx.producer.send(Array.from({ length: 5 }, (_, i) => ({ topic, key: `k${i}`, value: `{"n":${i}}` })));
  const f = factory(noOffsets);
  const journal: string[] = [];
  const failures: unknown[] = [];
  const task = sinkTask(f, connector, 0, topic, journalingSink(journal, { rewindAt: 4, rewindTo: 2 }), failures);
  try {
    await task.start();
    await eventually(() => {
      const seen = putOffsets(journal);
      return seen.filter((o) => o === 2).length === 2 && seen.filter((o) => o === 4).length === 2 ? true : undefined;
    }, 'offsets 2 to 4 put again', 20_000).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}; committed ${await committed(`connect-${connector}`, topic)}; the task saw: ${journal.join(' | ')}`);
    });
    await eventually(async () => ((await committed(`connect-${connector}`, topic)) === 5n ? true : undefined), 'offset 5 committed');
  } finally {
    await task.stop();
    await f.close();
  }
  assert.deepEqual(failures, []);
  const seen = putOffsets(journal);
  const again = seen.slice(seen.lastIndexOf(4) === seen.indexOf(4) ? seen.length : seen.indexOf(4) + 1);
  assert.deepEqual(again, [2, 3, 4], `read again from offset 2: ${seen.join(',')}`);
});

void test('commitRecord hears of every record with where Kafka wrote it, one crossing per batch', async () => {
  const topic = await fx.topic('hooks-commit-record', 1);
  const connector = uniqueName('hooks-src');
  const acked: [unknown, RecordMetadata | null][] = [];
  let n = 0;
  const def = defineSource({
    className: 'Numbers',
    config: [],
    task: () => ({
      start() {},
      poll: (): SourceRecord[] => (n >= 6 ? [] : [0, 1, 2].map(() => ({ topic, key: `k${n}`, value: { n: n++ }, sourcePartition: { s: 1 }, sourceOffset: { n } }))),
      commitRecord: (record: SourceRecord, metadata: RecordMetadata | null) => void acked.push([(record.value as { n: number }).n, metadata]),
      stop() {},
    }),
  });
  const offsetsTopic = uniqueName('hooks-offsets');
  fx.topics.push(offsetsTopic);
  const store = new KafkaOffsetBackingStore({ kafka: fx.kafka, admin: fx.admin, producer: fx.producer, logger, topic: offsetsTopic, partitions: 1, replicationFactor: 1 });
  await store.start();
  const f = factory(store, { 'offset.flush.interval.ms': '100' });
  const config = { ...CONFIG, 'connector.class': 'Numbers' };
  const pipeline = f.sourceSink(connector, 0, config);
  const calls: RuntimeMethod[] = [];
  const failures: unknown[] = [];
  const runner = new SourceTaskRunner({ connector, taskId: 0, config, instance: runtimeInstance(def, connector, calls), log: logger, onFailure: (e) => failures.push(e) }, pipeline, null);
  try {
    await pipeline.start();
    await runner.start();
    await eventually(() => (acked.length === 6 ? true : undefined), 'six records acknowledged');
  } finally {
    await runner.stop();
    await pipeline.stop();
    await f.close();
    await store.stop();
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(acked, [0, 1, 2, 3, 4, 5].map((i) => [i, { topic, partition: 0, offset: i }]));
  assert.equal(calls.filter((c) => c === 'commitRecords').length, 2, 'one commitRecords crossing per batch');
});
