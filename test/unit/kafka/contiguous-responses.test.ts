import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DynamicBuffer } from '@platformatic/dynamic-buffer';
import '../../../host/kafka/contiguous-responses.ts';

void test('a response view over several socket chunks becomes one contiguous buffer with the same bytes and reads', () => {
  const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
  const chunks = [bytes.subarray(0, 70), bytes.subarray(70, 71), bytes.subarray(71, 200), bytes.subarray(200)];
  const whole = new DynamicBuffer(chunks);
  const view = whole.subarray(5, 290);
  assert.equal(view.buffers.length, 1, 'one buffer: the library\'s fast path');
  assert.deepEqual(view.slice(), bytes.subarray(5, 290));
  const reference = new DynamicBuffer(bytes.subarray(5, 290));
  for (let offset = 0; offset < 280; offset += 7) assert.deepEqual(view.readUnsignedVarInt(offset), reference.readUnsignedVarInt(offset), `varint at ${offset}`);
  const inOne = whole.subarray(80, 150);
  assert.deepEqual(inOne.slice(), bytes.subarray(80, 150), 'a view inside one chunk is unchanged');
});
