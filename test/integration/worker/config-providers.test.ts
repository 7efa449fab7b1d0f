/**
 * Config providers end to end on a Kafka-backed standalone worker: a FileStreamSource whose `file` is a
 * `${file:...}` reference reads the resolved file into Kafka, while REST, the stored config and the worker's log
 * never show a resolved value; a changed secret takes effect on task restart, and a secret that cannot be read fails
 * the task with a message naming the reference.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { readTopic } from '../pipeline/helpers.ts';
import { startRestWorker, tempDir } from '../rest/helpers.ts';
import type { RestWorker } from '../rest/helpers.ts';

const PROVIDER = 'org.apache.kafka.common.config.provider.FileConfigProvider';
const MARKER = `marker-secret-${randomBytes(8).toString('hex')}`;

let fx: KafkaFixture;
let w: RestWorker;
let tmp: { dir: string; remove(): Promise<void> };
let secrets: string;

before(async () => {
  fx = await kafkaFixture();
  tmp = await tempDir();
  await mkdir(join(tmp.dir, 'secrets'));
  secrets = join(tmp.dir, 'secrets', 'secrets.properties');
  w = await startRestWorker(tmp.dir, {
    'config.providers': 'file',
    'config.providers.file.class': PROVIDER,
    'config.providers.file.param.allowed.paths': join(tmp.dir, 'secrets'),
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  });
});

after(async () => {
  await w.close();
  await fx.cleanup();
  await tmp.remove();
});

type TaskStatus = { id: number; state: string; trace?: string };

async function taskStatus(name: string): Promise<TaskStatus | undefined> {
  return ((await w.call('GET', `/connectors/${name}/status`)).body as { tasks: TaskStatus[] }).tasks[0];
}

void test('a ${file:...} reference: resolved for the task, never returned by REST, stored or logged; re-resolved on restart', { timeout: 120_000 }, async () => {
  const topic = await fx.topic('providers');
  const name = uniqueName('providers-src');
  const first = join(tmp.dir, 'first.txt');
  const second = join(tmp.dir, 'second.txt');
  await writeFile(first, 'one\ntwo\nthree\n');
  await writeFile(second, 'four\nfive\n');
  await writeFile(secrets, `path=${first}\ndb.password=${MARKER}\n`);
  const config = {
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    topic,
    file: `\${file:${secrets}:path}`,
    'db.password': `\${file:${secrets}:db.password}`,
    'extra.secret.note': `prefix-\${file:${secrets}:db.password}`,
  };

  const created = await w.call('POST', '/connectors', { name, config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual((await readTopic(fx, topic, 3)).map((r) => r.value), ['one', 'two', 'three']);

  const stored = (await w.call('GET', `/connectors/${name}/config`)).body as Record<string, string>;
  assert.equal(stored['file'], config.file);
  assert.equal(stored['db.password'], config['db.password']);
  const tasks = (await w.call('GET', `/connectors/${name}/tasks`)).body as { config: Record<string, string> }[];
  assert.equal(tasks[0]?.config['file'], config.file);
  assert.equal(tasks[0]?.config['extra.secret.note'], config['extra.secret.note']);
  const views = [
    created.body,
    stored,
    tasks,
    (await w.call('GET', `/connectors/${name}`)).body,
    (await w.call('GET', `/connectors/${name}/status`)).body,
    (await w.call('GET', '/connectors?expand=info&expand=status')).body,
    (await w.call('PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', { ...config, name })).body,
  ];
  for (const v of views) assert.ok(!JSON.stringify(v).includes(MARKER) && !JSON.stringify(v).includes(first), `REST shows no resolved value: ${JSON.stringify(v)}`);
  assert.ok(!(await readFile(join(tmp.dir, 'connectors.json'), 'utf8')).includes(MARKER), 'the stored config keeps the references');

  // A changed secret takes effect when the task restarts.
  await writeFile(secrets, `path=${second}\ndb.password=${MARKER}\n`);
  assert.equal((await w.call('POST', `/connectors/${name}/tasks/0/restart`)).status, 204);
  const after = (await readTopic(fx, topic, 5)).map((r) => r.value);
  assert.deepEqual(after.slice(3), ['four', 'five']);

  // A secret that cannot be read fails the task, naming the reference and not the secret.
  await rm(secrets);
  assert.equal((await w.call('POST', `/connectors/${name}/tasks/0/restart`)).status, 204);
  const failed = await eventually(async () => {
    const t = await taskStatus(name);
    return t?.state === 'FAILED' ? t : undefined;
  }, 'the task FAILED without its secrets file');
  assert.match(failed.trace ?? '', /Could not resolve config "(file|db\.password|extra\.secret\.note)" \(provider file, path .*secrets\.properties, key (path|db\.password)\): no such file or directory/);
  assert.ok(!(failed.trace ?? '').includes(MARKER));
  await w.call('DELETE', `/connectors/${name}`);

  const log = w.lines.join('\n');
  assert.ok(log.includes('task state'), 'the log was captured');
  assert.ok(!log.includes(MARKER), 'the worker log holds no resolved secret');
});

void test('a reference outside allowed.paths is refused when the connector is created, naming the reference', { timeout: 60_000 }, async () => {
  const outside = join(tmp.dir, 'outside.properties');
  await writeFile(outside, `db.password=${MARKER}\n`);
  const r = await w.call('POST', '/connectors', {
    name: uniqueName('providers-refused'),
    config: { 'connector.class': 'DatagenSource', topic: uniqueName('unused'), 'db.password': `\${file:${outside}:db.password}` },
  });
  assert.equal(r.status, 400, JSON.stringify(r.body));
  const message = (r.body as { message: string }).message;
  assert.match(message, /Could not resolve config "db\.password" \(provider file, path .*outside\.properties, key db\.password\): path .* is not in allowed\.paths/);
  assert.ok(!message.includes(MARKER));
});
