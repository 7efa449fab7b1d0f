/**
 * The REST API behind HTTPS and identities, on a Kafka-backed standalone worker: a PKCS12 keystore, client
 * certificates checked against a PEM truststore, Bearer tokens and Basic users from the tenants document (stored as
 * SHA-256 hashes), roles, 401 with a challenge and 403, and forged worker-forwarding headers refused.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { FORWARDED_HEADER } from '../../../host/rest/request-signing.ts';
import { httpsCall, makeTlsMaterial } from '../../helpers/tls-material.ts';
import type { TlsMaterial } from '../../helpers/tls-material.ts';
import { startRestWorker, tempDir } from '../rest/helpers.ts';
import type { RestWorker } from '../rest/helpers.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let tls: TlsMaterial;
let w: RestWorker;
const TOKENS = { acme: 'acme-token-5b1f', audit: 'audit-token-77c2', ops: 'ops-token-e9d0' };

before(async () => {
  tmp = await tempDir();
  tls = makeTlsMaterial(tmp.dir);
  const tenants = {
    tenants: {
      acme: { role: 'operator', tokens: [`sha256:${sha256Hex(TOKENS.acme)}`], users: { alice: sha256Hex('alice-pw') }, certificates: ['CN=robot,O=acme'], topicPrefixes: ['acme.'] },
      audit: { role: 'viewer', tokens: [sha256Hex(TOKENS.audit)] },
      ops: { role: 'admin', tokens: [sha256Hex(TOKENS.ops)] },
    },
  };
  const file = join(tmp.dir, 'tenants.json');
  await writeFile(file, JSON.stringify(tenants));
  w = await startRestWorker(tmp.dir, {
    listeners: 'https://127.0.0.1:0',
    'listeners.https.ssl.keystore.type': 'PKCS12',
    'listeners.https.ssl.keystore.location': tls.serverP12File,
    'listeners.https.ssl.keystore.password': 'storepass',
    'listeners.https.ssl.client.auth': 'requested',
    'listeners.https.ssl.truststore.type': 'PEM',
    'listeners.https.ssl.truststore.location': tls.caPemFile,
    'conveyor.tenants.file': file,
    'conveyor.audit.log.file': join(tmp.dir, 'audit.log'),
  });
});

after(async () => {
  await w.close();
  await tmp.remove();
});

const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });
const basic = (u: string, p: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown, client?: { key: string; cert: string }): ReturnType<typeof httpsCall> =>
  httpsCall(w.url + path, { method, ca: tls.caPem, headers, ...(body === undefined ? {} : { body }), ...(client ? { client } : {}) });

const datagen = (name: string): unknown => ({ name, config: { 'connector.class': 'DatagenSource', topic: `acme.${name}`, rate: '5' } });

void test('without credentials: 401 with a Bearer and Basic challenge and Kafka Connect\'s body; /health stays open', async () => {
  assert.match(w.url, /^https:/);
  const res = await call('GET', '/connectors');
  assert.equal(res.status, 401);
  assert.match(String(res.headers['www-authenticate']), /Bearer realm="conveyor", Basic realm="conveyor"/);
  assert.deepEqual(res.body, { error_code: 401, message: 'User cannot access the resource.' });
  assert.equal((await call('GET', '/connectors', bearer('not-a-token'))).status, 401);
  assert.equal((await call('GET', '/connectors', basic('alice', 'wrong'))).status, 401);
  assert.equal((await call('GET', '/connectors', { authorization: 'Digest x' })).status, 401);
  assert.equal((await call('GET', '/health')).status, 200);
});

void test('tokens, Basic users and client certificates authenticate; roles decide what each may do (403 otherwise)', async () => {
  assert.equal((await call('GET', '/connectors', bearer(TOKENS.acme))).status, 200);
  assert.equal((await call('GET', '/connectors', basic('alice', 'alice-pw'))).status, 200);
  const robot = tls.client('/CN=robot/O=acme');
  assert.equal((await call('GET', '/connectors', {}, undefined, robot)).status, 200, 'a verified client certificate whose subject maps to acme');
  const stranger = tls.client('/CN=stranger/O=elsewhere');
  assert.equal((await call('GET', '/connectors', {}, undefined, stranger)).status, 401, 'a valid certificate nobody is mapped to');

  const created = await call('POST', '/connectors', bearer(TOKENS.acme), datagen('auth-gen'));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const viewerWrite = await call('PUT', '/connectors/auth-gen/pause', bearer(TOKENS.audit));
  assert.equal(viewerWrite.status, 403);
  assert.deepEqual(viewerWrite.body, { error_code: 403, message: 'audit (role viewer) may not PUT /connectors/auth-gen/pause' });
  assert.equal((await call('GET', '/connectors/auth-gen/status', bearer(TOKENS.acme))).status, 200);
  assert.deepEqual((await call('GET', '/connectors', bearer(TOKENS.audit))).body, [], 'a viewer of another tenant does not see it (tenants.test.ts)');
  assert.deepEqual((await call('GET', '/connectors', bearer(TOKENS.ops))).body, ['auth-gen'], 'an admin does');
  const validate = await call('PUT', '/connector-plugins/DatagenSource/config/validate', bearer(TOKENS.audit), { 'connector.class': 'DatagenSource', topic: 'acme.v' });
  assert.equal(validate.status, 200, 'validation changes nothing, a viewer may ask');
  assert.equal((await call('PUT', '/admin/loggers/root', bearer(TOKENS.acme), { level: 'DEBUG' })).status, 403, 'an operator may not change logger levels');
  assert.equal((await call('PUT', '/admin/loggers/conveyor.rest', bearer(TOKENS.ops), { level: 'INFO' })).status, 200, 'an admin may');
  assert.equal((await call('DELETE', '/connectors/auth-gen', basic('alice', 'alice-pw'))).status, 204);
});

void test('a client cannot pose as a forwarding worker', async () => {
  const forged = await call('POST', '/connectors', { [FORWARDED_HEADER]: 'worker-1' }, datagen('forged'));
  assert.equal(forged.status, 403);
  assert.match((forged.body as { message: string }).message, /Forwarded requests are accepted only between workers of a cluster/, 'a standalone worker has no forwarding peers');
  assert.equal((await call('GET', '/connectors/forged', bearer(TOKENS.ops))).status, 404, 'nothing was created');
});

void test('every write is audited: identity, tenant, method, path, connector, status; only admins read the trail', async () => {
  const trail = await call('GET', '/admin/audit?limit=1000', bearer(TOKENS.ops));
  assert.equal(trail.status, 200);
  const entries = trail.body as { identity: string; tenant: string | null; method: string; path: string; connector: string | null; status: number; time: string }[];
  const pick = (e: (typeof entries)[number]): unknown[] => [e.identity, e.tenant, e.method, e.path, e.connector, e.status];
  const rows = entries.map(pick);
  assert.deepEqual(rows.find((r) => r[2] === 'POST' && r[4] === 'auth-gen'), ['acme', 'acme', 'POST', '/connectors', 'auth-gen', 201]);
  assert.deepEqual(rows.find((r) => r[2] === 'PUT' && r[3] === '/connectors/auth-gen/pause'), ['audit', 'audit', 'PUT', '/connectors/auth-gen/pause', 'auth-gen', 403], 'refused writes too');
  assert.deepEqual(rows.find((r) => r[2] === 'DELETE'), ['alice', 'acme', 'DELETE', '/connectors/auth-gen', 'auth-gen', 204]);
  assert.deepEqual(rows.find((r) => r[4] === 'forged'), ['unauthenticated', null, 'POST', '/connectors', 'forged', 403]);
  assert.ok(entries.every((e) => !Number.isNaN(Date.parse(e.time))));
  const file = (await readFile(join(tmp.dir, 'audit.log'), 'utf8')).trim().split('\n').map((l) => pick(JSON.parse(l) as (typeof entries)[number]));
  assert.deepEqual(file, rows, 'the file holds the same lines');
  assert.equal((await call('GET', '/admin/audit', bearer(TOKENS.acme))).status, 403, 'an operator may not read the audit trail');
  assert.equal((await call('GET', '/admin/audit', bearer(TOKENS.audit))).status, 403, 'nor a viewer');
});

void test('no token or password appears in the worker log', () => {
  const log = w.lines.join('\n');
  for (const secret of [...Object.values(TOKENS), 'alice-pw', 'storepass']) assert.equal(log.includes(secret), false, secret);
  assert.match(log, /multi-tenant: every REST request must authenticate/);
});
