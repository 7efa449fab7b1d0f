/** Kafka Connect's task hooks through the SDK's test harness: what a worker would call and receive. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineSink, defineSource, RetriableError } from '../../../sdk/index.ts';
import type { RecordMetadata, SinkRecord, SinkTaskContext, SourceRecord, TopicPartition } from '../../../sdk/index.ts';
import { createTaskHarness } from '../../../sdk/testing.ts';

const rec = (offset: number, partition = 0): SinkRecord => ({ topic: 't', partition, offset, key: null, value: offset, headers: {}, timestamp: 0 });

function recordingSink(behaviour: { failPuts?: number } = {}) {
  const calls: string[] = [];
  let ctx: SinkTaskContext | null = null;
  let fails = behaviour.failPuts ?? 0;
  const def = defineSink({
    className: 'RecordingSink',
    config: [],
    task: () => ({
      start(c: SinkTaskContext) {
        ctx = c;
      },
      open(partitions: TopicPartition[]) {
        calls.push(`open ${partitions.map((p) => `${p.topic}/${p.partition}`).join(',')}`);
      },
      put(records: SinkRecord[]) {
        if (fails > 0) {
          fails--;
          ctx?.timeout(250);
          throw new RetriableError('busy, try again');
        }
        calls.push(`put ${records.map((r) => r.offset).join(',')}`);
        if (records.some((r) => r.offset === 3)) ctx?.offset('t', 0, 1);
        if (records.some((r) => r.offset === 5)) ctx?.requestCommit();
      },
      close(partitions: TopicPartition[]) {
        calls.push(`close ${partitions.map((p) => `${p.topic}/${p.partition}`).join(',')}`);
      },
      stop() {
        calls.push('stop');
      },
    }),
  });
  return { def, calls, ctx: () => ctx };
}

void test('open and close reach the task and keep context.assignment current', async () => {
  const { def, calls, ctx } = recordingSink();
  const h = createTaskHarness(def, { config: {} });
  await h.start();
  assert.equal(await h.open([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]), null);
  assert.deepEqual(ctx()?.assignment(), [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
  await h.put([rec(0), rec(1, 1)]);
  await h.close([{ topic: 't', partition: 1 }]);
  assert.deepEqual(ctx()?.assignment(), [{ topic: 't', partition: 0 }]);
  await h.stop();
  assert.deepEqual(calls, ['open t/0,t/1', 'put 0,1', 'close t/1', 'stop']);
});

void test('a RetriableError from put comes back as a retry with the timeout the task set; the batch was not taken', async () => {
  const { def, calls } = recordingSink({ failPuts: 2 });
  const h = createTaskHarness(def, { config: {} });
  await h.start();
  const batch = [rec(0), rec(1)];
  assert.deepEqual(await h.put(batch), { timeoutMs: 250, retry: { message: 'busy, try again' } });
  assert.deepEqual(await h.put(batch), { timeoutMs: 250, retry: { message: 'busy, try again' } });
  assert.equal(await h.put(batch), null);
  assert.deepEqual(calls, ['put 0,1']);
});

void test('any other error from put still fails the call', async () => {
  const def = defineSink({ className: 'Broken', config: [], task: () => ({ start() {}, put() { throw new TypeError('bug'); }, stop() {} }) });
  const h = createTaskHarness(def, { config: {} });
  await h.start();
  await assert.rejects(h.put([rec(0)]), /bug/);
});

void test('context.offset and requestCommit come back with the result of the call that made them, once', async () => {
  const { def } = recordingSink();
  const h = createTaskHarness(def, { config: {} });
  await h.start();
  assert.deepEqual(await h.put([rec(2), rec(3)]), { offsets: { 't/0': 1 } });
  assert.equal(await h.put([rec(4)]), null);
  assert.deepEqual(await h.put([rec(5)]), { commit: true });
});

void test('context.offset and timeout refuse values that are not offsets or durations', async () => {
  let ctx: SinkTaskContext | null = null;
  const def = defineSink({ className: 'S', config: [], task: () => ({ start(c: SinkTaskContext) { ctx = c; }, put() {}, stop() {} }) });
  const h = createTaskHarness(def, { config: {} });
  await h.start();
  assert.throws(() => ctx!.offset({ 't/0': -1 }), /not a Kafka offset/);
  assert.throws(() => ctx!.offset('t', 0, 1.5), /not a Kafka offset/);
  assert.throws(() => ctx!.timeout(Number.NaN), /not a duration/);
});

void test('commitRecord gets each record poll returned, in order, with the metadata of its batch', async () => {
  const acked: [unknown, RecordMetadata | null][] = [];
  let n = 0;
  const def = defineSource({
    className: 'Counter',
    config: [],
    task: () => ({
      start() {},
      poll: (): SourceRecord[] => [0, 1].map(() => ({ topic: 't', value: n++, sourcePartition: {}, sourceOffset: { n } })),
      commitRecord: (record: SourceRecord, metadata: RecordMetadata | null) => void acked.push([record.value, metadata]),
      stop() {},
    }),
  });
  const h = createTaskHarness(def, { config: {} });
  await h.start();
  await h.poll();
  await h.poll();
  await h.commitRecords([{ topic: 't', partition: 0, offset: 10 }, null]);
  await h.commitRecords([{ topic: 't', partition: 0, offset: 11 }, { topic: 't', partition: 0, offset: 12 }]);
  assert.deepEqual(acked, [
    [0, { topic: 't', partition: 0, offset: 10 }], [1, null],
    [2, { topic: 't', partition: 0, offset: 11 }], [3, { topic: 't', partition: 0, offset: 12 }],
  ]);
});
