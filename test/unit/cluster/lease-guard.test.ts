import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { LeaseGuard } from '../../../host/cluster/lease-guard.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';

const logger = createJsonLogger({ write: () => undefined });

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

function setup(ttlSeconds = 3, marginMs = 500): { lease: EventEmitter; guard: LeaseGuard; fences: string[] } {
  const lease = new EventEmitter();
  const guard = new LeaseGuard({ lease, ttlSeconds, grantedAt: Date.now(), marginMs, logger });
  const fences: string[] = [];
  guard.onFence((r) => fences.push(r));
  return { lease, guard, fences };
}

function keepalive(lease: EventEmitter, ttl: string, answerAfterMs: number): void {
  lease.emit('keepaliveFired');
  mock.timers.tick(answerAfterMs);
  lease.emit('keepaliveSucceeded', { TTL: ttl });
}

test('without any acknowledged keepalive the guard fences a margin before grant + TTL', () => {
  const { guard, fences } = setup(3, 500);
  mock.timers.tick(2499);
  assert.deepEqual(fences, []);
  assert.equal(guard.safe(), true);
  mock.timers.tick(1);
  assert.equal(fences.length, 1);
  assert.equal(guard.state, 'fenced');
  assert.equal(guard.safe(), false);
});

test('the deadline counts from when the acknowledged keepalive was sent, not when it was answered', () => {
  const { lease, guard, fences } = setup(3, 500);
  mock.timers.tick(1000);
  keepalive(lease, '3', 800);
  assert.equal(guard.deadline, 1000 + 3000);
  mock.timers.tick(4000 - 500 - 1800 - 1);
  assert.deepEqual(fences, []);
  mock.timers.tick(1);
  assert.equal(fences.length, 1);
});

test('regular keepalives keep the guard live; their stopping fences it before the lease could expire', () => {
  const { lease, guard, fences } = setup(3, 500);
  for (let i = 0; i < 10; i++) {
    mock.timers.tick(900);
    keepalive(lease, '3', 50);
  }
  assert.deepEqual(fences, []);
  const lastSent = 10 * 950 - 50;
  assert.equal(guard.deadline, lastSent + 3000);
  lease.emit('keepaliveFired');
  mock.timers.tick(guard.deadline - Date.now() - 500);
  assert.equal(fences.length, 1, 'unanswered keepalives do not extend the deadline');
  assert.ok(Date.now() < guard.deadline);
});

test('answers are matched to requests in order; a reconnect forgets unanswered requests', () => {
  const { lease, guard } = setup(3, 500);
  mock.timers.tick(100);
  lease.emit('keepaliveFired');
  mock.timers.tick(100);
  lease.emit('keepaliveFailed', new Error('stream broke'));
  lease.emit('keepaliveEstablished');
  mock.timers.tick(100);
  lease.emit('keepaliveFired');
  mock.timers.tick(100);
  lease.emit('keepaliveSucceeded', { TTL: '3' });
  assert.equal(guard.deadline, 300 + 3000);
});

test("a 'lost' lease or an expired TTL in an answer fences at once, and only once", () => {
  const a = setup();
  a.lease.emit('lost', new Error('gone'));
  a.lease.emit('lost', new Error('again'));
  assert.equal(a.fences.length, 1);
  mock.timers.reset();
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const b = setup();
  keepalive(b.lease, '0', 10);
  assert.equal(b.fences.length, 1);
});

test('close stops the timer without fencing', () => {
  const { guard, fences } = setup();
  guard.close();
  mock.timers.tick(10_000);
  assert.deepEqual(fences, []);
  assert.equal(guard.state, 'closed');
});

test('a margin outside (0, TTL) is refused', () => {
  assert.throws(() => setup(1, 1000), RangeError);
});

test('a handler registered after the guard fenced (the deadline passed while the worker was joining) still hears of it', async () => {
  const { guard, fences } = setup(3, 500);
  mock.timers.tick(2500);
  assert.equal(guard.state, 'fenced');
  const late: string[] = [];
  guard.onFence((r) => late.push(r));
  assert.deepEqual(late, [], 'not from inside onFence: the registering code finishes first');
  await Promise.resolve();
  assert.deepEqual(late, ['lease deadline reached without an acknowledged keepalive']);
  assert.equal(fences.length, 1, 'the handlers registered before hear of it once');
});
