import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CpuMeter } from '../../../host/sandbox/child/cpu-meter.ts';

const ms = (n: number): bigint => BigInt(n) * 1_000_000n;

test('time blocked in Atomics.wait is not CPU: frozen while blocked, left out once the wait ends', () => {
  let cpu = ms(100);
  const m = new CpuMeter(() => cpu);
  cpu += ms(30);
  assert.equal(m.usedMs(), 30);
  m.waitStarted(1000);
  cpu += ms(5000);
  assert.equal(m.usedMs(), 30, 'isolated-vm counts the wait; the meter does not');
  assert.equal(m.blockedForMs(3500), 2500);
  m.waitEnded(5000);
  assert.equal(m.blockedForMs(6000), null);
  cpu += ms(20);
  assert.equal(m.usedMs(), 50);
  m.reset();
  cpu += ms(7);
  assert.equal(m.usedMs(), 7);
});

test('a reported duration that is not a number leaves nothing out', () => {
  let cpu = 0n;
  const m = new CpuMeter(() => cpu);
  m.waitStarted(0);
  cpu += ms(10);
  m.waitEnded(NaN);
  assert.equal(m.usedMs(), 10);
});
