/**
 * End to end on the real stack: the AssemblyScript examples, built from source as the worker's built-in plugins,
 * produce into Kafka (wasm-datagen) and consume from it (wasm-counting-sink), created over REST; a failing put fails
 * its task with the module's own message.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { startRestServer } from '../../../host/rest/server.ts';
import type { RestServer } from '../../../host/rest/server.ts';
import { Worker } from '../../../host/worker/worker.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { BOOTSTRAP, eventually, kafkaFixture } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { readTopic } from '../pipeline/helpers.ts';
import { http } from '../worker/worker-fixture.ts';

let fx: KafkaFixture;
let worker: Worker;
let rest: RestServer;
let dir: string;
let url: string;

before(async () => {
  fx = await kafkaFixture();
  dir = await mkdtemp(join(tmpdir(), 'conveyor-wasm-e2e-'));
  const log = createJsonLogger({ level: 'info', write: (line) => { if (process.env['CONVEYOR_TEST_LOGS'] === '1') process.stderr.write(line + '\n'); } });
  worker = await Worker.create(workerConfig({
    workerId: `wasm-e2e-${process.pid}`, restPort: 0, pluginPath: [dir], sandboxProcesses: 1, limits: {}, policies: {}, pluginRescanMs: 60_000,
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

test('the WebAssembly plugins are listed like JavaScript ones', async () => {
  const plugins = (await http(`${url}/connector-plugins`)).body as { class: string; type: string }[];
  assert.ok(plugins.some((p) => p.class === 'io.conveyor.plugins.wasm.DatagenSource' && p.type === 'source'), JSON.stringify(plugins));
  assert.ok(plugins.some((p) => p.class === 'io.conveyor.plugins.wasm.CountingSink' && p.type === 'sink'));
});

test('wasm-datagen → Kafka → wasm-counting-sink', async () => {
  const topic = await fx.topic('wasm-e2e');
  const src = `${topic}-src`;
  const sink = `${topic}-sink`;
  const created = await http(`${url}/connectors`, 'POST', { name: src, config: { 'connector.class': 'WasmDatagenSource', topic, 'record.size': '1024', 'batch.size': '100', 'max.records': '300', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const records = await readTopic(fx, topic, 300);
  assert.equal(records.length, 300);
  assert.deepEqual(records.slice(0, 2).map((r) => r.key), ['key-1', 'key-2']);
  for (const r of records) assert.match(r.value ?? '', /^[a-z]{1024}$/);

  fx.groups.push(`connect-${sink}`);
  const made = await http(`${url}/connectors`, 'POST', { name: sink, config: { 'connector.class': 'WasmCountingSink', topics: topic, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await eventually(() => (worker.connectorProgress(sink).reduce((n, t) => n + t.records, 0) >= 300 ? true : undefined), 'the sink received 300 records', 60_000);
  const s = await status(sink);
  assert.equal(s.tasks[0]?.state, 'RUNNING', JSON.stringify(s));
  assert.equal((await status(src)).tasks[0]?.state, 'RUNNING');
  await http(`${url}/connectors/${src}`, 'DELETE');
  await http(`${url}/connectors/${sink}`, 'DELETE');
});

test('an error code from put fails the sink task with the module\'s message', async () => {
  const topic = await fx.topic('wasm-e2e-fail');
  const src = `${topic}-src`;
  const sink = `${topic}-sink`;
  await http(`${url}/connectors`, 'POST', { name: src, config: { 'connector.class': 'WasmDatagenSource', topic, 'record.size': '4', 'max.records': '5', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' } });
  const [first] = await readTopic(fx, topic, 5);
  fx.groups.push(`connect-${sink}`);
  await http(`${url}/connectors`, 'POST', { name: sink, config: { 'connector.class': 'WasmCountingSink', topics: topic, 'fail.on.value': first?.value ?? '', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' } });
  const failed = await eventually(async () => {
    const s = await status(sink);
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  }, 'the sink task FAILED', 60_000);
  assert.match(failed.tasks[0]?.trace ?? '', /put failed with code -2: record at offset 0\.0 of .* has the value [a-z]{4}/);
  await http(`${url}/connectors/${src}`, 'DELETE');
  await http(`${url}/connectors/${sink}`, 'DELETE');
});
