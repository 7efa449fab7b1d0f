import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterKeys } from '../../../host/cluster/keys.ts';
import { parseUnitId, unitId } from '../../../host/cluster/types.ts';
import { isConveyorError } from '../../../host/core/errors.ts';

test('every key lives under /<cluster>/ and names never add a path segment', () => {
  const k = clusterKeys('prod-1');
  assert.equal(k.connectorConfig('a/b c'), '/prod-1/configs/connectors/a%2Fb%20c');
  assert.equal(k.taskStatus('a/b', 3), '/prod-1/status/tasks/a%2Fb/3');
  assert.equal(k.claim({ kind: 'task', connector: 'a/b', task: 2 }), '/prod-1/claims/task/a%2Fb/2');
  assert.equal(k.assignment('w/1'), '/prod-1/assignments/workers/w%2F1');
  assert.equal(k.nameUnder(k.connectorConfigs, k.connectorConfig('a/b c')), 'a/b c');
  assert.equal(k.nameUnder(k.workers, `${k.workers}x/y`), undefined);
  for (const key of [k.worker('w'), k.generation, k.restart('c'), k.targetState('c'), k.taskConfigsOf('c'), k.connectorStatus('c')]) {
    assert.ok(key.startsWith('/prod-1/'), key);
  }
});

test('a connector whose name is a prefix of another is not matched by its prefix scans', () => {
  const k = clusterKeys('c');
  assert.equal(k.taskStatus('ab', 0).startsWith(`${k.taskStatuses}${encodeURIComponent('a')}/`), false);
});

test('cluster names that could escape the prefix are refused', () => {
  for (const bad of ['', '../x', 'a/b', ' x']) {
    assert.throws(() => clusterKeys(bad), (e) => isConveyorError(e) && e.code === 'CONVEYOR_CONFIG_INVALID');
  }
});

test('unit ids round-trip', () => {
  for (const u of [{ kind: 'connector', connector: 'a/b' }, { kind: 'task', connector: 'x y', task: 7 }] as const) {
    assert.deepEqual(parseUnitId(unitId(u)), u);
  }
  assert.equal(parseUnitId('task/a/x'), undefined);
  assert.equal(parseUnitId('other/a'), undefined);
});

test('tenants live under one prefix: entries by encoded name, and the version key beside them', () => {
  const k = clusterKeys('prod-1');
  assert.equal(k.tenantEntry('a/b'), '/prod-1/tenants/entries/a%2Fb');
  assert.equal(k.tenantsVersion, '/prod-1/tenants/version');
  assert.ok(k.tenantEntry('x').startsWith(k.tenants) && k.tenantsVersion.startsWith(k.tenants), 'one watch sees both');
  assert.equal(k.nameUnder(k.tenantEntries, k.tenantEntry('a/b')), 'a/b');
  assert.equal(k.nameUnder(k.tenantEntries, k.tenantsVersion), undefined);
});
