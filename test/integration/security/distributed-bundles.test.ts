/**
 * A tenant's bundle installed through one worker of a cluster reaches the other (through etcd) and loads there for
 * that tenant only; a connector using it runs wherever the cluster puts its task.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { call, removeCluster, startDistributedNode, until } from '../../helpers/distributed-nodes.ts';
import type { DistributedNode } from '../../helpers/distributed-nodes.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { tickerBundle } from '../../helpers/ticker-bundle.ts';
import { tempDir } from '../rest/helpers.ts';

const ACME = `acme-${randomBytes(8).toString('hex')}`;
const GLOBEX = `globex-${randomBytes(8).toString('hex')}`;
const cluster = uniqueName('db');
const run = randomBytes(3).toString('hex');
const CLASS = `ClusterTicker${run}`;
const nodes: DistributedNode[] = [];
let tmp: Awaited<ReturnType<typeof tempDir>>;
let archive: Buffer;

before(async () => {
  tmp = await tempDir();
  archive = await tickerBundle(tmp.dir, `cluster-ticker-${run}`, CLASS);
  const file = join(tmp.dir, 'tenants.json');
  await writeFile(file, JSON.stringify({ tenants: {
    acme: { role: 'admin', tokens: [sha256Hex(ACME)], topicPrefixes: [`acme-${run}.`] },
    globex: { role: 'operator', tokens: [sha256Hex(GLOBEX)] },
  } }));
  for (const id of ['a', 'b']) {
    nodes.push(await startDistributedNode({ cluster, id: `db-${id}`, leaseTtlSeconds: 5, properties: { 'conveyor.tenants.file': file, 'conveyor.tenant.plugin.path': join(tmp.dir, `tenant-plugins-${id}`) } }));
  }
});

after(async () => {
  await removeCluster(nodes, cluster);
  await tmp.remove();
});

const classes = async (node: DistributedNode, token: string): Promise<string[]> =>
  ((await call(node, 'GET', '/connector-plugins', undefined, { authorization: `Bearer ${token}` })).body as { class: string }[]).map((p) => p.class);

void test('a bundle PUT through one worker loads on the other for its tenant, and its connector runs', async () => {
  const [a, b] = nodes as [DistributedNode, DistributedNode];
  const res = await fetch(`${b.url}/plugins/cluster-ticker?tenant=globex`, { method: 'PUT', headers: { authorization: `Bearer ${ACME}`, 'content-type': 'application/gzip' }, body: archive });
  assert.equal(res.status, 201, await res.clone().text());
  assert.equal(((await res.json()) as { tenant: string }).tenant, 'globex', 'an admin installs for the tenant it names');
  await until('the bundle on the other worker', async () => ((await classes(a, GLOBEX)).includes(CLASS) ? true : undefined), 30_000);
  const name = `globex-ticks-${run}`;
  const config = { 'connector.class': CLASS, topic: `globex-${run}.ticks`, label: 'c', 'tasks.max': '2', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1' };
  const created = await call(a, 'POST', '/connectors', { name, config }, { authorization: `Bearer ${GLOBEX}` });
  assert.equal(created.status, 201, created.text);
  await until('both tasks running', async () => {
    const s = (await call(a, 'GET', `/connectors/${name}/status`, undefined, { authorization: `Bearer ${GLOBEX}` })).body as { tasks: { state: string; worker_id: string }[] };
    return s.tasks.length === 2 && s.tasks.every((t) => t.state === 'RUNNING') ? s : undefined;
  }, 60_000);
  const tooBig = await fetch(`${a.url}/plugins/huge`, { method: 'PUT', headers: { authorization: `Bearer ${GLOBEX}`, 'content-type': 'application/gzip' }, body: Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(1024 * 1024)]) });
  assert.equal(tooBig.status, 400, 'etcd bounds a bundle installed through a cluster');
  await call(a, 'DELETE', `/connectors/${name}`, undefined, { authorization: `Bearer ${GLOBEX}` });
});
