/**
 * A cluster behind HTTPS with client certificates required: a tenant's write sent to the follower reaches the leader
 * over mutual TLS (the follower trusts the listener's truststore and presents the listener's certificate) with the
 * caller's identity signed along, so the connector is the tenant's.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { leaderAndFollower, removeCluster, startDistributedNode, until } from '../../helpers/distributed-nodes.ts';
import type { DistributedNode } from '../../helpers/distributed-nodes.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { httpsCall, makeTlsMaterial } from '../../helpers/tls-material.ts';
import type { TlsMaterial } from '../../helpers/tls-material.ts';
import { tempDir } from '../rest/helpers.ts';

const cluster = uniqueName('dtls');
const run = randomBytes(3).toString('hex');
const OPS = `ops-${randomBytes(8).toString('hex')}`;
const nodes: DistributedNode[] = [];
let tmp: Awaited<ReturnType<typeof tempDir>>;
let tls: TlsMaterial;

before(async () => {
  tmp = await tempDir();
  await mkdir(join(tmp.dir, 'tls'));
  tls = makeTlsMaterial(join(tmp.dir, 'tls'));
  const file = join(tmp.dir, 'tenants.json');
  await writeFile(file, JSON.stringify({ tenants: {
    ops: { role: 'admin', tokens: [sha256Hex(OPS)] },
    acme: { role: 'operator', certificates: ['CN=acme-ci,O=acme'], topicPrefixes: [`acme-${run}.`] },
  } }));
  const properties = {
    listeners: 'https://127.0.0.1:0',
    'listeners.https.ssl.keystore.type': 'PKCS12',
    'listeners.https.ssl.keystore.location': tls.serverP12File,
    'listeners.https.ssl.keystore.password': 'storepass',
    'listeners.https.ssl.client.auth': 'required',
    'listeners.https.ssl.truststore.type': 'PEM',
    'listeners.https.ssl.truststore.location': tls.caPemFile,
    'conveyor.tenants.file': file,
  };
  for (const id of ['a', 'b']) nodes.push(await startDistributedNode({ cluster, id: `dtls-${id}`, leaseTtlSeconds: 5, properties }));
});

after(async () => {
  await removeCluster(nodes, cluster);
  await tmp.remove();
});

void test('a write to the follower is forwarded to the leader over mutual TLS and keeps the tenant', async () => {
  const { leader, follower } = await leaderAndFollower(nodes);
  assert.match(follower.url, /^https:/);
  const acme = tls.client('/CN=acme-ci/O=acme');
  const name = `acme-tls-${run}`;
  const created = await until('created through the follower', async () => {
    const r = await httpsCall(`${follower.url}/connectors`, { method: 'POST', ca: tls.caPem, client: acme, body: { name, config: { 'connector.class': 'DatagenSource', topic: `acme-${run}.t`, rate: '1' } } });
    return r.status === 409 ? undefined : r;
  }, 60_000);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const info = await httpsCall(`${leader.url}/connectors/${name}`, { ca: tls.caPem, headers: { authorization: `Bearer ${OPS}` }, client: acme });
  assert.equal((info.body as { config: Record<string, string> }).config['conveyor.tenant'], 'acme', 'the identity travelled signed with the forward');
  const noCert = await httpsCall(`${follower.url}/connectors`, { ca: tls.caPem, headers: { authorization: `Bearer ${OPS}` } }).catch((e: Error) => e);
  assert.ok(noCert instanceof Error, 'without a client certificate the TLS handshake is refused');
  await httpsCall(`${leader.url}/connectors/${name}`, { method: 'DELETE', ca: tls.caPem, client: acme });
});

void test('PUT /admin/loggers/{name}?scope=cluster reaches the other worker over mutual TLS', async () => {
  const [a, b] = nodes as [DistributedNode, DistributedNode];
  const admin = { ca: tls.caPem, headers: { authorization: `Bearer ${OPS}` }, client: tls.client('/CN=ops') };
  const set = await httpsCall(`${a.url}/admin/loggers/conveyor.rest?scope=cluster`, { ...admin, method: 'PUT', body: { level: 'DEBUG' } });
  assert.equal(set.status, 204);
  const level = await until('the level on the other worker', async () => {
    const r = await httpsCall(`${b.url}/admin/loggers/conveyor.rest`, admin);
    return (r.body as { level?: string }).level === 'DEBUG' ? 'DEBUG' : undefined;
  }, 30_000);
  assert.equal(level, 'DEBUG');
});
