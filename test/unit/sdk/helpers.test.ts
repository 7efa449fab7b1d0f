import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64Decode, base64Encode, Schemas } from '../../../sdk/index.ts';

test('base64Decode inverts base64Encode and agrees with Buffer, padded or not', () => {
  for (let n = 0; n < 40; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
    const text = base64Encode(bytes);
    assert.equal(text, Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64Decode(text), bytes);
    assert.deepEqual(base64Decode(text.replace(/=+$/, '')), bytes);
  }
  assert.throws(() => base64Decode('ab$d'), /invalid base64 character "\$"/);
  assert.throws(() => base64Decode('abcde'), /invalid base64: length 5/);
});

test('Schemas builds the JsonConverter schema JSON Kafka Connect writes', () => {
  const row = Schemas.struct(
    { id: Schemas.int32(), name: Schemas.string({ optional: true }), tags: Schemas.array(Schemas.string()), at: Schemas.timestamp(), price: Schemas.decimal(2, { precision: 10 }) },
    { name: 'shop.Row', optional: false },
  );
  assert.deepEqual(JSON.parse(JSON.stringify(row)), {
    type: 'struct',
    optional: false,
    name: 'shop.Row',
    fields: [
      { type: 'int32', optional: false, field: 'id' },
      { type: 'string', optional: true, field: 'name' },
      { type: 'array', items: { type: 'string', optional: false }, optional: false, field: 'tags' },
      { type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1, field: 'at' },
      { type: 'bytes', optional: false, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' }, field: 'price' },
    ],
  });
  assert.equal(Schemas.optional(Schemas.float64()).optional, true);
  assert.deepEqual(Schemas.map(Schemas.string(), Schemas.int64()), { type: 'map', keys: { type: 'string', optional: false }, values: { type: 'int64', optional: false }, optional: false });
  assert.ok(Object.isFrozen(row));
});
