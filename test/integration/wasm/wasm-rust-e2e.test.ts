/**
 * End to end on the real stack: the Rust example (examples/wasm-rust-lines), compiled from source by the bundler with
 * Debian's rustc (scripts/rust-wasm.sh installs it), tails a line-protocol file through the files capability into
 * Kafka; after a restart it resumes from its committed byte position.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { startRestServer } from '../../../host/rest/server.ts';
import type { RestServer } from '../../../host/rest/server.ts';
import { Worker } from '../../../host/worker/worker.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';
import type { ConnectorStatus } from '../../../host/worker/states.ts';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import { BOOTSTRAP, eventually, kafkaFixture } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { readTopic } from '../pipeline/helpers.ts';
import { http } from '../worker/worker-fixture.ts';

const EXAMPLE = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'wasm-rust-lines');
let fx: KafkaFixture;
let worker: Worker;
let rest: RestServer;
let dir: string;
let data: string;
let url: string;

before(async () => {
  fx = await kafkaFixture();
  dir = await mkdtemp(join(tmpdir(), 'conveyor-wasm-rust-'));
  data = join(dir, 'data');
  await mkdir(data);
  const built = await buildPlugin(EXAMPLE, join(dir, 'plugins', 'wasm-rust-lines'));
  assert.equal(built.manifest.module?.file, 'connector.wasm');
  const log = createJsonLogger({ level: 'info', write: (line) => { if (process.env['CONVEYOR_TEST_LOGS'] === '1') process.stderr.write(line + '\n'); } });
  worker = await Worker.create(workerConfig({
    workerId: `wasm-rust-${process.pid}`, restPort: 0, pluginPath: [join(dir, 'plugins')], builtinPlugins: false, sandboxProcesses: 1, limits: {},
    policies: { '*': { fileDirs: [data] } }, pluginRescanMs: 60_000,
    bootstrapServers: BOOTSTRAP, offsetStorageFile: join(dir, 'offsets.json'),
    connectProperties: { 'offset.flush.interval.ms': '200' },
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

test('the Rust line-protocol source parses points into JSON records and resumes after a restart', async () => {
  const topic = await fx.topic('wasm-rust');
  const file = join(data, 'points.lp');
  await writeFile(file, [
    'cpu,host=a,region=eu\\ west usage=0.5,cores=8i,ok=t,label="x \\"y\\"" 1700000000000',
    '# a comment',
    'mem free=1024i',
    'this is not line protocol',
    '',
  ].join('\n'));
  const name = `${topic}-src`;
  const config = { 'connector.class': 'WasmLineProtocolSource', file, topic, 'poll.interval.ms': '50', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' };
  const created = await http(`${url}/connectors`, 'POST', { name, config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const first = await readTopic(fx, topic, 2);
  assert.deepEqual(first.map((r) => [r.key, JSON.parse(r.value ?? 'null') as unknown]), [
    ['cpu', { measurement: 'cpu', tags: { host: 'a', region: 'eu west' }, fields: { usage: 0.5, cores: 8, ok: true, label: 'x "y"' }, timestamp: 1700000000000 }],
    ['mem', { measurement: 'mem', tags: {}, fields: { free: 1024 }, timestamp: null }],
  ]);

  // Stop, append, start again: the task resumes at the committed position and reads only the new point.
  await new Promise((r) => setTimeout(r, 600));
  assert.ok([202, 204].includes((await http(`${url}/connectors/${name}/stop`, 'PUT')).status));
  await eventually(async () => ((await http(`${url}/connectors/${name}/status`)).body as ConnectorStatus).connector.state === 'STOPPED' || undefined, 'connector STOPPED');
  await appendFile(file, 'disk,dev=sda used=42i\n');
  assert.ok([202, 204].includes((await http(`${url}/connectors/${name}/resume`, 'PUT')).status));
  const all = await readTopic(fx, topic, 3);
  await new Promise((r) => setTimeout(r, 500));
  const again = await readTopic(fx, topic, 3);
  assert.equal(again.length, 3, 'no point was produced twice');
  assert.deepEqual(JSON.parse(all[2]?.value ?? 'null'), { measurement: 'disk', tags: { dev: 'sda' }, fields: { used: 42 }, timestamp: null });
  const status = (await http(`${url}/connectors/${name}/status`)).body as ConnectorStatus;
  assert.equal(status.tasks[0]?.state, 'RUNNING', JSON.stringify(status));
});
