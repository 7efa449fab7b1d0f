/**
 * Two tenants side by side on one Kafka-backed worker: neither sees, reads or changes the other's connectors (404, as
 * for a missing one, on every endpoint), each is held to its topic prefixes at create time (400) and at run time (a
 * record a transform routes outside them fails the task naming the topic), and to its connector and task quotas.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { startRestWorker, tempDir } from '../rest/helpers.ts';
import type { RestWorker } from '../rest/helpers.ts';
import { waitFor } from '../worker/worker-fixture.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let w: RestWorker;
const run = Date.now().toString(36);
const ACME = 'acme-token-q1';
const GLOBEX = 'globex-token-q2';
const OPS = 'ops-token-q3';
const SLOW = 'slow-token-q4';

before(async () => {
  tmp = await tempDir();
  const file = join(tmp.dir, 'tenants.json');
  await writeFile(file, JSON.stringify({
    tenants: {
      acme: { role: 'operator', tokens: [sha256Hex(ACME)], topicPrefixes: [`acme-${run}.`], quotas: { maxConnectors: 2, maxTasks: 3 } },
      globex: { role: 'operator', tokens: [sha256Hex(GLOBEX)], topicPrefixes: [`globex-${run}.`] },
      ops: { role: 'admin', tokens: [sha256Hex(OPS)] },
      slow: { role: 'operator', tokens: [sha256Hex(SLOW)], topicPrefixes: [`slow-${run}.`], quotas: { recordsPerSecond: 50 } },
    },
  }));
  w = await startRestWorker(tmp.dir, { 'conveyor.tenants.file': file });
});

after(async () => {
  await w.close();
  await tmp.remove();
});

const as = (token: string) => (method: string, path: string, body?: unknown) => w.call(method, path, body, { headers: { authorization: `Bearer ${token}` } });
const acme = as(ACME);
const globex = as(GLOBEX);
const ops = as(OPS);
const slow = as(SLOW);
const datagen = (topic: string, extra: Record<string, string> = {}): Record<string, string> => ({ 'connector.class': 'DatagenSource', topic, rate: '20', ...extra });
const notFound = (name: string) => ({ error_code: 404, message: `Connector ${name} not found` });

void test('a tenant sees and manages only its own connectors; another tenant\'s are 404 everywhere; admins see all', async () => {
  const name = `acme-gen-${run}`;
  const created = await acme('POST', '/connectors', { name, config: datagen(`acme-${run}.gen`) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal((created.body as { config: Record<string, string> }).config['conveyor.tenant'], 'acme', 'the owner is recorded in the config');
  assert.deepEqual((await acme('GET', '/connectors')).body, [name]);
  assert.deepEqual((await globex('GET', '/connectors')).body, []);
  assert.deepEqual((await globex('GET', '/connectors?expand=status&expand=info')).body, {});
  for (const [method, path] of [['GET', ''], ['GET', '/config'], ['GET', '/status'], ['GET', '/tasks'], ['GET', '/tasks/0/status'], ['GET', '/topics'], ['GET', '/offsets'],
    ['PUT', '/pause'], ['PUT', '/resume'], ['PUT', '/stop'], ['POST', '/restart'], ['POST', '/tasks/0/restart'], ['DELETE', '']] as const) {
    const res = await globex(method, `/connectors/${name}${path}`);
    assert.deepEqual({ status: res.status, body: res.body }, { status: 404, body: notFound(name) }, `${method} ${path}`);
  }
  const hijack = await globex('PUT', `/connectors/${name}/config`, datagen(`globex-${run}.x`));
  assert.deepEqual({ status: hijack.status, body: hijack.body }, { status: 404, body: notFound(name) }, 'a config PUT cannot take over another tenant\'s connector');
  assert.equal((await globex('GET', `/conveyor/connectors/${name}/capability-calls`)).status, 404);
  assert.deepEqual(((await ops('GET', '/connectors')).body as string[]).includes(name), true, 'an admin sees every tenant\'s connectors');
  assert.equal(((await acme('GET', `/connectors/${name}/config`)).body as Record<string, string>)['topic'], `acme-${run}.gen`, 'unchanged by the other tenant');
  assert.equal((await acme('DELETE', `/connectors/${name}`)).status, 204);
});

void test('topic prefixes at create time, and a tenant cannot name another as owner', async () => {
  const outside = await acme('POST', '/connectors', { name: `acme-out-${run}`, config: datagen(`globex-${run}.stolen`) });
  assert.equal(outside.status, 400);
  assert.match((outside.body as { message: string }).message, new RegExp(`Invalid value globex-${run}\\.stolen for configuration topic: tenant acme may use only topics starting with acme-${run}\\.`));
  const dlq = await acme('PUT', `/connectors/acme-dlq-${run}/config`, datagen(`acme-${run}.ok`, { 'errors.deadletterqueue.topic.name': 'shared-dlq' }));
  assert.equal(dlq.status, 400, 'the dead letter queue topic too');
  const history = await acme('PUT', `/connectors/acme-history-${run}/config`, datagen(`acme-${run}.ok`, { 'schema.history.internal.kafka.topic': 'schema-changes.shared' }));
  assert.equal(history.status, 400, 'a CDC connector\'s schema history topic too: another tenant\'s history is not writable');
  const owner = await acme('POST', '/connectors', { name: `acme-as-globex-${run}`, config: { ...datagen(`acme-${run}.x`), 'conveyor.tenant': 'globex' } });
  assert.equal(owner.status, 403);
  assert.equal((await ops('GET', `/connectors/acme-out-${run}`)).status, 404, 'nothing was created');
});

void test('connector and task quotas: 400 naming the quota', async () => {
  const a = `acme-q1-${run}`;
  const b = `acme-q2-${run}`;
  assert.equal((await acme('POST', '/connectors', { name: a, config: datagen(`acme-${run}.q1`, { 'tasks.max': '2' }) })).status, 201);
  const tooMany = await acme('POST', '/connectors', { name: b, config: datagen(`acme-${run}.q2`, { 'tasks.max': '2' }) });
  assert.equal(tooMany.status, 400);
  assert.match((tooMany.body as { message: string }).message, /Tenant acme would run 4 task\(s\), over its quota of 3 \(quotas.maxTasks\)/);
  assert.equal((await acme('POST', '/connectors', { name: b, config: datagen(`acme-${run}.q2`) })).status, 201);
  const third = await acme('POST', '/connectors', { name: `acme-q3-${run}`, config: datagen(`acme-${run}.q3`) });
  assert.equal(third.status, 400);
  assert.match((third.body as { message: string }).message, /Tenant acme has reached its quota of 2 connector\(s\) \(quotas.maxConnectors\)/);
  assert.equal((await globex('POST', '/connectors', { name: `globex-q-${run}`, config: datagen(`globex-${run}.q`) })).status, 201, 'another tenant\'s quota is its own');
  for (const n of [a, b]) await acme('DELETE', `/connectors/${n}`);
  await globex('DELETE', `/connectors/globex-q-${run}`);
});

void test('a record a transform routes outside the tenant\'s prefixes fails the task, naming the topic', async () => {
  const name = `acme-route-${run}`;
  const config = datagen(`acme-${run}.routed`, {
    transforms: 'route',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': '.*',
    'transforms.route.replacement': `globex-${run}.stolen`,
  });
  assert.equal((await acme('POST', '/connectors', { name, config })).status, 201);
  const failed = await waitFor('task FAILED', async () => {
    const s = (await acme('GET', `/connectors/${name}/status`)).body as { tasks: { state: string; trace?: string }[] };
    return s.tasks[0]?.state === 'FAILED' ? s.tasks[0] : undefined;
  }, 60_000);
  assert.match(failed.trace ?? '', new RegExp(`may not write to topic globex-${run}\\.stolen: it is outside tenant acme's topic prefixes`));
  await acme('DELETE', `/connectors/${name}`);
});

void test('a tenant\'s connector reaches only what its tenant\'s policy grants: a FileStreamSource gets no grant from its own file key', async () => {
  const name = `acme-file-${run}`;
  const config = { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: '/etc/hostname', topic: `acme-${run}.file` };
  assert.equal((await acme('POST', '/connectors', { name, config })).status, 201);
  const failed = await waitFor('file task FAILED', async () => {
    const s = (await acme('GET', `/connectors/${name}/status`)).body as { tasks: { state: string; trace?: string }[] };
    return s.tasks[0]?.state === 'FAILED' ? s.tasks[0] : undefined;
  }, 60_000);
  assert.match(failed.trace ?? '', /\/etc/);
  assert.match(failed.trace ?? '', /denied|not allowed|policy/i);
  await acme('DELETE', `/connectors/${name}`);
});

void test('a standalone worker manages no tenants over REST: 404 saying so to admins, 403 to others', async () => {
  const res = await ops('GET', '/admin/tenants');
  assert.equal(res.status, 404);
  assert.match(String((res.body as { message: string }).message), /distributed mode only; a standalone worker reads conveyor.tenants.file/);
  assert.equal((await ops('PUT', '/admin/tenants/x', { role: 'admin' })).status, 404);
  assert.equal((await acme('GET', '/admin/tenants')).status, 403);
});

void test('a tenant over its records/s quota is throttled, not failed; its usage shows it; another tenant moves on unthrottled', async () => {
  const name = `slow-gen-${run}`;
  const fast = `globex-fast-${run}`;
  const started = Date.now();
  const flat = { rate: '0', 'batch.size': '100', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1' };
  assert.equal((await slow('POST', '/connectors', { name, config: datagen(`slow-${run}.gen`, flat) })).status, 201);
  assert.equal((await globex('POST', '/connectors', { name: fast, config: datagen(`globex-${run}.fast`, flat) })).status, 201);
  const usage = await waitFor('throttling', async () => {
    const u = (await slow('GET', '/conveyor/tenants/slow/usage')).body as { records: number; throttledMs: number };
    return u.throttledMs > 1000 ? u : undefined;
  }, 60_000);
  const elapsed = (Date.now() - started) / 1000;
  assert.ok(usage.records <= 50 * elapsed + 50 + 200, `${usage.records} records in ${elapsed.toFixed(1)} s under a quota of 50/s (one second of burst, one batch ahead)`);
  const status = (await slow('GET', `/connectors/${name}/status`)).body as { tasks: { state: string }[] };
  assert.equal(status.tasks[0]?.state, 'RUNNING', 'throttled, not failed');
  const fastMoved = await waitFor('the other tenant moving', () => {
    const p = w.worker.connectorProgress(fast)[0]?.records ?? 0;
    return p > usage.records ? p : undefined;
  }, 60_000);
  assert.ok(fastMoved > usage.records, 'a tenant without the quota is not held back by another\'s');
  assert.equal((await globex('GET', '/conveyor/tenants/slow/usage')).status, 404, 'another tenant\'s usage is not visible');
  assert.equal((await ops('GET', '/conveyor/tenants/slow/usage')).status, 200);
  await slow('DELETE', `/connectors/${name}`);
  await globex('DELETE', `/connectors/${fast}`);
});

void test('with tenants, secret-named config values are answered as [hidden]; sending [hidden] back keeps the stored secret', async () => {
  const name = `acme-secret-${run}`;
  const config = datagen(`acme-${run}.secret`, { 'connection.password': 'sekret-5150', 'api.key': '${env:ACME_KEY}' });
  const created = await acme('POST', '/connectors', { name, config });
  assert.equal(created.status, 201);
  const shown = (created.body as { config: Record<string, string> }).config;
  assert.equal(shown['connection.password'], '[hidden]');
  assert.equal(shown['api.key'], '${env:ACME_KEY}', 'a config-provider reference is no secret');
  const got = (await acme('GET', `/connectors/${name}/config`)).body as Record<string, string>;
  assert.equal(got['connection.password'], '[hidden]');
  const tasks = (await acme('GET', `/connectors/${name}/tasks`)).body as { config: Record<string, string> }[];
  assert.ok(tasks.every((t) => t.config['connection.password'] === '[hidden]'));
  const roundTrip = await acme('PUT', `/connectors/${name}/config`, { ...got, rate: '5' });
  assert.equal(roundTrip.status, 200);
  assert.equal(w.worker.connectorInfo(name).config['connection.password'], 'sekret-5150', 'the stored secret survived the GET-change-PUT');
  assert.equal(w.worker.connectorInfo(name).config['rate'], '5');
  for (const body of [created.body, got, tasks, roundTrip.body]) assert.equal(JSON.stringify(body).includes('sekret-5150'), false);
  assert.equal(w.lines.some((l) => l.includes('sekret-5150')), false, 'nor in any log line');
  await acme('DELETE', `/connectors/${name}`);
});
