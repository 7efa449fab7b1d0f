import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfigResolver, providerSpecsFromJson, providerSpecsFromProperties, resolveAtStart } from '../../../../host/connect/config/config-providers.ts';
import { ErrorCode, isConveyorError } from '../../../../host/core/errors.ts';
import { workerInputFromProperties } from '../../../../host/cli/standalone.ts';
import { distributedInputFromProperties } from '../../../../host/distributed/distributed-config.ts';
import { workerConfig } from '../../../../host/worker/worker-config.ts';

const PKG = 'org.apache.kafka.common.config.provider.';
let dir: string;
let allowed: string;
let outside: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-providers-'));
  allowed = join(dir, 'allowed');
  outside = join(dir, 'outside');
  await mkdir(join(allowed, 'secrets'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(allowed, 'db.properties'), 'user=conveyor\npassword=s3cr3t\\=x\n');
  await writeFile(join(allowed, 'secrets', 'api-key'), 'key-value\n');
  await writeFile(join(outside, 'db.properties'), 'password=outside\n');
  await symlink(join(outside, 'db.properties'), join(allowed, 'escape.properties'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function file(params: Record<string, string> = {}): ReturnType<typeof createConfigResolver> {
  return createConfigResolver([{ name: 'file', className: PKG + 'FileConfigProvider', params }]);
}

async function rejectsNaming(p: Promise<unknown>, ...parts: string[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isConveyorError(err) && err.code === ErrorCode.configInvalid, String(err));
    for (const part of parts) assert.ok(err.message.includes(part), `${err.message} names ${part}`);
    return true;
  });
}

/** A worker needs its source offsets somewhere (Kafka Connect: offset.storage.file.filename or offset.storage.topic). */
const OFFSETS = { offsetStorageFile: '/tmp/conveyor-unit-offsets.json' };

void test('worker properties: config.providers, .class and .param.* per listed provider', () => {
  const specs = providerSpecsFromProperties({
    'config.providers': 'file, env',
    'config.providers.file.class': PKG + 'FileConfigProvider',
    'config.providers.file.param.allowed.paths': '/a,/b',
    'config.providers.env.class': PKG + 'EnvVarConfigProvider',
    'bootstrap.servers': 'x:9092',
  });
  assert.deepEqual(specs, [
    { name: 'file', className: PKG + 'FileConfigProvider', params: { 'allowed.paths': '/a,/b' } },
    { name: 'env', className: PKG + 'EnvVarConfigProvider', params: {} },
  ]);
  assert.throws(() => providerSpecsFromProperties({ 'config.providers': 'file' }), /config\.providers\.file\.class is required/);
  assert.throws(() => providerSpecsFromProperties({ 'config.providers.vault.class': 'x' }), /config\.providers\.vault\.class belongs to no provider/);
  assert.deepEqual(providerSpecsFromJson({ dir: { class: 'DirectoryConfigProvider', params: { 'allowed.paths': '/x' } } }), [{ name: 'dir', className: 'DirectoryConfigProvider', params: { 'allowed.paths': '/x' } }]);
  assert.throws(() => providerSpecsFromJson({ dir: { klass: 'x' } }), /configProviders\.dir must be/);
});

void test('start-up errors: unknown class named, unknown param, relative or missing allowed path, provider defined twice', () => {
  assert.throws(() => workerConfig({ ...OFFSETS, connectProperties: { 'config.providers': 'vault', 'config.providers.vault.class': 'com.example.VaultConfigProvider' } }), /unknown config provider class com\.example\.VaultConfigProvider/);
  assert.throws(() => file({ 'allowed.path': '/tmp' }), /unknown param allowed\.path/);
  assert.throws(() => file({ 'allowed.paths': 'relative/dir' }), /relative\/dir is not an absolute path/);
  assert.throws(() => file({ 'allowed.paths': join(dir, 'nope') }), /does not exist/);
  assert.throws(
    () => workerConfig({ ...OFFSETS, connectProperties: { 'config.providers': 'env', 'config.providers.env.class': PKG + 'EnvVarConfigProvider' }, configProviders: { env: { class: 'EnvVarConfigProvider' } } }),
    /config provider env is defined twice/,
  );
  const ok = workerConfig({ ...OFFSETS, connectProperties: { 'config.providers': 'file', 'config.providers.file.class': PKG + 'FileConfigProvider' }, configProviders: { env: { class: 'EnvVarConfigProvider' } } });
  assert.deepEqual(ok.configProviders.map((p) => p.name), ['file', 'env']);
  assert.deepEqual(workerConfig(OFFSETS).configProviders, []);
});

void test('standalone and distributed worker.properties both carry the providers into the worker config', () => {
  const props = { 'config.providers': 'env', 'config.providers.env.class': PKG + 'EnvVarConfigProvider', 'config.providers.env.param.allowlist.pattern': '^DB_' };
  const expected = [{ name: 'env', className: PKG + 'EnvVarConfigProvider', params: { 'allowlist.pattern': '^DB_' } }];
  assert.deepEqual(workerConfig(workerInputFromProperties({ ...props, 'offset.storage.file.filename': OFFSETS.offsetStorageFile })).configProviders, expected);
  const distributed = distributedInputFromProperties({ ...props, 'cluster.id': 'c', 'etcd.endpoints': 'http://127.0.0.1:2379', 'bootstrap.servers': '127.0.0.1:9092' });
  assert.deepEqual(workerConfig(distributed.worker).configProviders, expected);
  assert.throws(() => workerConfig(workerInputFromProperties({ 'config.providers': 'x', 'config.providers.x.class': 'Nope', 'offset.storage.file.filename': OFFSETS.offsetStorageFile })), /unknown config provider class Nope/);
});

void test('file provider: keys of a properties file; missing keys and unknown providers left as they are', async () => {
  const path = join(allowed, 'db.properties');
  const r = await file().resolve({ user: `\${file:${path}:user}`, password: `\${file:${path}:password}`, missing: `\${file:${path}:nope}`, other: '${vault:/x:y}', plain: 'p' });
  assert.deepEqual(r.config, { user: 'conveyor', password: 's3cr3t=x', missing: `\${file:${path}:nope}`, other: '${vault:/x:y}', plain: 'p' });
  assert.deepEqual(r.unresolved.map((u) => `${u.configKey}:${u.provider}:${u.key}`), ['missing:file:nope', 'other:vault:y']);
});

void test('file provider: a missing file fails resolution with a message naming the reference', async () => {
  await rejectsNaming(file().resolve({ 'db.password': `\${file:${join(dir, 'gone.properties')}:password}` }), 'config "db.password"', 'provider file', 'gone.properties', 'key password', 'no such file');
});

void test('file provider: allowed.paths admits files below it and refuses others, .. traversal and symbolic links out', async () => {
  const r = file({ 'allowed.paths': allowed });
  assert.equal((await r.resolve({ u: `\${file:${join(allowed, 'db.properties')}:user}` })).config['u'], 'conveyor');
  await rejectsNaming(r.resolve({ p: `\${file:${join(outside, 'db.properties')}:password}` }), 'config "p"', 'not in allowed.paths');
  await rejectsNaming(r.resolve({ p: `\${file:${allowed}/../outside/db.properties:password}` }), 'not in allowed.paths');
  await rejectsNaming(r.resolve({ p: `\${file:${join(allowed, 'escape.properties')}:password}` }), 'leads outside allowed.paths');
});

void test('directory provider: a file named by the key, whole content; missing file left as it is; allowed.paths applies', async () => {
  const r = createConfigResolver([{ name: 'directory', className: PKG + 'DirectoryConfigProvider', params: { 'allowed.paths': allowed } }]);
  const secrets = join(allowed, 'secrets');
  const out = await r.resolve({ k: `\${directory:${secrets}:api-key}`, m: `\${directory:${secrets}:absent}`, t: `\${directory:${secrets}:../db.properties}` });
  assert.deepEqual(out.config, { k: 'key-value\n', m: `\${directory:${secrets}:absent}`, t: `\${directory:${secrets}:../db.properties}` });
  await rejectsNaming(r.resolve({ k: `\${directory:${outside}:db.properties}` }), 'not in allowed.paths');
  await rejectsNaming(r.resolve({ k: `\${directory:${join(allowed, 'db.properties')}:x}` }), 'is not a directory');
});

void test('env provider: ${env:VAR} and ${env::VAR}; allowlist.pattern filters; unset left as it is; a path fails', async () => {
  const env = { DB_PASSWORD: 'pw', HOME: '/home/x' };
  const r = createConfigResolver([{ name: 'env', className: PKG + 'EnvVarConfigProvider', params: { 'allowlist.pattern': '^DB_' } }], env);
  const out = await r.resolve({ a: '${env:DB_PASSWORD}', b: '${env::DB_PASSWORD}', c: '${env:HOME}', d: '${env:DB_UNSET}' });
  assert.deepEqual(out.config, { a: 'pw', b: 'pw', c: '${env:HOME}', d: '${env:DB_UNSET}' });
  await rejectsNaming(r.resolve({ a: '${env:/etc:DB_PASSWORD}' }), 'config "a"', 'path is not supported');
  const all = createConfigResolver([{ name: 'env', className: 'EnvVarConfigProvider', params: {} }], env);
  assert.equal((await all.resolve({ c: '${env:HOME}' })).config['c'], '/home/x');
});

void test('resolveAtStart logs unresolved references by name and never a value; without providers the config is kept', async () => {
  const warnings: string[] = [];
  const log = { warn: (msg: string, fields?: Readonly<Record<string, unknown>>) => void warnings.push(`${msg} ${JSON.stringify(fields)}`) };
  const path = join(allowed, 'db.properties');
  const out = await resolveAtStart(file(), { password: `\${file:${path}:password}`, x: `\${file:${path}:nope}` }, log);
  assert.equal(out['password'], 's3cr3t=x');
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0]?.includes('key nope') === true && !warnings.join('').includes('s3cr3t'));
  assert.deepEqual(await resolveAtStart(undefined, { a: '${env:HOME}' }, log), { a: '${env:HOME}' });
});
