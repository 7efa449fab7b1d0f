/**
 * host/rest/openapi.json against a real worker (Kafka-backed standalone, a tenants document, tenant bundles): every
 * operation it describes is called, successes and Kafka Connect's errors alike, and every answer must be documented
 * (status) and match its schema (ajv). GET /openapi.json serves the file as it is.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OPENAPI_FILE } from '../../../host/rest/openapi.ts';
import { sha256Hex } from '../../../host/tenants/directory.ts';
import { OpenApiChecker } from '../../helpers/openapi.ts';
import { tickerBundle } from '../../helpers/ticker-bundle.ts';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { startRestWorker, tempDir } from './helpers.ts';
import type { RestWorker } from './helpers.ts';

const ADMIN = 'openapi-admin-token';
const ACME = 'openapi-acme-token';
const run = Date.now().toString(36);

let fx: KafkaFixture;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let w: RestWorker;
const checker = new OpenApiChecker();

before(async () => {
  fx = await kafkaFixture();
  tmp = await tempDir();
  const tenants = join(tmp.dir, 'tenants.json');
  await writeFile(tenants, JSON.stringify({ tenants: { ops: { role: 'admin', tokens: [sha256Hex(ADMIN)] }, acme: { role: 'operator', tokens: [sha256Hex(ACME)], topicPrefixes: [`acme-${run}.`] } } }));
  w = await startRestWorker(tmp.dir, { 'conveyor.tenants.file': tenants, 'conveyor.tenant.plugin.path': join(tmp.dir, 'tenant-plugins') });
});

after(async () => {
  await w.close();
  await fx.cleanup();
  await tmp.remove();
});

interface Answer {
  status: number;
  body: unknown;
}

/** One request, its answer checked against the description. */
async function call(method: string, path: string, body?: unknown, o: { token?: string | null; contentType?: string; raw?: Buffer } = {}): Promise<Answer> {
  const token = o.token === undefined ? ADMIN : o.token;
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  let payload: string | Buffer | undefined;
  if (o.raw !== undefined) payload = o.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  const res = await fetch(w.url + path, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  const text = await res.text();
  checker.check(method, path, res.status, res.headers.get('content-type'), text);
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON (GET /metrics)
  }
  return { status: res.status, body: parsed };
}

const expect = async (status: number, method: string, path: string, body?: unknown, o?: Parameters<typeof call>[3]): Promise<Answer> => {
  const a = await call(method, path, body, o);
  assert.equal(a.status, status, `${method} ${path}: ${JSON.stringify(a.body)}`);
  return a;
};

void test('every described operation answers as openapi.json says, successes and errors alike', { timeout: 180_000 }, async () => {
  const served = await expect(200, 'GET', '/openapi.json', undefined, { token: null });
  assert.deepEqual(served.body, JSON.parse(await readFile(OPENAPI_FILE, 'utf8')));
  await expect(200, 'GET', '/');
  await expect(200, 'GET', '/health', undefined, { token: null });
  await expect(200, 'GET', '/metrics');
  await expect(401, 'GET', '/connectors', undefined, { token: null });
  await expect(403, 'GET', '/admin/audit', undefined, { token: ACME });

  await expect(200, 'GET', '/admin/loggers');
  await expect(200, 'PUT', '/admin/loggers/org.apache.kafka.connect', { level: 'DEBUG' });
  await expect(200, 'GET', '/admin/loggers/org.apache.kafka.connect');
  await expect(204, 'PUT', '/admin/loggers/org.apache.kafka.connect?scope=cluster', { level: 'INFO' });
  await expect(400, 'PUT', '/admin/loggers/org.apache.kafka.connect', {});
  await expect(404, 'PUT', '/admin/loggers/org.apache.kafka.connect', { level: 'LOUD' });

  await expect(200, 'GET', '/connector-plugins');
  await expect(200, 'GET', '/connector-plugins?connectorsOnly=false');
  await expect(200, 'GET', '/connector-plugins?include=rejected');
  await expect(400, 'GET', '/connector-plugins?connectorsOnly=maybe');
  await expect(200, 'GET', '/connector-plugins/DatagenSource/config');
  await expect(200, 'GET', '/connector-plugins/org.apache.kafka.connect.transforms.InsertField$Value/config');
  await expect(404, 'GET', '/connector-plugins/NoSuchPlugin/config');
  await expect(200, 'PUT', '/connector-plugins/DatagenSource/config/validate', { topic: 'x' });
  await expect(200, 'PUT', '/connector-plugins/DatagenSource/config/validate', { rate: '-1' });
  await expect(400, 'PUT', '/connector-plugins/DatagenSource/config/validate', { 'connector.class': 'CountingSink' });
  const bundle = await tickerBundle(tmp.dir, `openapi-ticker-${run}`, `OpenApiTicker${run}`);
  await expect(201, 'PUT', `/plugins/openapi-ticker-${run}`, undefined, { token: ACME, raw: bundle, contentType: 'application/gzip' });
  await expect(400, 'PUT', `/plugins/openapi-broken-${run}`, undefined, { token: ACME, raw: Buffer.from('not a tgz'), contentType: 'application/gzip' });
  await expect(200, 'GET', '/conveyor/plugins');

  const topic = await fx.topic('openapi');
  const name = uniqueName('oapi');
  const config = { 'connector.class': 'DatagenSource', topic, rate: '20' };
  await expect(201, 'POST', '/connectors', { name, config });
  await expect(409, 'POST', '/connectors', { name, config });
  await expect(400, 'POST', '/connectors', { name: `${name}-x`, config: { 'connector.class': 'NoSuchConnector' } });
  await expect(200, 'GET', '/connectors');
  await expect(200, 'GET', '/connectors?expand=status&expand=info');
  await expect(400, 'GET', '/connectors?expand=everything');
  await expect(200, 'GET', `/connectors/${name}`);
  await expect(404, 'GET', '/connectors/nope');
  await expect(200, 'GET', `/connectors/${name}/config`);
  await expect(404, 'GET', '/connectors/nope/config');
  await expect(200, 'PUT', `/connectors/${name}/config`, config);
  await expect(400, 'PUT', `/connectors/${name}/config`, { ...config, name: 'other' });
  await expect(200, 'PATCH', `/connectors/${name}/config`, { rate: '30' });
  await expect(404, 'PATCH', '/connectors/nope/config', { rate: '30' });
  await eventually(async () => {
    const s = await call('GET', `/connectors/${name}/status`);
    const body = s.body as { tasks: { state: string }[] };
    return body.tasks.length === 1 && body.tasks[0]?.state === 'RUNNING' ? true : undefined;
  }, 'the task RUNNING');
  await expect(404, 'GET', '/connectors/nope/status');
  await expect(200, 'GET', `/connectors/${name}/tasks`);
  await expect(404, 'GET', '/connectors/nope/tasks');
  await expect(200, 'GET', `/connectors/${name}/tasks/0/status`);
  await expect(404, 'GET', `/connectors/${name}/tasks/9/status`);
  await expect(204, 'POST', `/connectors/${name}/tasks/0/restart`);
  await expect(404, 'POST', `/connectors/${name}/tasks/9/restart`);
  await expect(202, 'PUT', `/connectors/${name}/pause`);
  await expect(404, 'PUT', '/connectors/nope/pause');
  await expect(202, 'PUT', `/connectors/${name}/resume`);
  await expect(404, 'PUT', '/connectors/nope/resume');
  await expect(204, 'POST', `/connectors/${name}/restart`);
  await expect(202, 'POST', `/connectors/${name}/restart?includeTasks=true`);
  await expect(400, 'POST', `/connectors/${name}/restart?includeTasks=maybe`);
  await expect(404, 'POST', '/connectors/nope/restart');
  await eventually(async () => ((await call('GET', `/connectors/${name}/topics`)).body as Record<string, { topics: string[] }>)[name]?.topics.includes(topic) === true ? true : undefined, 'the active topic');
  await expect(202, 'PUT', `/connectors/${name}/topics/reset`);
  await expect(200, 'GET', `/connectors/${name}/offsets`);
  await expect(404, 'GET', '/connectors/nope/offsets');
  const offsets = { offsets: [{ partition: { task: 0 }, offset: { seq: 5 } }] };
  await expect(400, 'PATCH', `/connectors/${name}/offsets`, offsets);
  await expect(400, 'DELETE', `/connectors/${name}/offsets`);
  await expect(204, 'PUT', `/connectors/${name}/stop`);
  await expect(404, 'PUT', '/connectors/nope/stop');
  await expect(200, 'PATCH', `/connectors/${name}/offsets`, offsets);
  await expect(404, 'PATCH', '/connectors/nope/offsets', offsets);
  await expect(200, 'DELETE', `/connectors/${name}/offsets`);
  await expect(404, 'DELETE', '/connectors/nope/offsets');
  await expect(200, 'GET', `/conveyor/connectors/${name}/capability-calls`);
  await expect(404, 'GET', '/conveyor/connectors/nope/capability-calls');
  await expect(200, 'GET', `/conveyor/connectors/${name}/plugin-metrics`);
  await expect(404, 'GET', '/conveyor/connectors/nope/plugin-metrics');
  await expect(200, 'GET', '/conveyor/tenants/acme/usage');
  await expect(404, 'GET', '/conveyor/tenants/nope/usage');
  await expect(204, 'DELETE', `/connectors/${name}`);
  await expect(404, 'DELETE', `/connectors/${name}`);

  const created = `${name}-put`;
  await expect(201, 'PUT', `/connectors/${created}/config`, config);
  await expect(204, 'DELETE', `/connectors/${created}`);

  await expect(200, 'GET', '/admin/audit?limit=5');
  // A standalone worker reads its tenants from its file: the tenants endpoints answer 404 saying so.
  await expect(404, 'GET', '/admin/tenants');
  await expect(404, 'GET', '/admin/tenants/acme');
  await expect(404, 'PUT', '/admin/tenants/acme', { role: 'operator' });
  await expect(404, 'DELETE', '/admin/tenants/acme');

  const missing = checker.operations().filter((id) => !checker.seen.has(id));
  assert.deepEqual(missing, [], 'every described operation was called');
});
