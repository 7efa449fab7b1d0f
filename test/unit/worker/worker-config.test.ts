import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerConfig } from '../../../host/worker/worker-config.ts';

const OFFSETS = { offsetStorageFile: '/tmp/conveyor-unit-offsets.json' };

void test('worker config rejects unknown keys and bad values, and fills defaults', () => {
  const c = workerConfig({ restPort: 0, ...OFFSETS });
  assert.equal(c.limits.memoryMb, 128);
  assert.equal(c.sandboxProcesses, 2);
  assert.ok(Object.isFrozen(c));
  assert.throws(() => workerConfig({ restport: 1, ...OFFSETS }), /unknown keys restport/);
  assert.throws(() => workerConfig({ limits: { memoryMB: 1 }, ...OFFSETS }), /unknown limit memoryMB/);
  assert.throws(() => workerConfig({ sandboxProcesses: 0, ...OFFSETS }), /sandboxProcesses/);
});

void test('a worker always runs on Kafka: bootstrap.servers defaults to localhost:9092 as in Kafka Connect, and source offsets need a home', () => {
  assert.equal(workerConfig(OFFSETS).bootstrapServers, 'localhost:9092');
  assert.equal(workerConfig({ ...OFFSETS, bootstrapServers: '127.0.0.1:9093' }).bootstrapServers, '127.0.0.1:9093');
  assert.throws(() => workerConfig({}), /offset\.storage\.file\.filename \(offsetStorageFile\) or offset\.storage\.topic \(offsetStorageTopic\) is required/);
  assert.equal(workerConfig({ offsetStorageTopic: 'connect-offsets' }).offsetStorageTopic, 'connect-offsets');
});
