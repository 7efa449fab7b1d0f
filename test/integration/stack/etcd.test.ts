import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { stack, uniqueName, eventually } from '../../helpers/stack.ts';

test('etcd: a key written under a lease disappears when the lease is revoked', async (t) => {
  const client = new Etcd3({ hosts: [...stack.etcdHosts] });
  const prefix = `/conveyor-test/${uniqueName('lease')}/`;
  t.after(async () => {
    await client.delete().prefix(prefix);
    client.close();
  });

  const lease = client.lease(10, { autoKeepAlive: false });
  await lease.put(`${prefix}worker-1`).value('alive');
  await client.put(`${prefix}unleased`).value('stays');
  assert.equal(await client.get(`${prefix}worker-1`).string(), 'alive');

  const watcher = await client.watch().key(`${prefix}worker-1`).create();
  const deleted = new Promise<string>((resolve) => watcher.on('delete', (kv) => resolve(kv.key.toString())));
  await lease.revoke();

  assert.equal(await deleted, `${prefix}worker-1`, 'watchers see the leased key deleted');
  await eventually(async () => ((await client.get(`${prefix}worker-1`).string()) === null ? true : undefined), 'leased key gone');
  assert.equal(await client.get(`${prefix}unleased`).string(), 'stays', 'keys without the lease are untouched');
  await watcher.cancel();
});
