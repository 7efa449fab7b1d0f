import assert from 'node:assert/strict';
import { test } from 'node:test';
import { approximateBytes, TenantThrottle, TokenBucket } from '../../../host/tenants/throttle.ts';

void test('a token bucket allows one second\'s worth, then says how long to wait for more', () => {
  let now = 0;
  const b = new TokenBucket(100, () => now);
  assert.equal(b.reserve(60), 0);
  assert.equal(b.reserve(40), 0);
  assert.equal(b.reserve(50), 500, '50 tokens at 100/s: half a second');
  now = 500;
  assert.equal(b.reserve(0), 0, 'the debt is paid after the wait');
  now = 10_000;
  assert.equal(b.reserve(100), 0, 'refilled, but never past one second\'s worth');
  assert.equal(b.reserve(100), 1000);
});

void test('a tenant throttle waits for the slower of records and bytes, counts what moved and how long it waited', () => {
  const now = 0;
  const t = new TenantThrottle('acme', { recordsPerSecond: 1000, bytesPerSecond: 10_000 }, () => now);
  assert.equal(t.countsBytes, true);
  assert.equal(t.admit(500, 5_000), 0);
  assert.equal(t.admit(500, 15_000), 1000, 'bytes: 10,000 over the second\'s budget at 10,000/s');
  const u = t.usage();
  assert.deepEqual([u.records, u.bytes, u.throttledMs], [1000, 20_000, 1000]);
  assert.deepEqual(u.quotas, { recordsPerSecond: 1000, bytesPerSecond: 10_000 });
  assert.equal(new TenantThrottle('free', {}).admit(1e9, 1e12), 0, 'no quotas: never waits');
  assert.equal(new TenantThrottle('free', {}).countsBytes, false);
});

void test('capability calls beyond the concurrency quota wait for a slot', async () => {
  const t = new TenantThrottle('acme', { maxConcurrentCapabilityCalls: 1 });
  const first = await t.call();
  let second = false;
  const p = t.call().then((done) => {
    second = true;
    return done;
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(second, false, 'the second call waits while the first is in flight');
  first();
  (await p)();
  assert.equal(second, true);
  assert.equal(t.usage().capabilityCalls, 2);
});

void test('batch bytes are approximated from keys and values', () => {
  assert.equal(approximateBytes([{ key: 'ab', value: 'cdef' }, { key: null, value: { a: 1 } }, { value: undefined }]), 2 + 4 + 7);
});
