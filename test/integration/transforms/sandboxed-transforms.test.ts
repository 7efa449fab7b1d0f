/**
 * Sandboxed transforms end to end on the real stack: sources write through transform bundles (the JavaScript and
 * AssemblyScript examples, built as the worker's built-in plugins, and a misbehaving fixture) into Kafka; a sink's
 * failed transforms go to its dead letter queue. Failures follow errors.tolerance; a hostile transform fails only its
 * own task, never the worker.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { startRestServer } from '../../../host/rest/server.ts';
import type { RestServer } from '../../../host/rest/server.ts';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { Worker } from '../../../host/worker/worker.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';
import { hostileTransformBundle } from '../../helpers/transform-bundles.ts';
import { BOOTSTRAP, eventually, kafkaFixture } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { readTopic } from '../pipeline/helpers.ts';
import { http } from '../worker/worker-fixture.ts';

let fx: KafkaFixture;
let worker: Worker;
let rest: RestServer;
let dir: string;
let url: string;

const STRING = 'org.apache.kafka.connect.storage.StringConverter';
const JSON_PLAIN = { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false', 'key.converter': STRING };

before(async () => {
  fx = await kafkaFixture();
  dir = await mkdtemp(join(tmpdir(), 'conveyor-transforms-'));
  await hostileTransformBundle(dir, join(dir, 'plugins'));
  const log = createJsonLogger({ level: 'info', write: (line) => { if (process.env['CONVEYOR_TEST_LOGS'] === '1') process.stderr.write(line + '\n'); } });
  worker = await Worker.create(workerConfig({
    workerId: `transforms-${process.pid}`, restPort: 0, pluginPath: [join(dir, 'plugins')], sandboxProcesses: 2, limits: { cpuQuotaMs: 3000, memoryMb: 64 }, policies: {}, pluginRescanMs: 60_000,
    bootstrapServers: BOOTSTRAP, offsetStorageFile: join(dir, 'offsets.json'),
    connectProperties: { 'offset.flush.interval.ms': '500' },
  }), log);
  rest = await startRestServer(worker, { host: '127.0.0.1', port: 0, log });
  url = `http://127.0.0.1:${rest.port}`;
});

after(async () => {
  await rest?.close();
  await worker?.close();
  await fx?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function status(name: string): Promise<ConnectorStatus> {
  return (await http(`${url}/connectors/${name}/status`)).body as ConnectorStatus;
}

async function create(name: string, config: Record<string, string>): Promise<void> {
  const made = await http(`${url}/connectors`, 'POST', { name, config });
  assert.equal(made.status, 201, JSON.stringify(made.body));
}

function failedTrace(name: string): Promise<string> {
  return eventually(async () => {
    const s = await status(name);
    return s.tasks[0]?.state === 'FAILED' ? (s.tasks[0].trace ?? '') : undefined;
  }, `${name} task FAILED`, 60_000);
}

/** A sequenced JS datagen: each value is the JSON text {"task","seq","payload"}. */
const datagen = (topic: string, n: number): Record<string, string> => ({ 'connector.class': 'DatagenSource', topic, 'value.sequence': 'true', 'record.size': '8', 'batch.size': '10', 'max.records': String(n), 'key.converter': STRING, 'value.converter': STRING });

test('transform bundles are listed as transformations, never as connectors', async () => {
  const all = (await http(`${url}/connector-plugins?connectorsOnly=false`)).body as { class: string; type: string }[];
  for (const cls of ['WasmInsertField', 'JsInsertField', 'HostileTransform']) assert.ok(all.some((p) => p.class === cls && p.type === 'transformation'), `${cls} in ${JSON.stringify(all)}`);
  const connectors = (await http(`${url}/connector-plugins`)).body as { class: string }[];
  assert.equal(connectors.some((p) => p.class === 'WasmInsertField'), false);
  const config = (await http(`${url}/connector-plugins/WasmInsertField/config`)).body as { name: string }[];
  assert.deepEqual(config.map((k) => k.name), ['static.field', 'static.value', 'fail.on.value', 'spin.on.value']);
  const asConnector = await http(`${url}/connector-plugins/WasmInsertField/config/validate`, 'PUT', { 'connector.class': 'WasmInsertField' });
  assert.equal(asConnector.status, 400);
  assert.match((asConnector.body as { message: string }).message, /Failed to find any class that implements Connector and which name matches WasmInsertField/);
});

test('validation reports a transform bundle\'s own config errors under its alias', async () => {
  const res = await http(`${url}/connector-plugins/DatagenSource/config/validate`, 'PUT', { ...datagen('t-validate', 1), transforms: 'w', 'transforms.w.type': 'WasmInsertField' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const infos = res.body as { error_count: number; configs: { value: { name: string; errors: string[] } }[] };
  const field = infos.configs.find((c) => c.value.name === 'transforms.w.static.field');
  assert.match(field?.value.errors.join(' ') ?? '', /static\.field/);
  assert.ok(infos.error_count >= 1);
});

test('an unknown transform type is refused with Kafka Connect\'s message', async () => {
  const res = await http(`${url}/connectors`, 'POST', { name: 'no-such-transform', config: { ...datagen('t-unknown', 1), transforms: 'x', 'transforms.x.type': 'NoSuchTransform' } });
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.match((res.body as { message: string }).message, /Invalid value NoSuchTransform for configuration transforms\.x\.type: Class NoSuchTransform could not be found\./);
});

test('source → HoistField → WebAssembly InsertField → JS InsertField (bypassed by its predicate) → Kafka', async () => {
  const topic = await fx.topic('tr-chain');
  const name = `${topic}-src`;
  await create(name, {
    'connector.class': 'WasmDatagenSource', topic, 'record.size': '16', 'batch.size': '10', 'max.records': '30', ...JSON_PLAIN,
    transforms: 'hoist,wasm,js',
    'transforms.hoist.type': 'HoistField$Value', 'transforms.hoist.field': 'payload',
    'transforms.wasm.type': 'WasmInsertField', 'transforms.wasm.static.field': 'origin', 'transforms.wasm.static.value': 'wasm "quoted"',
    'transforms.js.type': 'JsInsertField', 'transforms.js.static.field': 'js', 'transforms.js.predicate': 'elsewhere',
    predicates: 'elsewhere', 'predicates.elsewhere.type': 'TopicNameMatches', 'predicates.elsewhere.pattern': 'elsewhere-.*',
  });
  const records = await readTopic(fx, topic, 30);
  assert.equal(records.length, 30);
  for (const r of records) {
    const v = JSON.parse(r.value ?? 'null') as Record<string, unknown>;
    assert.match(String(v['payload']), /^[a-z]{16}$/);
    assert.equal(v['origin'], 'wasm "quoted"');
    assert.equal('js' in v, false);
  }
  assert.equal((await status(name)).tasks[0]?.state, 'RUNNING');
  await http(`${url}/connectors/${name}`, 'DELETE');
});

test('errors.tolerance=all skips only the records a transform fails on', async () => {
  const topic = await fx.topic('tr-tolerate');
  const name = `${topic}-src`;
  await create(name, { ...datagen(topic, 20), 'errors.tolerance': 'all', transforms: 'h', 'transforms.h.type': 'HostileTransform', 'transforms.h.mode': 'throw-every', 'transforms.h.every': '5' });
  const records = await readTopic(fx, topic, 16);
  const seqs = records.map((r) => (JSON.parse(r.value ?? '{}') as { seq: number }).seq);
  assert.deepEqual(seqs, [1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19]);
  assert.ok(records.every((r) => r.headers['transformed'] === 'hostile'));
  assert.equal((await status(name)).tasks[0]?.state, 'RUNNING');
  await http(`${url}/connectors/${name}`, 'DELETE');
});

test('errors.tolerance=none fails the task with a trace naming the transform', async () => {
  const topic = await fx.topic('tr-none');
  const name = `${topic}-src`;
  await create(name, { ...datagen(topic, 20), transforms: 'picky', 'transforms.picky.type': 'HostileTransform', 'transforms.picky.mode': 'throw-every' });
  const trace = await failedTrace(name);
  assert.match(trace, /Tolerance exceeded in error handler at stage TRANSFORMATION \(HostileTransform\)/);
  assert.match(trace, /Transformation "picky" \(HostileTransform\) failed in the sandbox: refusing record seq 5/);
  await http(`${url}/connectors/${name}`, 'DELETE');
});

test('a sink\'s failed transforms go to its dead letter queue with the error headers', async () => {
  const topic = await fx.topic('tr-dlq-in');
  const dlq = await fx.topic('tr-dlq');
  const src = `${topic}-src`;
  const sink = `${topic}-sink`;
  await create(src, datagen(topic, 10));
  await readTopic(fx, topic, 10);
  fx.groups.push(`connect-${sink}`);
  await create(sink, {
    'connector.class': 'CountingSink', topics: topic, 'key.converter': STRING, 'value.converter': STRING,
    'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': dlq, 'errors.deadletterqueue.topic.replication.factor': '1', 'errors.deadletterqueue.context.headers.enable': 'true',
    transforms: 'h', 'transforms.h.type': 'HostileTransform', 'transforms.h.mode': 'throw-every', 'transforms.h.every': '5',
  });
  const dead = await readTopic(fx, dlq, 2);
  assert.deepEqual(dead.map((r) => (JSON.parse(r.value ?? '{}') as { seq: number }).seq), [5, 10]);
  assert.equal(dead[0]?.headers['__connect.errors.stage'], 'TRANSFORMATION');
  assert.equal(dead[0]?.headers['__connect.errors.class.name'], 'HostileTransform');
  assert.match(dead[0]?.headers['__connect.errors.exception.message'] ?? '', /refusing record seq 5/);
  await eventually(() => (worker.connectorProgress(sink).reduce((n, t) => n + t.records, 0) >= 8 ? true : undefined), 'the sink received the 8 other records', 60_000);
  await http(`${url}/connectors/${src}`, 'DELETE');
  await http(`${url}/connectors/${sink}`, 'DELETE');
});

for (const [mode, trace] of [
  ['spin', /Transformation "h" \(HostileTransform\) failed in the sandbox: cpu limit exceeded/],
  ['garbage', /Transformation "h" \(HostileTransform\) returned a malformed result: slot 0 is number/],
  ['extra', /Transformation "h" \(HostileTransform\) failed in the sandbox: HostileTransform\.apply\(\) returned \d+ slots for \d+ records/],
  ['oom', /Transformation "h" \(HostileTransform\) failed in the sandbox: .*(memory|sandbox process)/],
] as const) {
  test(`a hostile transform (${mode}) fails its task, not the worker`, async () => {
    const topic = await fx.topic(`tr-${mode}`);
    const name = `${topic}-src`;
    const bystander = `${topic}-ok`;
    await create(bystander, datagen(await fx.topic(`tr-${mode}-ok`), 1_000_000_000));
    await create(name, { ...datagen(topic, 10), transforms: 'h', 'transforms.h.type': 'HostileTransform', 'transforms.h.mode': mode });
    assert.match(await failedTrace(name), trace);
    const listed = await http(`${url}/connectors`);
    assert.equal(listed.status, 200);
    const other = await status(bystander);
    assert.equal(other.tasks[0]?.state, 'RUNNING', JSON.stringify(other));
    await http(`${url}/connectors/${name}`, 'DELETE');
    await http(`${url}/connectors/${bystander}`, 'DELETE');
  });
}
