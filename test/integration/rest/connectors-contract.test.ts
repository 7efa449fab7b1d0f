/**
 * The Kafka Connect REST contract against a real Kafka-backed standalone worker: every endpoint's success shape
 * and status, and each client mistake answered with {"error_code","message"} and a 4xx (never 500).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { startRestWorker, tempDir } from './helpers.ts';
import type { RestWorker } from './helpers.ts';

let fx: KafkaFixture;
let w: RestWorker;
let tmp: { dir: string; remove(): Promise<void> };

before(async () => {
  fx = await kafkaFixture();
  tmp = await tempDir();
  w = await startRestWorker(tmp.dir);
});

after(async () => {
  await w.close();
  await fx.cleanup();
  await tmp.remove();
});

function isError(body: unknown, code: number): void {
  const b = body as { error_code?: unknown; message?: unknown };
  assert.equal(b.error_code, code);
  assert.equal(typeof b.message, 'string');
}

const datagen = (topic: string): Record<string, string> => ({ 'connector.class': 'DatagenSource', topic, rate: '200', 'batch.size': '50' });

async function state(name: string): Promise<{ connector: { state: string }; tasks: { id: number; state: string }[] }> {
  return (await w.call('GET', `/connectors/${name}/status`)).body as { connector: { state: string }; tasks: { id: number; state: string }[] };
}

async function until(name: string, connector: string, task?: string): Promise<void> {
  await eventually(async () => {
    const s = await state(name);
    return s.connector.state === connector && (task === undefined || s.tasks.every((t) => t.state === task)) ? true : undefined;
  }, `${name} ${connector}/${task}`);
}

void test('GET /, /health, /connector-plugins (connectorsOnly), plugin config', { timeout: 60_000 }, async () => {
  const root = await w.call('GET', '/');
  assert.equal(root.status, 200);
  const info = root.body as { version: string; commit: string; kafka_cluster_id: string };
  assert.equal(typeof info.version, 'string');
  assert.equal(typeof info.kafka_cluster_id, 'string');
  assert.deepEqual((await w.call('GET', '/health')).body, { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' });
  const plugins = (await w.call('GET', '/connector-plugins')).body as { class: string; type: string; version: string }[];
  // Kafka Connect 4.1.1 lists qualified classes, Apache's own at its version, sorted by class.
  assert.deepEqual(plugins.find((p) => p.class.endsWith('FileStreamSourceConnector')), { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '4.1.1' });
  assert.deepEqual(plugins.find((p) => p.class.endsWith('FileStreamSinkConnector')), { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '4.1.1' });
  assert.ok(plugins.some((p) => p.class === 'io.conveyor.plugins.datagen.DatagenSource'));
  assert.ok(plugins.every((p) => p.type === 'source' || p.type === 'sink'));
  assert.deepEqual(plugins.map((p) => p.class), plugins.map((p) => p.class).sort());
  const all = (await w.call('GET', '/connector-plugins?connectorsOnly=false')).body as { class: string; type: string; version: string }[];
  const types = [...new Set(all.slice(plugins.length).map((p) => p.type))];
  assert.deepEqual(types, ['transformation', 'predicate', 'converter', 'header_converter'], "Kafka Connect's order after the connectors");
  assert.equal(all.find((p) => p.class === 'org.apache.kafka.connect.transforms.Cast$Value')?.version, '4.1.1');
  assert.equal(all.find((p) => p.class === 'org.apache.kafka.connect.json.JsonConverter' && p.type === 'converter')?.version, '4.1.1');
  isError((await w.call('GET', '/connector-plugins?connectorsOnly=maybe')).body, 400);
  type KeyInfo = { name: string; required: boolean; group: string | null; order: number; width: string; default_value: string | null };
  const cfg = (await w.call('GET', '/connector-plugins/org.apache.kafka.connect.file.FileStreamSinkConnector/config')).body as KeyInfo[];
  const file = cfg.find((k) => k.name === 'file') as (KeyInfo & { documentation: string }) | undefined;
  assert.deepEqual([file?.required, file?.documentation], [false, 'Destination filename. If not specified, the standard output will be used'], "Kafka Connect's definition of file");
  // Kafka Connect 4.1.1: the plugin's keys first, then ConnectorConfig's and SinkConnectorConfig's, 24 of them.
  assert.deepEqual(cfg.filter((k) => k.name !== 'file').map((k) => k.name), [
    'name', 'connector.class', 'connector.plugin.version', 'tasks.max', 'tasks.max.enforce', 'key.converter', 'key.converter.plugin.version',
    'value.converter', 'value.converter.plugin.version', 'header.converter', 'header.converter.plugin.version', 'transforms', 'predicates',
    'config.action.reload', 'errors.retry.timeout', 'errors.retry.delay.max.ms', 'errors.tolerance', 'errors.log.enable', 'errors.log.include.messages',
    'topics', 'topics.regex', 'errors.deadletterqueue.topic.name', 'errors.deadletterqueue.topic.replication.factor', 'errors.deadletterqueue.context.headers.enable',
  ]);
  assert.deepEqual(cfg.find((k) => k.name === 'tasks.max'), { name: 'tasks.max', type: 'INT', required: false, default_value: '1', importance: 'HIGH', documentation: 'Maximum number of tasks to use for this connector.', group: 'Common', width: 'SHORT', display_name: 'Tasks max', dependents: [], order: 4 });
  assert.equal(cfg.find((k) => k.name === 'connector.plugin.version')?.default_value, '4.1.1');
  const source = (await w.call('GET', '/connector-plugins/FileStreamSource/config')).body as KeyInfo[];
  assert.deepEqual(source.filter((k) => k.group !== null && k.group !== 'Common').map((k) => `${k.group}/${k.name}`), [
    'Transforms/transforms', 'Predicates/predicates', 'Error Handling/errors.retry.timeout', 'Error Handling/errors.retry.delay.max.ms', 'Error Handling/errors.tolerance',
    'Error Handling/errors.log.enable', 'Error Handling/errors.log.include.messages', 'Topic Creation/topic.creation.groups', 'Exactly Once Support/exactly.once.support',
    'Exactly Once Support/transaction.boundary', 'Exactly Once Support/transaction.boundary.interval.ms', 'offsets.topic/offsets.storage.topic',
  ]);
  const json = (await w.call('GET', '/connector-plugins/org.apache.kafka.connect.json.JsonConverter/config')).body as KeyInfo[];
  assert.ok(json.every((k) => typeof k.order === 'number' && !('order_in_group' in k)), 'order, as Kafka Connect names it');
  const missing = await w.call('GET', '/connector-plugins/NoSuchThing/config');
  assert.deepEqual(missing, { ...missing, status: 404, body: { error_code: 404, message: 'Unknown plugin NoSuchThing.' } });
});

void test('PUT /connector-plugins/{p}/config/validate answers ConfigInfos; a class mismatch and an unknown plugin are 400, with the framework keys and messages of Kafka Connect 4.1.1', { timeout: 60_000 }, async () => {
  const ok = await w.call('PUT', '/connector-plugins/DatagenSource/config/validate', { 'connector.class': 'DatagenSource', topic: 't', name: 'v' });
  assert.equal(ok.status, 200);
  const infos = ok.body as { name: string; error_count: number; groups: string[]; configs: { definition: { name: string }; value: { name: string; errors: string[] } }[] };
  assert.equal(infos.name, 'io.conveyor.plugins.datagen.DatagenSource');
  assert.equal(infos.error_count, 0);
  assert.ok(infos.configs.some((c) => c.definition.name === 'topic' && c.value.name === 'topic'));
  const bad = (await w.call('PUT', '/connector-plugins/DatagenSource/config/validate', { rate: 'fast' })).body as typeof infos;
  assert.ok(bad.error_count >= 2);
  assert.ok(bad.configs.find((c) => c.value.name === 'topic')?.value.errors.length);
  isError((await w.call('PUT', '/connector-plugins/DatagenSource/config/validate', { 'connector.class': 'CountingSink' })).body, 400);
  const unknown = await w.call('PUT', '/connector-plugins/Nope/config/validate', {});
  assert.equal(unknown.status, 400);
  assert.match((unknown.body as { message: string }).message, /^Failed to find any class that implements Connector and which name matches Nope, available connectors are: .*org\.apache\.kafka\.connect\.file\.FileStreamSinkConnector/);

  // What Kafka Connect 4.1.1 answers for the same FileStreamSource config.
  type Value = { name: string; value: string | null; errors: string[]; recommended_values: string[] };
  const report = (await w.call('PUT', '/connector-plugins/org.apache.kafka.connect.file.FileStreamSourceConnector/config/validate', {
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: '/tmp/x', 'batch.size': 'many', 'tasks.max': 'x', 'errors.tolerance': 'some',
    'transaction.boundary': 'whenever', transforms: 'a', 'transforms.a.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.a.regex': 'x',
  })).body as { name: string; error_count: number; groups: string[]; configs: { definition: { name: string; group: string | null; order: number }; value: Value }[] };
  const value = (n: string): Value | undefined => report.configs.find((c) => c.value.name === n)?.value;
  assert.equal(report.name, 'org.apache.kafka.connect.file.FileStreamSourceConnector');
  assert.deepEqual(report.groups, ['Common', 'Transforms', 'Predicates', 'Error Handling', 'Topic Creation', 'Exactly Once Support', 'offsets.topic', 'Transforms: a']);
  assert.deepEqual(value('name')?.errors, ['Missing required configuration "name" which has no default value.']);
  assert.deepEqual(value('tasks.max'), { name: 'tasks.max', value: null, recommended_values: [], errors: ['Invalid value x for configuration tasks.max: Not a number of type INT', 'Invalid value null for configuration tasks.max: Value must be non-null'], visible: true });
  assert.deepEqual(value('batch.size'), { name: 'batch.size', value: null, recommended_values: [], errors: ['Invalid value many for configuration batch.size: Not a number of type INT'], visible: true });
  assert.deepEqual(value('errors.tolerance')?.errors, ['Invalid value some for configuration errors.tolerance: String must be one of: none, all']);
  assert.equal(value('errors.tolerance')?.value, 'some');
  assert.deepEqual(value('transaction.boundary')?.errors, ['Invalid value whenever for configuration transaction.boundary: String must be one of (case insensitive): INTERVAL, POLL, CONNECTOR']);
  assert.deepEqual(value('topic')?.errors, ['Missing required configuration "topic" which has no default value.']);
  assert.deepEqual(value('transforms.a.replacement')?.errors, ['Missing required configuration "transforms.a.replacement" which has no default value.']);
  assert.equal(value('transforms.a.plugin.version')?.value, '4.1.1');
  assert.equal(value('key.converter')?.value, 'org.apache.kafka.connect.storage.StringConverter', "the worker's converter");
  assert.equal(value('header.converter')?.value, 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
  assert.deepEqual(value('connector.plugin.version')?.recommended_values, ['4.1.1']);
  assert.equal(report.error_count, 8);
  const sink = (await w.call('PUT', '/connector-plugins/FileStreamSink/config/validate', { name: 'v', file: '/tmp/x', topics: 'a', 'topics.regex': 'b.*', 'key.converter': 'com.example.Nope' })).body as typeof report;
  const sinkValue = (n: string): Value | undefined => sink.configs.find((c) => c.value.name === n)?.value;
  assert.deepEqual(sinkValue('topics')?.errors, ['topics and topics.regex are mutually exclusive options, but both are set.']);
  assert.deepEqual(sinkValue('topics.regex')?.errors, ['topics and topics.regex are mutually exclusive options, but both are set.']);
  assert.deepEqual(sinkValue('key.converter')?.errors, ['Invalid value com.example.Nope for configuration key.converter: Class com.example.Nope could not be found.']);
  assert.equal(sinkValue('key.converter')?.value, null);
});

void test('POST /connectors: 201 + Location; invalid JSON, missing class, unknown plugin, name mismatch, bad initial_state 400; exists 409; oversize 413', { timeout: 60_000 }, async () => {
  const topic = await fx.topic('rest-create');
  const name = uniqueName('gen');
  const created = await w.call('POST', '/connectors', { name, config: datagen(topic) });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('location'), `${w.url}/connectors/${name}`, 'absolute, as Kafka Connect answers');
  const info = created.body as { name: string; config: Record<string, string>; tasks: unknown[]; type: string };
  assert.equal(info.name, name);
  assert.equal(info.type, 'source');
  assert.equal(info.config['topic'], topic);
  assert.deepEqual(info.tasks, [{ connector: name, task: 0 }]);
  isError((await w.call('POST', '/connectors', { name, config: datagen(topic) })).body, 409);
  const invalid = await w.call('POST', '/connectors', undefined, { text: '{"name": ' });
  assert.equal(invalid.status, 400);
  isError(invalid.body, 400);
  isError((await w.call('POST', '/connectors', { name: uniqueName('x'), config: { topic } })).body, 400);
  isError((await w.call('POST', '/connectors', { name: uniqueName('x'), config: { 'connector.class': 'com.example.Missing' } })).body, 400);
  assert.deepEqual((await w.call('POST', '/connectors', { name: 'a', config: { ...datagen(topic), name: 'b' } })).body, { error_code: 400, message: "Connector name configuration (b) doesn't match connector name in the URL (a)" });
  assert.deepEqual((await w.call('POST', '/connectors', { config: datagen(topic) })).body, {
    error_code: 400,
    message: 'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value  for configuration name: String may not be empty\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
  });
  const twoErrors = await w.call('POST', '/connectors', { name: uniqueName('x'), config: { ...datagen(topic), 'tasks.max': 'x' } });
  assert.match((twoErrors.body as { message: string }).message, /contains the following 2 error\(s\):\nInvalid value x for configuration tasks.max: Not a number of type INT\nInvalid value null for configuration tasks.max: Value must be non-null\n/);
  isError((await w.call('POST', '/connectors', { name: uniqueName('x'), config: datagen(topic), initial_state: 'SLEEPING' })).body, 400);
  isError((await w.call('POST', '/connectors', { name: uniqueName('x'), config: { ...datagen(topic), 'batch.size': 'many' } })).body, 400);
  const huge = await w.call('POST', '/connectors', { name: 'big', config: { 'connector.class': 'DatagenSource', blob: 'x'.repeat(5 * 1024 * 1024) } });
  assert.equal(huge.status, 413);
  isError(huge.body, 413);
  const unknown = await w.call('GET', '/no/such/path');
  assert.deepEqual(unknown, { ...unknown, status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } });
  assert.equal(unknown.headers.get('content-type'), null, 'as Kafka Connect (Jersey) answers its own errors: a JSON body, no Content-Type');
  for (const [method, path] of [['DELETE', `/connectors/${name}/status`], ['POST', `/connectors/${name}`], ['GET', `/connectors/${name}/restart`], ['PUT', '/connectors'], ['DELETE', '/connector-plugins']]) {
    const wrong = await w.call(method as string, path as string);
    assert.deepEqual({ status: wrong.status, body: wrong.body, type: wrong.headers.get('content-type') }, { status: 405, body: { error_code: 405, message: 'HTTP 405 Method Not Allowed' }, type: null }, `${method} ${path}`);
  }
  assert.equal((await w.call('DELETE', `/connectors/${name}`)).status, 204);
  isError((await w.call('DELETE', `/connectors/${name}`)).body, 404);
});

void test('initial_state PAUSED and STOPPED; expand=status,info; GET/PUT/PATCH config', { timeout: 60_000 }, async () => {
  const topic = await fx.topic('rest-config');
  const paused = uniqueName('paused');
  const stopped = uniqueName('stopped');
  assert.equal((await w.call('POST', '/connectors', { name: paused, config: datagen(topic), initial_state: 'PAUSED' })).status, 201);
  assert.equal((await w.call('POST', '/connectors', { name: stopped, config: datagen(topic), initial_state: 'STOPPED' })).status, 201);
  assert.equal((await state(paused)).connector.state, 'PAUSED');
  assert.deepEqual(await state(stopped), { name: stopped, connector: { state: 'STOPPED', worker_id: 'rest-test', version: '1.0.0' }, tasks: [], type: 'source' });
  const expanded = (await w.call('GET', '/connectors?expand=status&expand=info')).body as Record<string, { status: { name: string }; info: { name: string } }>;
  assert.equal(expanded[paused]?.status.name, paused);
  assert.equal(expanded[paused]?.info.name, paused);
  isError((await w.call('GET', '/connectors?expand=everything')).body, 400);

  assert.deepEqual((await w.call('GET', `/connectors/${paused}/config`)).body, { ...datagen(topic), name: paused });
  const put = await w.call('PUT', `/connectors/${paused}/config`, { ...datagen(topic), rate: '100', 'some.password': 's3cr3t-value' });
  assert.equal(put.status, 200);
  assert.equal((put.body as { config: Record<string, string> }).config['rate'], '100');
  assert.equal((await state(paused)).connector.state, 'PAUSED', 'a reconfigured connector keeps its target state');
  const patched = await w.call('PATCH', `/connectors/${paused}/config`, { rate: null, seed: 7 });
  assert.equal(patched.status, 200);
  const cfg = (patched.body as { config: Record<string, string> }).config;
  assert.equal(cfg['rate'], undefined);
  assert.equal(cfg['seed'], '7');
  assert.equal(cfg['some.password'], 's3cr3t-value', 'REST returns what the user stored');
  assert.ok(!w.lines.some((l) => l.includes('s3cr3t-value')), 'secrets never reach the logs');
  isError((await w.call('PATCH', '/connectors/nope/config', { rate: '1' })).body, 404);
  isError((await w.call('PATCH', `/connectors/${paused}/config`, { name: 'other' })).body, 400);
  isError((await w.call('PUT', `/connectors/${paused}/config`, { ...datagen(topic), name: 'other' })).body, 400);
  const fresh = uniqueName('fresh');
  const putCreated = await w.call('PUT', `/connectors/${fresh}/config`, datagen(topic));
  assert.equal(putCreated.status, 201);
  assert.equal(putCreated.headers.get('location'), `${w.url}/connectors/${fresh}`, 'a PUT that creates answers an absolute Location, as Kafka Connect does');
  for (const n of [paused, stopped, fresh]) assert.equal((await w.call('DELETE', `/connectors/${n}`)).status, 204);
});

void test('pause/resume/stop, restart (204/202), tasks, task status and restart, topics', { timeout: 60_000 }, async () => {
  const topic = await fx.topic('rest-life');
  const name = uniqueName('life');
  await w.call('POST', '/connectors', { name, config: datagen(topic) });
  await until(name, 'RUNNING', 'RUNNING');
  const tasks = (await w.call('GET', `/connectors/${name}/tasks`)).body as { id: { connector: string; task: number }; config: Record<string, string> }[];
  assert.deepEqual(tasks[0]?.id, { connector: name, task: 0 });
  assert.equal(tasks[0]?.config['topic'], topic);
  assert.equal(tasks[0]?.config['task.class'], 'io.conveyor.plugins.datagen.DatagenSourceTask');
  assert.deepEqual((await w.call('GET', `/connectors/${name}/tasks/0/status`)).body, { id: 0, state: 'RUNNING', worker_id: 'rest-test', version: '1.0.0' });
  assert.deepEqual((await state(name)).connector, { state: 'RUNNING', worker_id: 'rest-test', version: '1.0.0' });
  assert.deepEqual((await w.call('GET', `/connectors/${name}/tasks/7/status`)).body, { error_code: 404, message: `No status found for task ${name}-7` });
  assert.deepEqual((await w.call('GET', '/connectors/nope/status')).body, { error_code: 404, message: 'No status found for connector nope' });
  assert.deepEqual((await w.call('GET', `/connectors/${name}/tasks/x/status`)).body, { error_code: 404, message: 'HTTP 404 Not Found' });
  assert.equal((await w.call('POST', `/connectors/${name}/tasks/0/restart`)).status, 204);
  isError((await w.call('POST', `/connectors/${name}/tasks/3/restart`)).body, 404);
  await until(name, 'RUNNING', 'RUNNING');

  assert.equal((await w.call('PUT', `/connectors/${name}/pause`)).status, 202);
  await until(name, 'PAUSED', 'PAUSED');
  assert.equal((await w.call('PUT', `/connectors/${name}/pause`)).status, 202, 'idempotent');
  assert.equal((await w.call('PUT', `/connectors/${name}/resume`)).status, 202);
  await until(name, 'RUNNING', 'RUNNING');

  assert.equal((await w.call('POST', `/connectors/${name}/restart`)).status, 204);
  const r = await w.call('POST', `/connectors/${name}/restart?includeTasks=true`);
  assert.equal(r.status, 202);
  const snap = r.body as { connector: { state: string }; tasks: { state: string }[] };
  assert.equal(snap.connector.state, 'RESTARTING');
  assert.deepEqual(snap.tasks.map((t) => t.state), ['RESTARTING']);
  await until(name, 'RUNNING', 'RUNNING');
  const onlyFailed = await w.call('POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=true`);
  assert.equal(onlyFailed.status, 202);
  assert.equal((onlyFailed.body as { connector: { state: string } }).connector.state, 'RUNNING', 'nothing failed, nothing restarts');
  isError((await w.call('POST', `/connectors/${name}/restart?includeTasks=perhaps`)).body, 400);
  isError((await w.call('POST', '/connectors/nope/restart')).body, 404);
  assert.deepEqual((await w.call('POST', '/connectors/nope/restart?includeTasks=true')).body, { error_code: 404, message: 'Unknown connector: nope' }, "Kafka Connect's words on its restart-with-tasks path");
  await until(name, 'RUNNING', 'RUNNING');

  assert.deepEqual((await w.call('GET', `/connectors/${name}/topics`)).body, { [name]: { topics: [topic] } });
  assert.equal((await w.call('PUT', `/connectors/${name}/topics/reset`)).status, 202);
  assert.deepEqual((await w.call('GET', '/connectors/nope/topics')).body, { nope: { topics: [] } }, 'as in Kafka Connect, a name no connector has: no topics');

  assert.equal((await w.call('PUT', `/connectors/${name}/stop`)).status, 204);
  await until(name, 'STOPPED');
  assert.equal((await w.call('PUT', `/connectors/${name}/topics/reset`)).status, 202);
  assert.deepEqual((await w.call('GET', `/connectors/${name}/topics`)).body, { [name]: { topics: [] } }, 'a reset empties the active topics of a stopped connector');
  assert.equal((await w.call('PUT', '/connectors/nope/topics/reset')).status, 202, 'as in Kafka Connect, resetting a name no connector has is accepted');
  assert.deepEqual((await w.call('GET', `/connectors/${name}`)).body, { name, config: { ...datagen(topic), name }, tasks: [], type: 'source' });
  assert.equal((await w.call('PUT', `/connectors/${name}/resume`)).status, 202);
  await until(name, 'RUNNING', 'RUNNING');
  for (const p of ['pause', 'resume', 'stop']) isError((await w.call('PUT', `/connectors/nope/${p}`)).body, 404);
  await w.call('DELETE', `/connectors/${name}`);
});

void test('/admin/loggers: named loggers in a hierarchy, set with their descendants; scope=cluster; no level 400, bad level and unknown logger 404 as in Kafka Connect', { timeout: 60_000 }, async () => {
  assert.deepEqual((await w.call('GET', '/admin/loggers')).body, { root: { level: 'INFO', last_modified: null } }, 'only loggers with a level set are listed');
  assert.deepEqual((await w.call('GET', '/admin/loggers/conveyor.rest')).body, { level: 'INFO', last_modified: null }, 'an unset logger reports its effective level');
  assert.deepEqual((await w.call('PUT', '/admin/loggers/conveyor.rest', { level: 'DEBUG' })).body, ['conveyor.rest']);
  const listed = (await w.call('GET', '/admin/loggers')).body as Record<string, { level: string; last_modified: number | null }>;
  assert.deepEqual(Object.keys(listed), ['root', 'conveyor.rest']);
  assert.equal(listed['conveyor.rest']?.level, 'DEBUG');
  assert.equal(typeof listed['conveyor.rest']?.last_modified, 'number');
  assert.equal(((await w.call('GET', '/admin/loggers/root')).body as { level: string }).level, 'INFO', 'root is untouched');
  const all = (await w.call('PUT', '/admin/loggers/root', { level: 'WARN' })).body as string[];
  assert.ok(all.includes('root') && all.includes('conveyor.rest') && all.length > 2, 'root sets every logger the worker has');
  assert.deepEqual(all, [...all].sort());
  assert.equal(((await w.call('GET', '/admin/loggers/conveyor.rest')).body as { level: string }).level, 'WARN');
  const cluster = await w.call('PUT', '/admin/loggers/conveyor.rest?scope=cluster', { level: 'ERROR' });
  assert.equal(cluster.status, 204);
  assert.equal(((await w.call('GET', '/admin/loggers/conveyor.rest')).body as { level: string }).level, 'ERROR');
  const loud = await w.call('PUT', '/admin/loggers/root', { level: 'LOUD' });
  assert.deepEqual([loud.status, loud.body], [404, { error_code: 404, message: "invalid log level 'LOUD'." }]);
  const none = await w.call('PUT', '/admin/loggers/root', {});
  assert.deepEqual([none.status, none.body], [400, { error_code: 400, message: "Desired 'level' parameter was not specified in request." }]);
  const unknown = await w.call('GET', '/admin/loggers/org.apache.kafka');
  assert.deepEqual(unknown.body, { error_code: 404, message: 'Logger org.apache.kafka not found.' });
  await w.call('PUT', '/admin/loggers/root', { level: 'INFO' });
});

void test('a file connector without `file` is valid, as in Kafka Connect, but its task fails naming the missing standard input', { timeout: 60_000 }, async () => {
  const topic = await fx.topic('rest-nofile');
  const name = uniqueName('nofile');
  const v = (await w.call('PUT', '/connector-plugins/FileStreamSource/config/validate', { 'connector.class': 'FileStreamSource', name, topic })).body as { error_count: number };
  assert.equal(v.error_count, 0);
  assert.equal((await w.call('POST', '/connectors', { name, config: { 'connector.class': 'FileStreamSource', topic } })).status, 201);
  const trace = await eventually(async () => {
    const s = (await w.call('GET', `/connectors/${name}/status`)).body as { tasks?: { state: string; trace?: string }[] };
    const t = s.tasks?.[0];
    return t?.state === 'FAILED' ? t.trace : undefined;
  }, 'the task failed');
  assert.match(trace ?? '', /FileStreamSource needs 'file': a sandboxed task has no standard input to read/);
  assert.equal((await w.call('DELETE', `/connectors/${name}`)).status, 204);
});
