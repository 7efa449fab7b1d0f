/**
 * A worker with plugin.signature.required=true: a bundle signed by a trusted key, copied into plugin.path, loads and
 * runs; a tampered copy, an unsigned build and a bundle signed by an untrusted key are refused, with their reasons in
 * the log, in GET /connector-plugins?include=rejected and in /conveyor/plugins. Built-in plugins still load.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import { generateSigningKeys, privateKeyFromPem } from '../../../sdk/bundler/signature.ts';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { http, startTestWorker, waitFor } from './worker-fixture.ts';
import type { TestWorker } from './worker-fixture.ts';

const FIXTURE = join(import.meta.dirname, 'fixture-plugin');
const suffix = randomUUID().slice(0, 8);
let w: TestWorker;
let work: string;
const trustedAuthor = generateSigningKeys();
const otherAuthor = generateSigningKeys();

type Row = { class: string | null; type: string | null; version: string | null; location?: string; rejected?: string };
const rows = async (query = ''): Promise<Row[]> => (await http(`${w.url}/connector-plugins${query}`)).body as Row[];

/** Builds the fixture into work/<name>, lets `change` edit it, then moves it into plugin.path in one rename. */
async function install(name: string, sign: string | null, change?: (dir: string) => Promise<void>): Promise<void> {
  const dir = join(work, name);
  await buildPlugin(FIXTURE, dir, sign === null ? {} : { signingKey: privateKeyFromPem(sign) });
  if (change) await change(dir);
  await rename(dir, join(w.pluginDir, name));
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'conveyor-signed-test-'));
  await writeFile(join(work, 'trusted.pub'), trustedAuthor.publicKeyPem);
  w = await startTestWorker({ connectProperties: { 'plugin.signature.required': 'true', 'plugin.trusted.keys': join(work, 'trusted.pub') } });
});

after(async () => {
  await w.close();
  await rm(work, { recursive: true, force: true });
});

test('built-in plugins load without signatures', async () => {
  assert.ok((await rows()).some((r) => r.class === 'io.conveyor.plugins.datagen.DatagenSource'));
  assert.ok(w.logs.some((l) => l['msg'] === 'plugin signatures' && l['required'] === true && JSON.stringify(l['trustedKeys']) === JSON.stringify([trustedAuthor.keyId])));
});

test('a signed bundle loads and runs; tampered, unsigned and untrusted ones are refused with their reasons', async () => {
  await install(`ticker-signed-${suffix}`, trustedAuthor.privateKeyPem);
  // The attacker also fixes code.sha256, so only the signature can tell.
  await install(`ticker-tampered-${suffix}`, trustedAuthor.privateKeyPem, async (dir) => {
    const code = `${await readFile(join(dir, 'plugin.js'), 'utf8')}\n;globalThis.injected = true;\n`;
    await writeFile(join(dir, 'plugin.js'), code);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { code: { sha256: string } };
    manifest.code.sha256 = createHash('sha256').update(code).digest('hex');
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  });
  await install(`ticker-unsigned-${suffix}`, null);
  await install(`ticker-untrusted-${suffix}`, otherAuthor.privateKeyPem);

  await waitFor('the signed TickerSource listed', async () => (await rows()).some((r) => r.class === 'TickerSource'), 60_000);
  const expected: Record<string, RegExp> = {
    [`ticker-tampered-${suffix}`]: new RegExp(`^signature by key ${trustedAuthor.keyId} does not match the bundle's content`),
    [`ticker-unsigned-${suffix}`]: /^unsigned bundle: plugin.signature.required=true/,
    [`ticker-untrusted-${suffix}`]: new RegExp(`^signed by untrusted key ${otherAuthor.keyId} \\(not in plugin.trusted.keys\\)`),
  };
  const rejected = await waitFor('the three refused bundles listed', async () => {
    const r = (await rows('?include=rejected')).filter((x) => x.rejected !== undefined);
    return Object.entries(expected).every(([d, re]) => r.some((x) => x.location?.endsWith(d) && re.test(x.rejected ?? ''))) ? r : undefined;
  }, 60_000);
  for (const d of Object.keys(expected)) {
    const row = rejected.find((x) => x.location?.endsWith(d));
    assert.deepEqual({ class: row?.class, type: row?.type, version: row?.version }, { class: 'TickerSource', type: 'source', version: '1.0.0' });
    assert.ok(w.logs.some((l) => l['level'] === 'error' && l['msg'] === 'plugin bundle rejected' && String(l['dir']).endsWith(d) && expected[d]?.test(String(l['reason']))), `error log line for ${d}`);
  }
  assert.ok(!rejected.some((x) => x.location?.endsWith(`ticker-signed-${suffix}`)), 'the signed bundle is not refused');

  // Without the parameter the Kafka Connect shape is unchanged: installed plugins only, class/type/version.
  const plain = await rows();
  assert.equal(plain.filter((r) => r.class === 'TickerSource').length, 1);
  assert.ok(plain.every((r) => Object.keys(r).sort().join() === 'class,type,version'));
  const conveyor = (await http(`${w.url}/conveyor/plugins`)).body as { installed: { class: string; signature: unknown }[]; broken: { dir: string; reason: string }[] };
  assert.deepEqual(conveyor.installed.find((p) => p.class === 'TickerSource')?.signature, { key_id: trustedAuthor.keyId, trusted: true });
  for (const d of Object.keys(expected)) assert.ok(conveyor.broken.some((b) => b.dir.endsWith(d) && expected[d]?.test(b.reason)), `broken listing for ${d}`);

  const name = `signed-ticks-${suffix}`;
  const topic = await w.topic(name);
  const created = await http(`${w.url}/connectors`, 'POST', { name, config: { 'connector.class': 'com.example.TickerSource', topic } });
  assert.equal(created.status, 201);
  await waitFor('ticks from the signed plugin', async () => (await w.endOffset(topic)) >= 20, 60_000);
  const status = (await http(`${w.url}/connectors/${name}/status`)).body as ConnectorStatus;
  assert.equal(status.tasks[0]?.state, 'RUNNING');
  assert.equal((await http(`${w.url}/connectors/${name}`, 'DELETE')).status, 204);
});

test('a file added to a signed bundle gets it refused; removing the file again lets it load', async () => {
  const dir = `ticker-fixed-${suffix}`;
  await install(dir, trustedAuthor.privateKeyPem, async (d) => writeFile(join(d, 'README.txt'), 'added after signing'));
  await waitFor('the bundle with an added file refused', async () => (await rows('?include=rejected')).some((x) => x.location?.endsWith(dir) && /does not match/.test(x.rejected ?? '')), 60_000);
  await rm(join(w.pluginDir, dir, 'README.txt'));
  await waitFor('the bundle accepted once the file is gone', async () => !(await rows('?include=rejected')).some((x) => x.location?.endsWith(dir)), 60_000);
  assert.ok(w.logs.some((l) => l['msg'] === 'plugin bundle rejected' && String(l['dir']).endsWith(dir)));
});
