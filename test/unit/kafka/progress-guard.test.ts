import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStall, ProgressGuard, stallBoundMs } from '../../../host/kafka/progress-guard.ts';

void test('the stall bound is the session timeout plus the rebalance timeout', () => {
  assert.equal(stallBoundMs(30_000, 60_000), 90_000);
});

void test('no completed fetch for longer than the bound is a fetch stall; a fetch clears it', () => {
  const g = new ProgressGuard(1000, 0);
  assert.equal(g.check(1000), undefined);
  g.failed('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  assert.deepEqual(g.check(1001), { kind: 'fetch', forMs: 1001, boundMs: 1000, lastError: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' });
  g.fetched(1001);
  assert.equal(g.check(2000), undefined);
});

void test('offsets waiting without an acknowledged commit for longer than the bound is a commit stall, counted from when they started waiting', () => {
  const g = new ProgressGuard(1000, 0);
  g.pending(100);
  g.pending(900);
  g.fetched(1200);
  assert.equal(g.check(1100), undefined);
  const s = g.check(1101);
  assert.equal(s?.kind, 'commit');
  assert.equal(s?.forMs, 1001);
  g.settled();
  g.fetched(1500);
  assert.equal(g.check(2400), undefined);
});

void test('after the consumer is recreated both clocks start again', () => {
  const g = new ProgressGuard(1000, 0);
  g.pending(0);
  assert.equal(g.check(5000)?.kind, 'fetch');
  g.reset(5000);
  g.fetched(5900);
  assert.equal(g.check(6000), undefined);
  assert.equal(g.check(6001)?.kind, 'commit');
});

void test('a stall is described with the group, what is missing, for how long, the bound and the last error', () => {
  assert.equal(
    describeStall('connect-s', { kind: 'commit', forMs: 95_000, boundMs: 90_000, lastError: 'The coordinator is loading' }),
    'the consumer of group connect-s had no offset commit acknowledged for 95000 ms (bound 90000 ms = session timeout + rebalance timeout); last error: The coordinator is loading',
  );
});
