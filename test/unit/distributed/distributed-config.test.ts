import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distributedInputFromProperties } from '../../../host/distributed/distributed-config.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';

const base = {
  'cluster.id': 'prod',
  'etcd.endpoints': 'http://10.0.0.1:2379, http://10.0.0.2:2379',
  'bootstrap.servers': 'kafka:9092',
  listeners: 'http://0.0.0.0:8083',
};

test('distributed worker.properties: cluster keys, defaults, and a worker config the worker accepts', () => {
  const { worker, settings } = distributedInputFromProperties({ ...base, 'plugin.path': '/plugins' });
  assert.deepEqual(settings, {
    clusterId: 'prod',
    etcdEndpoints: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'],
    leaseTtlSeconds: 5,
    advertisedUrl: 'http://127.0.0.1:8083',
    exactlyOnceSource: false,
  });
  const config = workerConfig(worker);
  assert.equal(config.offsetStorageTopic, 'connect-offsets');
  assert.equal(config.offsetStorageFile, null);
  assert.equal(config.configStorageFile, null, 'configs live in etcd, not in a file');
  assert.equal(config.workerId, '127.0.0.1:8083');
  assert.deepEqual(config.pluginPath, ['/plugins']);
});

test('group.id names the cluster when cluster.id is absent; advertised URL, TTL, exactly-once and ids are read', () => {
  const { worker, settings } = distributedInputFromProperties({
    ...base,
    'cluster.id': '',
    'group.id': 'connect-cluster',
    'rest.advertised.url': 'http://conveyor-1:8083/',
    'etcd.lease.ttl.seconds': '3',
    'exactly.once.source.support': 'enabled',
    'offset.storage.topic': 'my-offsets',
    'conveyor.worker.id': 'w1',
  });
  assert.equal(settings.clusterId, 'connect-cluster');
  assert.equal(settings.advertisedUrl, 'http://conveyor-1:8083');
  assert.equal(settings.leaseTtlSeconds, 3);
  assert.equal(settings.exactlyOnceSource, true);
  assert.equal(worker['offsetStorageTopic'], 'my-offsets');
  assert.equal(worker['workerId'], 'w1');
});

test('bad distributed settings name the key and the fix', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ ...base, 'cluster.id': '' }, /cluster\.id/],
    [{ ...base, 'etcd.endpoints': '' }, /etcd\.endpoints must list/],
    [{ ...base, 'etcd.endpoints': 'localhost' }, /not a URL/],
    [{ ...base, 'etcd.endpoints': 'https://x:2379' }, /only http/],
    [{ ...base, 'etcd.lease.ttl.seconds': '1' }, /ttl/],
    [{ ...base, 'exactly.once.source.support': 'yes' }, /exactly\.once\.source\.support/],
    [{ ...base, 'offset.storage.file.filename': '/tmp/x' }, /standalone key/],
    [{ 'cluster.id': 'a', 'etcd.endpoints': 'http://e:2379' }, /bootstrap\.servers/],
  ];
  for (const [props, message] of cases) assert.throws(() => distributedInputFromProperties(props), message, JSON.stringify(props));
  const withoutEtcd: Record<string, string> = { ...base };
  delete withoutEtcd['etcd.endpoints'];
  assert.throws(() => distributedInputFromProperties(withoutEtcd), /etcd\.endpoints is required/);
});
