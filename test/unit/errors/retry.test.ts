import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConveyorError, ErrorCode, RetriesExhaustedError } from '../../../host/core/errors.ts';
import { backoffDelay, isRetriable, retryWithBackoff } from '../../../host/errors/retry.ts';
import type { Clock } from '../../../host/errors/retry.ts';

class FakeClock implements Clock {
  t = 0;
  sleeps: number[] = [];
  now = (): number => this.t;
  random = (): number => 0.5;
  sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  };
}

const retriable = (n: number): ConveyorError => new ConveyorError(ErrorCode.unavailable, `attempt ${n}`, { retriable: true });

void test('backoff doubles from 300 ms, is capped, and jitters within [cap/2, cap]', () => {
  assert.equal(backoffDelay(1, 60_000, () => 0), 150);
  assert.equal(backoffDelay(1, 60_000, () => 0.999999), 299);
  assert.equal(backoffDelay(3, 60_000, () => 0), 600);
  assert.equal(backoffDelay(30, 1_000, () => 0), 500);
  assert.equal(backoffDelay(30, 1_000, () => 0.5), 750);
});

void test('retriable errors are retried until success', async () => {
  const clock = new FakeClock();
  let calls = 0;
  const v = await retryWithBackoff(() => (++calls < 3 ? Promise.reject(retriable(calls)) : Promise.resolve('done')), { timeoutMs: 10_000, maxDelayMs: 60_000, clock });
  assert.equal(v, 'done');
  assert.deepEqual(clock.sleeps, [225, 450]);
});

void test('the final error keeps every attempt, and waits never pass the deadline', async () => {
  const clock = new FakeClock();
  let calls = 0;
  const p = retryWithBackoff(() => Promise.reject(retriable(++calls)), { timeoutMs: 1_000, maxDelayMs: 60_000, clock });
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RetriesExhaustedError);
    assert.deepEqual(e.attempts.map((a) => (a as Error).message), ['attempt 1', 'attempt 2', 'attempt 3', 'attempt 4']);
    assert.equal((e.cause as Error).message, 'attempt 4');
    return true;
  });
  assert.deepEqual(clock.sleeps, [225, 450, 325]);
  assert.equal(clock.t, 1_000);
});

void test('timeout 0 means a single attempt', async () => {
  const clock = new FakeClock();
  await assert.rejects(retryWithBackoff(() => Promise.reject(retriable(1)), { timeoutMs: 0, maxDelayMs: 60_000, clock }), RetriesExhaustedError);
  assert.deepEqual(clock.sleeps, []);
});

void test('non-retriable and programming errors are thrown at once', async () => {
  const clock = new FakeClock();
  const plain = new ConveyorError(ErrorCode.badRequest, 'bad');
  await assert.rejects(retryWithBackoff(() => Promise.reject(plain), { timeoutMs: -1, maxDelayMs: 10, clock }), (e) => e === plain);
  const bug = Object.assign(new TypeError('x is undefined'), { retriable: true });
  await assert.rejects(retryWithBackoff(() => Promise.reject(bug), { timeoutMs: -1, maxDelayMs: 10, clock }), (e) => e === bug);
  assert.deepEqual(clock.sleeps, []);
  assert.equal(isRetriable({ retriable: true, name: 'KafkaJSConnectionError' }), true);
  assert.equal(isRetriable(new Error('plain')), false);
});
