/**
 * The plugin directories on a full disk (issue: faults a production cluster really sees, item 7). plugin.path and
 * conveyor.tenant.plugin.path live on a small tmpfs of the test's own; a tenant's connector runs from a bundle
 * installed there. Once the disk is full: a tenant's upload is refused with the cause and leaves no partial file;
 * an operator's copy cut short by the full disk is a rejected bundle (with its reason), never a loaded one; REST and
 * the running connector carry on. Once space returns, the same upload and the same copy load.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { tickerBundle } from '../../helpers/ticker-bundle.ts';
import { copyUntilFull, fill, mountTmpfs } from '../../helpers/tmpfs.ts';
import { startRestWorker, tempDir } from '../rest/helpers.ts';
import { waitFor } from '../worker/worker-fixture.ts';

const TMPFS_BYTES = 1024 * 1024;
const TOKEN = 'full-disk-tenant-token';

void test('plugin directories on a full disk: uploads refused with the cause and nothing partial kept, a torn copy rejected not loaded, all loading once space returns', { timeout: 180_000 }, async (t) => {
  const run = Date.now().toString(36);
  const work = await tempDir();
  const tmpfs = await mountTmpfs('conveyor-full-plugins-', TMPFS_BYTES);
  const pluginRoot = join(tmpfs.dir, 'plugins');
  const tenantRoot = join(tmpfs.dir, 'tenant-plugins');
  await mkdir(pluginRoot);
  const classes = { running: `FullDiskTicker${run}`, upload: `FullDiskUpload${run}`, copied: `FullDiskCopied${run}` };
  const running = await tickerBundle(work.dir, `fd-running-${run}`, classes.running);
  const upload = await tickerBundle(work.dir, `fd-upload-${run}`, classes.upload);
  const copied = await tickerBundle(work.dir, `fd-copied-${run}`, classes.copied);
  const tenants = join(work.dir, 'tenants.json');
  await writeFile(tenants, JSON.stringify({ tenants: { acme: { role: 'operator', tokens: [sha256Hex(TOKEN)], topicPrefixes: [`acme-${run}.`] } } }));
  const w = await startRestWorker(work.dir, { 'conveyor.tenants.file': tenants, 'conveyor.tenant.plugin.path': tenantRoot }, [pluginRoot]);
  t.after(async () => {
    await w.close();
    await tmpfs.remove();
    await work.remove();
  });
  const call = (method: string, path: string, body?: unknown) => w.call(method, path, body, { headers: { authorization: `Bearer ${TOKEN}` } });
  const put = async (name: string, body: Buffer): Promise<{ status: number; body: { message?: string; class?: string } }> => {
    const res = await fetch(`${w.url}/plugins/${name}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/gzip' }, body });
    return { status: res.status, body: (await res.json()) as { message?: string } };
  };
  const listed = async (): Promise<string[]> => ((await call('GET', '/connector-plugins')).body as { class: string }[]).map((p) => p.class);

  assert.equal((await put('fd-running', running)).status, 201);
  const name = `fd-ticks-${run}`;
  const created = await call('POST', '/connectors', { name, config: { 'connector.class': classes.running, topic: `acme-${run}.ticks`, label: 't', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await waitFor('ticks moving', () => ((w.worker.connectorProgress(name)[0]?.records ?? 0) > 0 ? true : undefined), 60_000);

  // The disk fills: a tenant's upload is refused with the cause, and no partial or temporary file stays behind.
  let filler = await fill(tmpfs.dir);
  const refused = await put('fd-upload', upload);
  assert.equal(refused.status, 500, JSON.stringify(refused.body));
  assert.match(refused.body.message ?? '', /fd-upload.*(ENOSPC|no space left)/i);
  assert.deepEqual(await readdir(join(tenantRoot, 'acme')), ['fd-running.tgz'], 'nothing of the refused upload is kept');
  assert.equal((await listed()).includes(classes.upload), false);

  // An operator's copy into plugin.path that the full disk cut short: rejected with a reason, not loaded.
  await rm(filler);
  filler = await fill(tmpfs.dir, Math.floor(copied.length / 2));
  const torn = join(pluginRoot, 'fd-copied.tgz');
  const written = await copyUntilFull(torn, copied);
  assert.ok(written < copied.length, `the copy was cut short (${written} of ${copied.length} bytes)`);
  await w.worker.rescanPlugins();
  const rejected = ((await call('GET', '/connector-plugins?include=rejected')).body as { location?: string; rejected?: string }[]).find((p) => p.location === torn);
  assert.ok(rejected?.rejected !== undefined && rejected.rejected.length > 0, `the torn bundle is reported as rejected: ${JSON.stringify(rejected)}`);
  assert.equal((await listed()).includes(classes.copied), false, 'a torn bundle is never loaded');

  // Meanwhile REST answers and the connector runs on.
  assert.equal((await call('GET', '/')).status, 200);
  const status = (await call('GET', `/connectors/${name}/status`)).body as { connector: { state: string }; tasks: { state: string }[] };
  assert.deepEqual([status.connector.state, status.tasks[0]?.state], ['RUNNING', 'RUNNING']);
  const before = w.worker.connectorProgress(name)[0]?.records ?? 0;
  await waitFor('ticks still moving on a full disk', () => ((w.worker.connectorProgress(name)[0]?.records ?? 0) > before ? true : undefined), 30_000);

  // Space returns: the same upload and the same copy load.
  await rm(filler);
  const installed = await put('fd-upload', upload);
  assert.equal(installed.status, 201, JSON.stringify(installed.body));
  await writeFile(torn, copied);
  await w.worker.rescanPlugins();
  const now = await listed();
  assert.ok(now.includes(classes.upload) && now.includes(classes.copied), `both load once space returned: ${now.join(', ')}`);
  await call('DELETE', `/connectors/${name}`);
});
