import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestChunks } from '../../../host/kafka/producer.ts';

test('records are split into produce requests under the byte limit, in order', () => {
  const records = Array.from({ length: 2500 }, (_, i) => ({ topic: 't', key: null, value: Buffer.alloc(1024, i % 256) }));
  const chunks = requestChunks(records, 768 * 1024);
  assert.ok(chunks.length >= 4);
  for (const c of chunks) assert.ok(c.reduce((n, r) => n + 70 + (r.value?.length ?? 0), 0) <= 768 * 1024);
  assert.deepEqual(chunks.flat(), records);
  const big = [{ topic: 't', key: 'k', value: 'x'.repeat(2 * 1024 * 1024) }];
  assert.deepEqual(requestChunks(big), [big], 'one oversize record still goes alone (the broker decides)');
  assert.deepEqual(requestChunks([]), []);
});
