/**
 * The operator CLI (bin/conveyor) against real workers: a Kafka-backed standalone worker driven through contexts,
 * apply/get/describe/pause/resume/restart/stop/offsets/validate/delete in table, JSON and YAML; Kafka Connect's
 * errors printed with a non-zero exit; and an https worker with tokens reached through a context's CA file and token.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { conveyorCli } from '../../helpers/cli.ts';
import { makeTlsMaterial } from '../../helpers/tls-material.ts';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { startRestWorker, tempDir } from '../rest/helpers.ts';
import type { RestWorker } from '../rest/helpers.ts';

let fx: KafkaFixture;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let w: RestWorker;
let home: string;

before(async () => {
  fx = await kafkaFixture();
  tmp = await tempDir();
  home = join(tmp.dir, 'config-home');
  await mkdir(join(tmp.dir, 'worker'));
  w = await startRestWorker(join(tmp.dir, 'worker'));
});

after(async () => {
  await w.close();
  await fx.cleanup();
  await tmp.remove();
});

const cli = (...args: string[]): ReturnType<typeof conveyorCli> => conveyorCli(home, args);

async function ok(...args: string[]): Promise<string> {
  const r = await cli(...args);
  assert.equal(r.code, 0, `conveyor ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function taskStates(name: string): Promise<string[]> {
  const out = JSON.parse(await ok('describe', 'connector', name, '-o', 'json')) as { status: { tasks: { state: string }[] } };
  return out.status.tasks.map((t) => t.state);
}

void test('contexts, apply from a properties file, get and describe in every format, lifecycle, offsets, validate, delete', { timeout: 180_000 }, async () => {
  assert.match(await ok('config', 'set-context', 'local', '--url', w.url), /context local created \(now the current context\)/);
  const file = join(home, 'conveyor', 'config.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600, 'the contexts file is readable by its owner only');
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { currentContext: 'local', contexts: { local: { url: w.url } } });
  assert.equal((await ok('config', 'current-context')).trim(), 'local');

  const topic = await fx.topic('cli');
  const name = uniqueName('cli');
  const props = join(tmp.dir, `${name}.properties`);
  await writeFile(props, `name=${name}\nconnector.class=DatagenSource\ntopic=${topic}\nrate=20\nmax.records=200\n`);
  assert.equal((await ok('apply', '-f', props)).trim(), `connector/${name} created`);
  await eventually(async () => ((await taskStates(name)).join() === 'RUNNING' ? true : undefined), 'the task RUNNING');

  const listed = await ok('get', 'connectors');
  const [header, row] = listed.trimEnd().split('\n');
  assert.match(header ?? '', /^NAME\s+TYPE\s+STATE\s+TASKS\s+CLASS$/);
  assert.match(row ?? '', new RegExp(`^${name}\\s+source\\s+RUNNING\\s+0:RUNNING\\s+DatagenSource$`));
  assert.doesNotMatch(listed, /\u001b\[/, 'no colours when stdout is not a terminal');
  const json = JSON.parse(await ok('get', 'connectors', '-o', 'json')) as Record<string, { status: { connector: { state: string } } }>;
  assert.equal(json[name]?.status.connector.state, 'RUNNING');
  const yaml = await ok('get', 'connectors', '-o', 'yaml');
  assert.match(yaml, new RegExp(`^${name}:\\n  status:\\n    name: ${name}\\n`, 'm'));
  assert.match(yaml, /^ {6}state: RUNNING$/m);

  const described = await ok('describe', 'connector', name);
  assert.match(described, new RegExp(`^Name:\\s+${name}$`, 'm'));
  assert.match(described, /^State:\s+RUNNING$/m);
  assert.match(described, /^ {2}rate = 20$/m);
  assert.match(described, /^ {2}ID\s+STATE\s+WORKER$/m);

  // Apply again with a change: an update.
  await writeFile(props, `name=${name}\nconnector.class=DatagenSource\ntopic=${topic}\nrate=40\nmax.records=200\n`);
  assert.equal((await ok('apply', '-f', props)).trim(), `connector/${name} configured`);
  assert.match(await ok('describe', 'connector', name), /^ {2}rate = 40$/m);

  assert.equal((await ok('pause', name)).trim(), `connector/${name} paused`);
  await eventually(async () => ((await taskStates(name)).join() === 'PAUSED' ? true : undefined), 'the task PAUSED');
  assert.equal((await ok('resume', name)).trim(), `connector/${name} resumed`);
  await eventually(async () => ((await taskStates(name)).join() === 'RUNNING' ? true : undefined), 'the task RUNNING again');
  assert.match(await ok('restart', name, '--tasks'), new RegExp(`^connector/${name} restarting: connector, task 0$`, 'm'));
  assert.equal((await ok('restart', name, '--task', '0')).trim(), `task ${name}-0 restarted`);

  const plugins = await ok('get', 'plugins');
  assert.match(plugins, /^CLASS\s+TYPE\s+VERSION$/m);
  assert.match(plugins, /^io\.conveyor\.plugins\.datagen\.DatagenSource\s+source\s+/m);
  assert.match(await ok('get', 'plugins', '--all'), /\s+transformation\s+/);

  await eventually(async () => (/\{"task":0\}\s+\{"seq":\d+\}/.test(await ok('get', 'offsets', name)) ? true : undefined), 'a committed source offset');
  const running = await cli('patch', 'offsets', name, '--reset');
  assert.equal(running.code, 1);
  assert.match(running.stderr, /^Error: .*STOPPED.* \(HTTP 400\)\n$/, 'Kafka Connect\'s refusal, said plainly');
  assert.equal((await ok('stop', name)).trim(), `connector/${name} stopped`);
  const offsets = join(tmp.dir, 'offsets.json');
  await writeFile(offsets, JSON.stringify({ offsets: [{ partition: { task: 0 }, offset: { seq: 7 } }] }));
  assert.match(await ok('patch', 'offsets', name, '-f', offsets), /^connector\/.*: The offsets for this connector have been altered successfully/);
  assert.deepEqual(JSON.parse(await ok('get', 'offsets', name, '-o', 'json')), { offsets: [{ partition: { task: 0 }, offset: { seq: 7 } }] });
  assert.match(await ok('patch', 'offsets', name, '--reset'), /have been reset successfully/);
  assert.equal((await ok('get', 'offsets', name)).trim(), 'No offsets.');

  const bad = join(tmp.dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ name: 'bad', config: { 'connector.class': 'DatagenSource', rate: '-5' } }));
  const invalid = await cli('validate', '-f', bad);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stdout, /^KEY\s+ERROR$/m);
  assert.match(invalid.stdout, /^topic\s+Missing required configuration "topic" which has no default value\.$/m);
  assert.match(invalid.stdout, /^rate\s+/m);
  assert.match(invalid.stderr, /^Error: connector\/bad: 2 invalid config values\n$/);
  assert.equal((await ok('validate', '-f', props)).trim(), `connector/${name}: the config is valid`);

  assert.equal((await ok('delete', name)).trim(), `connector/${name} deleted`);
  const gone = await cli('describe', 'connector', name);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr, `Error: Connector ${name} not found (HTTP 404)\n`);
  assert.equal((await ok('get', 'connectors')).trim(), 'No connectors.');

  const usage = await cli('pause');
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /the connector name is missing/);
  const unreachable = await cli('get', 'connectors', '--url', 'http://127.0.0.1:1');
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^Error: cannot reach http:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
});

void test('an https worker with tokens: a context with its CA file and token works; without them, clear errors', { timeout: 120_000 }, async () => {
  const dir = join(tmp.dir, 'tls');
  await mkdir(dir);
  const tls = makeTlsMaterial(dir);
  const tenants = join(dir, 'tenants.json');
  await writeFile(tenants, JSON.stringify({ tenants: { ops: { role: 'admin', tokens: [sha256Hex('cli-admin-token')] } } }));
  const secure = await startRestWorker(dir, {
    listeners: 'https://127.0.0.1:0',
    'listeners.https.ssl.keystore.type': 'PKCS12',
    'listeners.https.ssl.keystore.location': tls.serverP12File,
    'listeners.https.ssl.keystore.password': 'storepass',
    'conveyor.tenants.file': tenants,
  });
  try {
    await ok('config', 'set-context', 'secure', '--url', secure.url, '--ca-file', tls.caPemFile, '--token', 'cli-admin-token');
    const contexts = await ok('config', 'get-contexts');
    assert.match(contexts, /^\*?\s+secure\s+https:\/\/127\.0\.0\.1:\d+\s+set\s+/m);
    assert.doesNotMatch(contexts, /cli-admin-token/, 'tokens are never printed');
    assert.equal((await ok('get', 'connectors', '--context', 'secure')).trim(), 'No connectors.');
    assert.match(await ok('config', 'use-context', 'secure'), /switched to context secure/);
    assert.equal((await ok('get', 'connectors')).trim(), 'No connectors.');

    const noToken = await cli('get', 'connectors', '--token', '');
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /^Error: User cannot access the resource\. \(HTTP 401\)\n$/);
    await ok('config', 'set-context', 'untrusted', '--url', secure.url);
    const untrusted = await cli('get', 'connectors', '--context', 'untrusted');
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /^Error: cannot reach https:\/\/127\.0\.0\.1:\d+: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    assert.match(await ok('config', 'delete-context', 'untrusted'), /context untrusted deleted/);
  } finally {
    await secure.close();
  }
});
