/**
 * Tenants of a distributed cluster, in etcd: two in-process workers, the first seeding etcd from its tenants file, the
 * second started without one. Tenants PUT through one worker authenticate on the other, a tenant's connector created
 * through the follower keeps its owner across the forwarding, other tenants get 404 for it on every worker, only
 * admins manage tenants, a deleted tenant's token is refused everywhere, and no credential reaches a log line or a
 * response body.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { OpenApiChecker } from '../../helpers/openapi.ts';
import { call, leaderAndFollower, removeCluster, startDistributedNode, stopNode, until } from '../../helpers/distributed-nodes.ts';
import type { DistributedNode, Reply } from '../../helpers/distributed-nodes.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { tempDir } from '../rest/helpers.ts';

const secret = (who: string): string => `${who}-${randomBytes(12).toString('hex')}`;
const TOKENS = { ops: secret('ops'), acme: secret('acme'), globex: secret('globex'), audit: secret('audit'), initech: secret('initech') };
const ALICE_PASSWORD = secret('alice-pw');
const cluster = uniqueName('dt');
const run = randomBytes(3).toString('hex');
const nodes: DistributedNode[] = [];
/** Every answer here must also be one host/rest/openapi.json describes (the tenants admin API's especially). */
const openapi = new OpenApiChecker();
const seen: string[] = [];
let tmp: Awaited<ReturnType<typeof tempDir>>;
let a: DistributedNode;
let b: DistributedNode;

before(async () => {
  tmp = await tempDir();
  const file = join(tmp.dir, 'tenants.json');
  await writeFile(file, JSON.stringify({
    tenants: {
      ops: { role: 'admin', tokens: [sha256Hex(TOKENS.ops)] },
      acme: { role: 'operator', tokens: [`sha256:${sha256Hex(TOKENS.acme)}`], users: { alice: sha256Hex(ALICE_PASSWORD) }, topicPrefixes: [`acme-${run}.`] },
      globex: { role: 'operator', tokens: [sha256Hex(TOKENS.globex)], topicPrefixes: [`globex-${run}.`] },
      audit: { role: 'viewer', tokens: [sha256Hex(TOKENS.audit)] },
    },
  }));
  a = await startDistributedNode({ cluster, id: 'dt-a', leaseTtlSeconds: 5, properties: { 'conveyor.tenants.file': file } });
  nodes.push(a);
  b = await startDistributedNode({ cluster, id: 'dt-b', leaseTtlSeconds: 5 });
  nodes.push(b);
});

after(async () => {
  await removeCluster(nodes, cluster);
  await tmp.remove();
});

/** A request as a tenant's token (or none); every answer's body is kept for the final check. */
async function as(token: string | null, node: DistributedNode, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await call(node, method, path, body, token === null ? {} : { authorization: `Bearer ${token}` });
  seen.push(res.text);
  openapi.check(method, path, res.status, undefined, res.text);
  return res;
}

const datagen = (topic: string): Record<string, string> => ({ 'connector.class': 'DatagenSource', topic, rate: '5' });

void test('the seed reaches both workers: the one started without a tenants file is closed too', async () => {
  for (const n of [a, b]) {
    const anonymous = await as(null, n, 'GET', '/connectors');
    assert.equal(anonymous.status, 401, n.herder.workerId);
    assert.equal((await as(TOKENS.acme, n, 'GET', '/connectors')).status, 200, n.herder.workerId);
  }
  const basic = await call(b, 'GET', '/connectors', undefined, { authorization: `Basic ${Buffer.from(`alice:${ALICE_PASSWORD}`).toString('base64')}` });
  seen.push(basic.text);
  assert.equal(basic.status, 200, 'a Basic user of the seed works on the worker without the file');
  const all = await as(TOKENS.ops, b, 'GET', '/admin/tenants');
  assert.equal(all.status, 200);
  assert.deepEqual(Object.keys((all.body as { tenants: Record<string, unknown> }).tenants).sort(), ['acme', 'audit', 'globex', 'ops']);
  assert.ok(a.lines.some((l) => l.includes('tenants seeded into etcd')), 'worker A seeded etcd');
});

void test('an admin PUTs a tenant through worker B; its token works on worker A within a bounded wait', async () => {
  const entry = { role: 'operator', tokens: [sha256Hex(TOKENS.initech)], topicPrefixes: [`initech-${run}.`] };
  const created = await as(TOKENS.ops, b, 'PUT', '/admin/tenants/initech', entry);
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.body, entry);
  await until('initech\'s token accepted on worker A', async () => ((await as(TOKENS.initech, a, 'GET', '/connectors')).status === 200 ? true : undefined), 20_000);
  assert.deepEqual((await as(TOKENS.ops, a, 'GET', '/admin/tenants/initech')).body, entry, 'every worker reads the same entry');
  assert.equal((await as(TOKENS.ops, a, 'PUT', '/admin/tenants/initech', entry)).status, 200, 'replacing an entry is 200');
  const plaintext = await as(TOKENS.ops, a, 'PUT', '/admin/tenants/initech', { ...entry, tokens: ['not-a-hash'] });
  assert.equal(plaintext.status, 400);
  assert.match(String((plaintext.body as { message: string }).message), /tokens\[0\] must be a SHA-256 hash/);
  const stolen = await as(TOKENS.ops, b, 'PUT', '/admin/tenants/hooli', { tokens: [sha256Hex(TOKENS.acme)] });
  assert.equal(stolen.status, 400);
  assert.match(String((stolen.body as { message: string }).message), /already another tenant's token/);
  const typo = await as(TOKENS.ops, b, 'PUT', '/admin/tenants/hooli', { topicPrefix: ['h.'] });
  assert.equal(typo.status, 400);
  assert.equal((await as(TOKENS.ops, b, 'GET', '/admin/tenants/hooli')).status, 404, 'nothing refused was stored');
});

void test('acme creates a connector through the follower: forwarded with its identity; globex gets 404 for it on both workers', async () => {
  const { leader, follower } = await leaderAndFollower(nodes);
  const name = `acme-gen-${run}`;
  const created = await as(TOKENS.acme, follower, 'POST', '/connectors', { name, config: datagen(`acme-${run}.gen`), initial_state: 'STOPPED' });
  assert.equal(created.status, 201, created.text);
  assert.ok(leader.lines.some((l) => l.includes('connector created') && l.includes(name)), 'the leader stored it');
  for (const n of nodes) {
    const config = await until(`${name} on ${n.herder.workerId}`, async () => {
      const res = await as(TOKENS.acme, n, 'GET', `/connectors/${name}/config`);
      return res.status === 200 ? (res.body as Record<string, string>) : undefined;
    });
    assert.equal(config['conveyor.tenant'], 'acme', 'the owner is the caller the follower forwarded, not the worker');
    for (const path of ['', '/config', '/status']) {
      const res = await as(TOKENS.globex, n, 'GET', `/connectors/${name}${path}`);
      assert.deepEqual({ status: res.status, body: res.body }, { status: 404, body: { error_code: 404, message: `Connector ${name} not found` } }, `${n.herder.workerId} ${path}`);
    }
    assert.deepEqual((await as(TOKENS.globex, n, 'GET', '/connectors')).body, []);
    assert.equal((await as(TOKENS.globex, n, 'DELETE', `/connectors/${name}`)).status, 404);
  }
  const outside = await as(TOKENS.acme, follower, 'POST', '/connectors', { name: `acme-out-${run}`, config: datagen(`globex-${run}.x`), initial_state: 'STOPPED' });
  assert.equal(outside.status, 400, 'topic prefixes hold through the forwarding');
  const owning = await as(TOKENS.ops, a, 'DELETE', '/admin/tenants/acme');
  assert.equal(owning.status, 409, 'a tenant that owns connectors is not deleted');
  assert.match(String((owning.body as { message: string }).message), new RegExp(name));
});

void test('viewers and operators get 403 on /admin/tenants; the last admin tenant cannot be removed', async () => {
  for (const n of nodes) {
    for (const token of [TOKENS.audit, TOKENS.acme]) {
      assert.equal((await as(token, n, 'GET', '/admin/tenants')).status, 403);
      assert.equal((await as(token, n, 'GET', '/admin/tenants/acme')).status, 403);
      assert.equal((await as(token, n, 'PUT', '/admin/tenants/acme', { role: 'admin', tokens: [sha256Hex(TOKENS.acme)] })).status, 403);
      assert.equal((await as(token, n, 'DELETE', '/admin/tenants/globex')).status, 403);
    }
  }
  const lastAdmin = await as(TOKENS.ops, b, 'DELETE', '/admin/tenants/ops');
  assert.equal(lastAdmin.status, 409);
  assert.match(String((lastAdmin.body as { message: string }).message), /no tenant with role admin/);
  assert.equal((await as(TOKENS.acme, a, 'GET', '/connectors')).status, 200, 'acme still an operator: the refused PUT changed nothing');
});

void test('DELETE of a tenant makes its token 401 on both workers', async () => {
  assert.equal((await as(TOKENS.ops, a, 'DELETE', '/admin/tenants/initech')).status, 204);
  for (const n of nodes) {
    await until(`initech refused on ${n.herder.workerId}`, async () => ((await as(TOKENS.initech, n, 'GET', '/connectors')).status === 401 ? true : undefined), 20_000);
  }
  assert.equal((await as(TOKENS.ops, b, 'GET', '/admin/tenants/initech')).status, 404);
  assert.equal((await as(TOKENS.ops, b, 'DELETE', '/admin/tenants/initech')).status, 404);
});

void test('no token or password appears in any worker log line or REST response body', async () => {
  const { leader } = await leaderAndFollower(nodes);
  assert.equal((await as(TOKENS.acme, leader, 'DELETE', `/connectors/acme-gen-${run}`)).status, 204);
  for (const n of nodes.splice(0)) await stopNode(n);
  const lines = [a, b].flatMap((n) => n.lines);
  assert.ok(lines.length > 20 && seen.length > 40, `collected ${lines.length} log lines and ${seen.length} bodies`);
  for (const value of [...Object.values(TOKENS), ALICE_PASSWORD]) {
    assert.deepEqual(lines.filter((l) => l.includes(value)), [], 'log lines');
    assert.deepEqual(seen.filter((s) => s.includes(value)), [], 'response bodies');
  }
});
