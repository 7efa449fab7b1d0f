import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryTopics } from '../../helpers/in-memory-topics.ts';

const rec = (topic: string, value: string) => ({ topic, value, sourcePartition: {}, sourceOffset: {} });

test('consumers read appended records in order and resume from committed offsets', async () => {
  const topics = new InMemoryTopics();
  await topics.append([rec('a', '1'), rec('a', '2'), rec('b', 'x')]);
  const c = topics.consumer('g', ['a']);
  const got = await c.fetch(10, 0);
  assert.deepEqual(got.map((r) => [r.topic, r.partition, r.offset, r.value]), [['a', 0, 0, '1'], ['a', 0, 1, '2']]);
  assert.deepEqual(c.position(), { 'a/0': 2 });
  await c.commit({ 'a/0': 1 });
  c.close();
  const again = topics.consumer('g', ['a']);
  assert.deepEqual((await again.fetch(10, 0)).map((r) => r.value), ['2']);
  const waiting = again.fetch(10, 5000);
  await topics.append([rec('a', '3')]);
  assert.deepEqual((await waiting).map((r) => r.value), ['3']);
});
