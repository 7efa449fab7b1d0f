import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { UnitStatus } from '../../../host/cluster/codec.ts';
import { isConveyorError } from '../../../host/core/errors.ts';
import { ClusterStore } from '../../../host/cluster/store.ts';
import { MirrorSink } from '../../../host/cluster/prefix-watch.ts';
import { eventually } from '../../helpers/stack.ts';
import { clusterFixture, logger } from './helpers.ts';
import type { ClusterFixture } from './helpers.ts';

let fx: ClusterFixture;
let store: ClusterStore;

before(() => {
  fx = clusterFixture();
  store = new ClusterStore({ client: fx.client(), keys: fx.keys, logger });
});
after(() => fx.cleanup());

test('connector config, task configs and target state round-trip and are read at one revision', async () => {
  await store.putConnectorConfig('orders/v1', { 'connector.class': 'Datagen', 'tasks.max': '2' });
  await store.putTaskConfigs('orders/v1', [{ task: '0' }, { task: '1' }]);
  assert.deepEqual(await store.getConnectorConfig('orders/v1'), { 'connector.class': 'Datagen', 'tasks.max': '2' });
  assert.deepEqual(await store.getTaskConfigs('orders/v1'), [{ task: '0' }, { task: '1' }]);
  assert.equal(await store.getTargetState('orders/v1'), 'STARTED');
  await store.putTargetState('orders/v1', 'PAUSED');
  await store.putConnectorConfig('orders/v1', { 'connector.class': 'Datagen', 'tasks.max': '3' });
  const snap = await store.getConnector('orders/v1');
  assert.equal(snap?.targetState, 'PAUSED', 'a config update keeps the target state');
  assert.equal(snap?.config['tasks.max'], '3');
  assert.deepEqual(await store.listConnectors(), ['orders/v1']);
  assert.equal(await store.getConnector('missing'), undefined);
});

test('writes about a connector that does not exist are refused with NOT_FOUND', async () => {
  await assert.rejects(store.putTaskConfigs('ghost', []), (e) => isConveyorError(e) && e.code === 'CONVEYOR_NOT_FOUND');
  await assert.rejects(store.putTargetState('ghost', 'PAUSED'), (e) => isConveyorError(e) && e.code === 'CONVEYOR_NOT_FOUND');
});

test('restart requests are completed only by whoever handled that very request', async () => {
  await store.putConnectorConfig('r', { 'connector.class': 'X' });
  const first = { onlyFailed: false, includeTasks: true, requestedAt: '2024-01-01T00:00:00.000Z' };
  await store.requestRestart('r', first);
  await store.requestRestart('r', { ...first, requestedAt: '2024-01-01T00:00:01.000Z' });
  assert.equal(await store.completeRestart('r', first), false, 'a newer request must survive');
  const pending = await store.listRestarts();
  assert.equal(pending.get('r')?.requestedAt, '2024-01-01T00:00:01.000Z');
  assert.equal(await store.completeRestart('r', pending.get('r') ?? first), true);
  assert.equal((await store.listRestarts()).size, 0);
});

test('status writes succeed only while the writer holds the claim under its lease', async () => {
  await store.putConnectorConfig('s', { 'connector.class': 'X' });
  const lease = fx.admin.lease(2);
  const leaseId = await lease.grant();
  const claimKey = fx.keys.claim({ kind: 'task', connector: 's', task: 0 });
  await lease.put(claimKey).value(JSON.stringify({ worker: 'w1', generation: 1 }));
  const running: UnitStatus = { state: 'RUNNING', worker_id: 'w1', generation: 1 };
  await store.putTaskStatus('s', 0, running, { claimKey, leaseId });
  assert.deepEqual((await store.getTaskStatuses('s')).get(0), running);
  await lease.revoke();
  await assert.rejects(
    store.putTaskStatus('s', 0, { ...running, state: 'FAILED', trace: 'late' }, { claimKey, leaseId }),
    (e) => isConveyorError(e) && e.code === 'CONVEYOR_CONFLICT',
  );
  assert.deepEqual((await store.getTaskStatuses('s')).get(0), running, 'the refused write left no trace');
});

test('deleting a connector removes its configs, target state, restart request and statuses at once', async () => {
  await store.putConnectorConfig('d', { 'connector.class': 'X' });
  await store.putTaskConfigs('d', [{}]);
  await store.putUnassignedTaskStatus('d', 0, 1);
  assert.equal(await store.deleteConnector('d'), true);
  assert.equal(await store.getConnector('d'), undefined);
  assert.equal((await store.getTaskStatuses('d')).size, 0);
  assert.equal(await store.getTargetState('d'), undefined);
  assert.equal(await store.deleteConnector('d'), false);
});

test('a watch delivers a snapshot and then every change', async () => {
  await store.putConnectorConfig('w1', { a: '1' });
  const seen: string[][] = [];
  const sink = new MirrorSink((m) => seen.push([...m.keys()].map((k) => fx.keys.nameUnder(fx.keys.connectorConfigs, k) ?? k)));
  const watch = await store.watch(fx.keys.connectorConfigs, sink);
  try {
    assert.ok(seen[0]?.includes('w1'), 'snapshot first');
    await store.putConnectorConfig('w2', { a: '2' });
    await store.deleteConnector('w1');
    await eventually(async () => Promise.resolve(sink.entries.has(fx.keys.connectorConfig('w2')) && !sink.entries.has(fx.keys.connectorConfig('w1')) ? true : undefined), 'watch events');
    assert.equal(watch.state, 'watching');
  } finally {
    await watch.close();
  }
});
