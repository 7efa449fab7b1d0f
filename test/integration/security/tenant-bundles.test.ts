/**
 * A tenant installs its own bundle over REST (PUT /plugins/{name}, a .tgz body) on a Kafka-backed standalone worker:
 * it loads under conveyor.tenant.plugin.path/<tenant>/, that tenant lists it, validates it and runs a connector with
 * it; another tenant neither lists it nor can use its class; a body that is no bundle is refused with the reason.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { tickerBundle } from '../../helpers/ticker-bundle.ts';
import { startRestWorker, tempDir } from '../rest/helpers.ts';
import type { RestWorker } from '../rest/helpers.ts';
import { waitFor } from '../worker/worker-fixture.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let w: RestWorker;
let archive: Buffer;
const run = Date.now().toString(36);
const ACME = 'acme-bundle-token';
const GLOBEX = 'globex-bundle-token';
const CLASS = `AcmeTicker${run}`;

before(async () => {
  tmp = await tempDir();
  archive = await tickerBundle(tmp.dir, `acme-ticker-${run}`, CLASS);
  const tenants = join(tmp.dir, 'tenants.json');
  await writeFile(tenants, JSON.stringify({
    tenants: {
      acme: { role: 'operator', tokens: [sha256Hex(ACME)], topicPrefixes: [`acme-${run}.`] },
      globex: { role: 'operator', tokens: [sha256Hex(GLOBEX)] },
    },
  }));
  w = await startRestWorker(tmp.dir, { 'conveyor.tenants.file': tenants, 'conveyor.tenant.plugin.path': join(tmp.dir, 'tenant-plugins') });
});

after(async () => {
  await w?.close();
  await tmp.remove();
});

async function put(token: string, name: string, body: Buffer, type = 'application/gzip'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${w.url}/plugins/${name}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
  return { status: res.status, body: await res.json() };
}
const as = (token: string) => (method: string, path: string, body?: unknown) => w.call(method, path, body, { headers: { authorization: `Bearer ${token}` } });
const acme = as(ACME);
const globex = as(GLOBEX);
const classes = async (call: typeof acme): Promise<string[]> => ((await call('GET', '/connector-plugins')).body as { class: string }[]).map((p) => p.class);

void test('a tenant\'s bundle is installed, listed and run for that tenant only', async () => {
  const installed = await put(ACME, 'acme-ticker', archive);
  assert.equal(installed.status, 201, JSON.stringify(installed.body));
  assert.deepEqual(installed.body, { class: CLASS, type: 'source', version: '1.0.0', key: (installed.body as { key: string }).key, tenant: 'acme' });
  assert.ok((await classes(acme)).includes(CLASS));
  assert.equal((await classes(globex)).includes(CLASS), false, 'another tenant does not see it');
  assert.equal((await globex('GET', `/connector-plugins/${CLASS}/config`)).status, 404);
  assert.equal((await globex('PUT', `/connector-plugins/${CLASS}/config/validate`, { topic: 'x' })).status, 400, 'an unknown class, as Kafka Connect answers it');
  assert.equal((await acme('PUT', `/connector-plugins/${CLASS}/config/validate`, { topic: `acme-${run}.t` })).status, 200);

  const refused = await globex('POST', '/connectors', { name: `globex-uses-${run}`, config: { 'connector.class': CLASS, topic: 'g.t' } });
  assert.equal(refused.status, 400, 'another tenant cannot use the class');
  assert.match((refused.body as { message: string }).message, new RegExp(`Failed to find any class that implements Connector and which name matches ${CLASS}`));

  const name = `acme-ticks-${run}`;
  const config = { 'connector.class': CLASS, topic: `acme-${run}.ticks`, label: 't', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1' };
  const created = await acme('POST', '/connectors', { name, config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await waitFor('ticks moving', () => ((w.worker.connectorProgress(name)[0]?.records ?? 0) > 0 ? true : undefined), 60_000);
  await acme('DELETE', `/connectors/${name}`);
});

void test('what is not a bundle is refused with the reason; names are checked; an unauthenticated upload is 401', async () => {
  const junk = await put(ACME, 'junk', Buffer.from('not a tarball'));
  assert.equal(junk.status, 400);
  assert.match((junk.body as { message: string }).message, /gzip-compressed tar/);
  const badName = await put(ACME, 'Bad%20Name', archive);
  assert.equal(badName.status, 400);
  const broken = await put(ACME, 'empty', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(broken.status, 400);
  assert.match((broken.body as { message: string }).message, /bundle empty was refused/);
  const anonymous = await fetch(`${w.url}/plugins/x`, { method: 'PUT', headers: { 'content-type': 'application/gzip' }, body: archive });
  assert.equal(anonymous.status, 401);
});
