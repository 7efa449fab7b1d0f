/**
 * A running worker over REST: plugins appear without a restart, versions coexist, broken bundles are reported and
 * skipped, connectors are created, reconfigured, read and deleted, and a dead sandbox process only restarts tasks.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { http, startTestWorker, waitFor } from './worker-fixture.ts';
import type { TestWorker } from './worker-fixture.ts';

let w: TestWorker;
let work: string;
let bundle: string;

before(async () => {
  w = await startTestWorker();
  work = await mkdtemp(join(tmpdir(), 'conveyor-worker-test-'));
  bundle = (await buildPlugin(join(import.meta.dirname, 'fixture-plugin'), join(work, 'ticker-1'))).outDir;
});

after(async () => {
  await w.close();
  await rm(work, { recursive: true, force: true });
});

type PluginRow = { class: string; type: string; version: string };
const plugins = async (): Promise<PluginRow[]> => (await http(`${w.url}/connector-plugins`)).body as PluginRow[];
const status = async (name: string): Promise<ConnectorStatus> => (await http(`${w.url}/connectors/${name}/status`)).body as ConnectorStatus;

test('built-in plugins are listed', async () => {
  const rows = await plugins();
  assert.ok(rows.some((r) => r.class === 'io.conveyor.plugins.datagen.DatagenSource' && r.type === 'source'));
  assert.ok(rows.some((r) => r.class === 'io.conveyor.plugins.countingsink.CountingSink' && r.type === 'sink'));
});

test('a bundle copied into plugin.path appears without a restart and runs', async () => {
  assert.ok(!(await plugins()).some((r) => r.class === 'TickerSource'));
  await cp(bundle, join(w.pluginDir, 'ticker'), { recursive: true });
  await waitFor('TickerSource listed', async () => (await plugins()).some((r) => r.class === 'TickerSource' && r.version === '1.0.0'));
  const ticks = await w.topic('ticks');
  const created = await http(`${w.url}/connectors`, 'POST', { name: 'ticks', config: { 'connector.class': 'com.example.TickerSource', topic: ticks } });
  assert.equal(created.status, 201);
  assert.deepEqual((created.body as { tasks: unknown[] }).tasks, [{ connector: 'ticks', task: 0 }]);
  await waitFor('ticks flowing', async () => (await w.endOffset(ticks)) >= 20);
  const s = await status('ticks');
  assert.equal(s.connector.state, 'RUNNING');
  assert.equal(s.tasks[0]?.state, 'RUNNING');
  assert.equal(s.tasks[0]?.worker_id, w.worker.config.workerId);
  assert.equal(s.type, 'source');
});

test('a changed bundle is a new version next to the old one', async () => {
  const src = join(work, 'ticker-src');
  await cp(join(import.meta.dirname, 'fixture-plugin'), src, { recursive: true });
  const manifest = JSON.parse(await readFile(join(src, 'conveyor-plugin.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(src, 'conveyor-plugin.json'), JSON.stringify({ ...manifest, version: '2.0.0' }));
  const entry = join(src, 'src', 'index.ts');
  await writeFile(entry, (await readFile(entry, 'utf8')).replaceAll('../../../../../sdk/', `${join(import.meta.dirname, '..', '..', '..', 'sdk')}/`));
  await buildPlugin(src, join(w.pluginDir, 'ticker-v2'));
  await waitFor('both versions listed', async () => (await plugins()).filter((r) => r.class === 'TickerSource').length === 2);
  const v1 = await http(`${w.url}/connectors`, 'POST', { name: 'ticks-v1', config: { 'connector.class': 'TickerSource', 'plugin.version': '1.0.0', topic: await w.topic('ticks-v1') } });
  assert.equal(v1.status, 201);
  await waitFor('v1 connector runs', async () => (await status('ticks-v1')).tasks[0]?.state === 'RUNNING');
  assert.equal((await http(`${w.url}/connectors/ticks-v1`, 'DELETE')).status, 204);
});

test('a .tgz of a bundle directory is installed like the directory', async () => {
  const src = join(work, 'ticker-src');
  const manifest = JSON.parse(await readFile(join(src, 'conveyor-plugin.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(src, 'conveyor-plugin.json'), JSON.stringify({ ...manifest, version: '3.0.0' }));
  await buildPlugin(src, join(work, 'tgz', 'ticker-3'));
  const archive = join(work, 'ticker-3.tgz');
  await promisify(execFile)('tar', ['czf', archive, '-C', join(work, 'tgz'), 'ticker-3']);
  await cp(archive, join(w.pluginDir, 'ticker-3.tgz'));
  await waitFor('v3 from the archive listed', async () => (await plugins()).some((r) => r.class === 'TickerSource' && r.version === '3.0.0'));
  const installed = ((await http(`${w.url}/conveyor/plugins`)).body as { installed: { version: string; dir: string }[] }).installed;
  assert.ok(installed.some((p) => p.version === '3.0.0' && p.dir.endsWith('ticker-3.tgz')));
});

test('broken bundles are reported with their reason and skipped', async () => {
  const tamper = async (dir: string, change: (code: string, manifest: Record<string, unknown>) => { code?: string; manifest?: Record<string, unknown> }): Promise<void> => {
    const target = join(w.pluginDir, dir);
    await cp(bundle, target, { recursive: true });
    const code = await readFile(join(target, 'plugin.js'), 'utf8');
    const manifest = JSON.parse(await readFile(join(target, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const out = change(code, manifest);
    if (out.code !== undefined) await writeFile(join(target, 'plugin.js'), out.code);
    if (out.manifest !== undefined) await writeFile(join(target, 'manifest.json'), JSON.stringify(out.manifest));
  };
  const sha = async (code: string): Promise<string> => (await import('node:crypto')).createHash('sha256').update(code).digest('hex');
  await tamper('bad-hash', (code) => ({ code: code + '\n// changed' }));
  await tamper('bad-manifest', (_c, m) => ({ manifest: { ...m, type: 'transformer' } }));
  await tamper('bad-capability', (_c, m) => ({ manifest: { ...m, capabilities: ['kernel'] } }));
  const syntax = 'function (';
  await tamper('bad-syntax', (_c, m) => ({ code: syntax, manifest: { ...m, code: { file: 'plugin.js', sha256: '' } } }));
  const noExport = 'var x = 1;';
  await tamper('no-export', (_c, m) => ({ code: noExport, manifest: { ...m, code: { file: 'plugin.js', sha256: '' } } }));
  for (const [dir, code] of [['bad-syntax', syntax], ['no-export', noExport]] as const) {
    const p = join(w.pluginDir, dir, 'manifest.json');
    const m = JSON.parse(await readFile(p, 'utf8')) as { code: { sha256: string } };
    m.code.sha256 = await sha(code);
    await writeFile(p, JSON.stringify(m));
  }
  type Broken = { dir: string; reason: string };
  const expected: Record<string, RegExp> = {
    'bad-hash': /hash mismatch: manifest says sha256 [0-9a-f]{64}, code is [0-9a-f]{64}/,
    'bad-manifest': /bad manifest: manifest type must be source, sink or transform, not "transformer"/,
    'bad-capability': /bad manifest: manifest requests unknown capabilities: "kernel"/,
    'bad-syntax': /code does not load: plugin code failed to load: SyntaxError/,
    'no-export': /code does not load: .*did not register a plugin definition \(missing export\)/,
  };
  const broken = await waitFor('all broken bundles reported', async () => {
    const b = ((await http(`${w.url}/conveyor/plugins`)).body as { broken: Broken[] }).broken;
    return Object.keys(expected).every((d) => b.some((x) => x.dir.endsWith(d) && expected[d]?.test(x.reason))) ? b : undefined;
  });
  assert.ok(broken.length >= 5);
  for (const d of Object.keys(expected)) assert.ok(w.logs.some((l) => l['msg'] === 'plugin bundle rejected' && String(l['dir']).endsWith(d)), `log line for ${d}`);
  assert.equal((await http(`${w.url}/`)).status, 200);
});

test('PUT config creates then updates; errors use the Kafka Connect body', async () => {
  const gen = await w.topic('gen');
  const created = await http(`${w.url}/connectors/gen/config`, 'PUT', { 'connector.class': 'DatagenSource', topic: gen, rate: '100' });
  assert.equal(created.status, 201);
  const updated = await http(`${w.url}/connectors/gen/config`, 'PUT', { 'connector.class': 'DatagenSource', topic: gen, rate: '200', 'tasks.max': '2' });
  assert.equal(updated.status, 200);
  assert.equal((updated.body as { tasks: unknown[] }).tasks.length, 2);
  assert.equal((await http(`${w.url}/connectors/gen/config`)).body && ((await http(`${w.url}/connectors/gen/config`)).body as Record<string, string>)['rate'], '200');
  const dup = await http(`${w.url}/connectors`, 'POST', { name: 'gen', config: { 'connector.class': 'DatagenSource', topic: 'gen' } });
  assert.deepEqual(dup, { status: 409, body: { error_code: 409, message: 'Connector gen already exists' } });
  const invalid = await http(`${w.url}/connectors`, 'POST', { name: 'bad', config: { 'connector.class': 'DatagenSource', topic: 'x', rate: 'fast' } });
  assert.equal(invalid.status, 400);
  assert.match((invalid.body as { message: string }).message, /contains the following 1 error\(s\):\nInvalid value fast for configuration rate/);
  const pluginValidate = await http(`${w.url}/connectors`, 'POST', { name: 'bad2', config: { 'connector.class': 'TickerSource', topic: 'x', label: 'forbidden' } });
  assert.equal(pluginValidate.status, 400);
  assert.match((pluginValidate.body as { message: string }).message, /label may not be "forbidden"/);
  const unknown = await http(`${w.url}/connectors`, 'POST', { name: 'bad3', config: { 'connector.class': 'NoSuchConnector' } });
  assert.equal(unknown.status, 400);
  const malformed = await fetch(`${w.url}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
  assert.equal(malformed.status, 400);
  assert.equal(((await malformed.json()) as { error_code: number }).error_code, 400);
  // Kafka Connect takes JSON bodies only: `curl -d @config.json` without a JSON Content-Type (sent as
  // application/x-www-form-urlencoded), and a browser's text/plain cross-origin POST, are 415 and create nothing.
  for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
    const refused = await fetch(`${w.url}/connectors/curl-style/config`, {
      method: 'PUT',
      headers: { 'content-type': type },
      body: JSON.stringify({ 'connector.class': 'DatagenSource', topic: 'curl-style', rate: '10' }),
    });
    assert.deepEqual({ status: refused.status, body: await refused.json() }, { status: 415, body: { error_code: 415, message: 'HTTP 415 Unsupported Media Type' } }, type);
  }
  assert.equal((await http(`${w.url}/connectors/curl-style/config`)).status, 404, 'nothing was created');
  assert.deepEqual(await http(`${w.url}/connectors`, 'POST', { config: {} }), { status: 400, body: { error_code: 400, message: 'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value  for configuration name: String may not be empty\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`' } });
  assert.equal((await http(`${w.url}/no/such/path`)).status, 404);
  assert.equal((await http(`${w.url}/connectors/gen`, 'DELETE')).status, 204);
  assert.deepEqual(await http(`${w.url}/connectors/gen/status`), { status: 404, body: { error_code: 404, message: 'No status found for connector gen' } });
});

test('a killed sandbox process restarts its tasks with backoff; the worker carries on', async () => {
  const survivor = await w.topic('survivor');
  await w.worker.createConnector('survivor', { 'connector.class': 'DatagenSource', topic: survivor, rate: '500' });
  await waitFor('survivor running', async () => (await status('survivor')).tasks[0]?.state === 'RUNNING');
  const calls = (await http(`${w.url}/conveyor/connectors/survivor/capability-calls`)).body as { task: number; call: string; counters: { calls: number; errors: number } }[];
  assert.deepEqual(calls.map((c) => [c.task, c.call, c.counters.calls, c.counters.errors]), [[0, 'offsets.get', 1, 0]], 'datagen reads its committed offset once at start');
  const stats = await w.worker.sandboxStats();
  const victim = stats.processes.find((p) => p.tasks.some((t) => t.taskKey.startsWith('survivor-0-')));
  assert.ok(victim?.pid, 'found the sandbox process of the survivor task');
  process.kill(victim.pid, 'SIGKILL');
  const restarting = await waitFor('task RESTARTING', async () => {
    const s = await status('survivor');
    return s.tasks[0]?.state === 'RESTARTING' ? s : undefined;
  });
  assert.match(restarting.tasks[0]?.trace ?? '', /sandbox process \d+ exited \(SIGKILL\)/);
  await waitFor('task RUNNING again', async () => (await status('survivor')).tasks[0]?.state === 'RUNNING');
  const end = await w.endOffset(survivor);
  await waitFor('survivor progressing after restart', async () => (await w.endOffset(survivor)) > end + 10);
  assert.equal((await http(`${w.url}/`)).status, 200);
});
