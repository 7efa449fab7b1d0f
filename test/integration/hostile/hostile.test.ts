/**
 * Hostile plugins: each case must fail only its own task with a trace naming what went wrong, while the worker
 * stays up and a healthy datagen → counting-sink pipeline in the same worker keeps making progress.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHostileWorker } from './helpers.ts';
import type { HostileHarness } from './helpers.ts';

let h: HostileHarness;
const failingCase = (mode: string, trace: RegExp): Promise<void> => h.failingCase(mode, trace);
const probeCase = (mode: string): Promise<Record<string, unknown>> => h.probeCase(mode);

before(async () => {
  h = await startHostileWorker({ memoryMb: 64, callDeadlineMs: 4000, cpuQuotaMs: 2000, maxBatchBytes: 8 * 1024 * 1024 }, 'healthy');
});

after(async () => {
  await h.close();
});

test('busy loop in poll is stopped by the CPU watchdog', () => failingCase('busy-poll', /cpu limit exceeded: CPU used by one call \(measured \d+ ms, limit 2000 ms\)/));

test('busy loop in an async continuation is stopped by the CPU watchdog', () => failingCase('busy-async', /cpu limit exceeded: .*\(measured \d+ ms, limit 2000 ms\)/));

test('memory bomb with arrays hits the memory limit', () => failingCase('memory-arrays', /memory limit exceeded.*limit 64 MB/));

test('memory bomb with strings hits the memory limit', () => failingCase('memory-strings', /memory limit exceeded.*limit 64 MB/));

test('memory bomb with ArrayBuffers hits the memory limit', () => failingCase('memory-arraybuffers', /memory limit exceeded: poll allocated ArrayBuffers until V8 refused the next one \(measured [\d.]+ MB, limit 64 MB\)/));

test('a huge poll result is refused by the batch size limit', () => failingCase('huge-poll', /batch-size limit exceeded: poll returned \d+ bytes, limit 8388608|memory limit exceeded/));

test('a record that is not JSON (a BigInt in it) fails the task naming the cause', () => failingCase('bigint-record', /Do not know how to serialize a BigInt/));

test('a record whose toJSON answers undefined fails the task naming the record', () => failingCase('invisible-record', /poll\(\) record 1 is not a JSON value/));

test('deep recursion fails the task with the stack overflow', () => failingCase('deep-recursion', /Maximum call stack size exceeded/));

test('a thousands-wide capability call flood is cut at the pending-calls limit', () => failingCase('flood', /pending-calls limit exceeded: \d+ capability calls in flight, limit 256/));

test('a denied network target fails with a capability denied error naming it', () => failingCase('denied-http', /capability denied: http\.fetch to http:\/\/169\.254\.169\.254 \(origin not in the connector policy\)/));

test('a plugin that never returns from start hits the call deadline', () => failingCase('never-start', /deadline limit exceeded: start did not return within the call deadline \(measured 4000 ms, limit 4000 ms\)/));

test('process, require, ivm and host objects are unreachable, also through constructor chains', async () => {
  const v = await probeCase('escape');
  assert.equal(v['process'], 'undefined');
  assert.equal(v['require'], 'undefined');
  assert.equal(v['module'], 'undefined');
  assert.equal(v['ivm'], 'undefined');
  assert.equal(v['functionCtorProcess'], 'undefined');
  assert.equal(v['ctorChainProcess'], 'undefined');
  assert.equal(v['ctorChainRequire'], 'undefined');
  assert.deepEqual(v['hostGlobals'], []);
});

test('objects returned by capabilities are copies and the capability API is frozen', async () => {
  const v = await probeCase('mutate');
  const results = v['results'] as Record<string, string>;
  assert.equal(results['replaceLog'], 'threw TypeError');
  assert.equal(results['replaceHttpFetch'], 'threw TypeError');
  assert.equal(v['second'], null, 'a later call returns fresh data, not the mutated object');
  assert.equal(v['logIsFunction'], 'function');
});
