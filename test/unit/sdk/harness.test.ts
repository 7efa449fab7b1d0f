import assert from 'node:assert/strict';
import { test } from 'node:test';
import countingSink from '../../../plugins/counting-sink/src/index.ts';
import datagen from '../../../plugins/datagen/src/index.ts';
import { createTaskHarness } from '../../../sdk/testing.ts';

const config = { topic: 'orders', 'record.size': '64', 'key.space': '10', seed: '7', 'batch.size': '50' };

test('datagen is deterministic for a seed and honours record size and key space', async () => {
  const run = async () => {
    const h = createTaskHarness(datagen, { config });
    await h.start();
    const records = await h.pollUntil(120);
    await h.stop();
    return records;
  };
  const a = await run();
  const b = await run();
  assert.equal(a.length, 150);
  assert.deepEqual(a.map((r) => [r.key, r.value]), b.map((r) => [r.key, r.value]));
  assert.ok(a.every((r) => r.topic === 'orders' && typeof r.value === 'string' && r.value.length === 64));
  assert.ok(a.every((r) => typeof r.key === "string" && /^key-\d$/.test(r.key)));
  assert.deepEqual(a[49]?.sourceOffset, { seq: 50 });
});

test('datagen resumes the same sequence from a committed offset', async () => {
  const first = createTaskHarness(datagen, { config });
  await first.start();
  const all = await first.pollUntil(100);
  const offsets = new Map([[JSON.stringify({ task: 0 }), { seq: 50 }]]);
  const resumed = createTaskHarness(datagen, { config, offsets });
  await resumed.start();
  const next = await resumed.poll();
  assert.deepEqual(next.map((r) => r.value), all.slice(50, 100).map((r) => r.value));
});

test('datagen stops at max.records and validates its config', async () => {
  const h = createTaskHarness(datagen, { config: { ...config, 'max.records': '70' }, clock: { now: () => 0, sleep: () => Promise.resolve() } });
  await h.start();
  assert.equal((await h.pollUntil(1000, 5)).length, 70);
  assert.deepEqual(await h.validate({ topic: '', rate: '-2' }), {
    topic: ['Invalid value for configuration topic: must be non-empty'],
    rate: ['Invalid value -2 for configuration rate: Value must be at least 0'],
  });
});

test('datagen with value.sequence numbers each value with its task and sequence, continuing after a restart', async () => {
  const first = createTaskHarness(datagen, { config: { ...config, 'value.sequence': 'true' } });
  await first.start();
  const records = await first.pollUntil(60);
  const values = records.map((r) => JSON.parse(r.value as string) as { task: number; seq: number; payload: string });
  assert.deepEqual(values.map((v) => v.seq), Array.from({ length: records.length }, (_, i) => i + 1));
  assert.ok(values.every((v) => v.task === 0 && v.payload.length === 64));
  const resumed = createTaskHarness(datagen, { config: { ...config, 'value.sequence': 'true' }, offsets: new Map([[JSON.stringify({ task: 0 }), { seq: 50 }]]) });
  await resumed.start();
  const next = (await resumed.poll()).map((r) => (JSON.parse(r.value as string) as { seq: number }).seq);
  assert.equal(next[0], 51);
});

test('counting sink counts what it is given and reports offsets durable', async () => {
  const h = createTaskHarness(countingSink, { config: { topics: 't', 'log.every': '2' } });
  await h.start();
  await h.put([1, 2, 3].map((offset) => ({ topic: 't', partition: 0, offset, key: null, value: 'abcd', headers: {}, timestamp: 0 })));
  assert.deepEqual(await h.preCommit({ 't/0': 4 }), { 't/0': 4 });
  await h.stop();
  assert.deepEqual(h.logs.find((l) => l.msg === 'counting sink stopped')?.fields, { records: 3, bytes: 12 });
  assert.deepEqual(await h.taskConfigs(3), [{ topics: 't', 'log.every': '2' }, { topics: 't', 'log.every': '2' }, { topics: 't', 'log.every': '2' }]);
});
