/**
 * Offsets management (source offsets in the file store, sink offsets as the connect-<name> group), a worker
 * restart resuming persisted connectors in their target states, and opt-in automatic task restarts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

type Offsets = { offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[] };

async function offsets(name: string): Promise<Offsets> {
  const r = await w.call('GET', `/connectors/${name}/offsets`);
  assert.equal(r.status, 200);
  return r.body as Offsets;
}

async function connectorState(name: string): Promise<string> {
  return ((await w.call('GET', `/connectors/${name}/status`)).body as { connector: { state: string } }).connector.state;
}

void test('source and sink offsets: GET while running; PATCH/DELETE only when STOPPED; null resets a sink partition', { timeout: 60_000 }, async () => {
  const topic = await fx.topic('rest-offsets');
  const src = uniqueName('osrc');
  const sink = uniqueName('osink');
  fx.groups.push(`connect-${sink}`);
  await w.call('POST', '/connectors', { name: src, config: { 'connector.class': 'DatagenSource', topic, 'max.records': '100', 'batch.size': '25' } });
  await w.call('POST', '/connectors', { name: sink, config: { 'connector.class': 'CountingSink', topics: topic } });
  await eventually(async () => ((await offsets(src)).offsets[0]?.offset?.['seq'] === 100 ? true : undefined), 'source offset seq 100');
  assert.deepEqual((await offsets(src)).offsets, [{ partition: { task: 0 }, offset: { seq: 100 } }]);
  await eventually(async () => ((await offsets(sink)).offsets[0]?.offset?.['kafka_offset'] === 100 ? true : undefined), 'sink offset 100');
  assert.deepEqual((await offsets(sink)).offsets, [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 100 } }]);

  const body = { offsets: [{ partition: { task: 0 }, offset: { seq: 10 } }] };
  const running = await w.call('PATCH', `/connectors/${src}/offsets`, body);
  assert.equal(running.status, 400);
  assert.equal((running.body as { error_code: number }).error_code, 400);
  assert.equal((await w.call('DELETE', `/connectors/${sink}/offsets`)).status, 400);

  assert.equal((await w.call('PUT', `/connectors/${src}/stop`)).status, 204);
  assert.equal((await w.call('PUT', `/connectors/${sink}/stop`)).status, 204);
  const altered = await w.call('PATCH', `/connectors/${src}/offsets`, body);
  assert.equal(altered.status, 200);
  assert.equal(typeof (altered.body as { message: string }).message, 'string');
  assert.deepEqual((await offsets(src)).offsets, [{ partition: { task: 0 }, offset: { seq: 10 } }]);
  assert.equal((await w.call('PATCH', `/connectors/${src}/offsets`, { offsets: [] })).status, 400);
  assert.equal((await w.call('PATCH', `/connectors/${src}/offsets`, { offsets: [{ partition: 'x' }] })).status, 400);
  assert.equal((await w.call('DELETE', `/connectors/${src}/offsets`)).status, 200);
  assert.deepEqual((await offsets(src)).offsets, []);

  assert.equal((await w.call('PATCH', `/connectors/${sink}/offsets`, { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 42 } }] })).status, 200);
  assert.deepEqual((await offsets(sink)).offsets, [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 42 } }]);
  assert.equal((await w.call('PATCH', `/connectors/${sink}/offsets`, { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: null }] })).status, 200);
  // As Kafka Connect does, a null offset deletes the partition's committed offset: the sink reads it from the start
  // (auto.offset.reset=earliest), and the partition has no offset to list.
  assert.deepEqual((await offsets(sink)).offsets, []);
  assert.deepEqual((await fx.admin.groupOffsets(`connect-${sink}`, [topic])).get(topic)?.get(0), -1n);
  assert.equal((await w.call('PATCH', `/connectors/${sink}/offsets`, { offsets: [{ partition: { kafka_topic: topic }, offset: { kafka_offset: 1 } }] })).status, 400);
  assert.equal((await w.call('DELETE', `/connectors/${sink}/offsets`)).status, 200);
  assert.deepEqual((await offsets(sink)).offsets, []);
  assert.equal((await w.call('GET', '/connectors/nope/offsets')).status, 404);
  await w.call('DELETE', `/connectors/${src}`);
  await w.call('DELETE', `/connectors/${sink}`);
});

void test('a restarted worker resumes its connectors from the stored configs, target states and offsets', { timeout: 60_000 }, async () => {
  const topic = await fx.topic('rest-resume');
  const run = uniqueName('resume-run');
  const paused = uniqueName('resume-paused');
  await w.call('POST', '/connectors', { name: run, config: { 'connector.class': 'DatagenSource', topic, 'max.records': '60', 'batch.size': '20' } });
  await w.call('POST', '/connectors', { name: paused, config: { 'connector.class': 'DatagenSource', topic }, initial_state: 'PAUSED' });
  await eventually(async () => ((await offsets(run)).offsets[0]?.offset?.['seq'] === 60 ? true : undefined), 'first run done');
  await w.close();
  w = await startRestWorker(tmp.dir);
  assert.deepEqual(((await w.call('GET', '/connectors')).body as string[]).filter((n) => n === run || n === paused).sort(), [run, paused].sort());
  await eventually(async () => ((await connectorState(run)) === 'RUNNING' ? true : undefined), 'restored connector running');
  assert.equal(await connectorState(paused), 'PAUSED');
  assert.deepEqual((await offsets(run)).offsets, [{ partition: { task: 0 }, offset: { seq: 60 } }], 'the source resumed from its stored offset');
  const high = Number((await fx.admin.endOffsets(topic)).get(0)?.high ?? 0n);
  assert.equal(high, 60, 'nothing re-produced after the restart');
  await w.call('DELETE', `/connectors/${run}`);
  await w.call('DELETE', `/connectors/${paused}`);
});

void test('conveyor.task.restart.enabled restarts a failed task with exponential backoff up to the cap', { timeout: 60_000 }, async () => {
  const topic = await fx.topic('rest-autorestart');
  const name = uniqueName('flaky');
  const config = {
    'connector.class': 'DatagenSource',
    topic,
    transforms: 'x',
    'transforms.x.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
    'transforms.x.field': 'missing',
    'conveyor.task.restart.enabled': 'true',
    'conveyor.task.restart.backoff.initial.ms': '50',
    'conveyor.task.restart.backoff.max.ms': '200',
  };
  assert.equal((await w.call('POST', '/connectors', { name, config })).status, 201);
  const delays = await eventually(() => {
    const d = w.lines
      .map((l) => JSON.parse(l) as { msg?: string; connector?: string; delayMs?: number })
      .filter((e) => e.msg === 'task restart scheduled' && e.connector === name)
      .map((e) => e.delayMs);
    return d.length >= 5 ? d : undefined;
  }, 'five scheduled restarts');
  assert.deepEqual(delays.slice(0, 5), [50, 100, 200, 200, 200]);
  const invalid = await w.call('PUT', `/connectors/${name}/config`, { ...config, 'conveyor.task.restart.backoff.max.ms': '-1' });
  assert.equal(invalid.status, 400);
  await w.call('DELETE', `/connectors/${name}`);
});

void test("a source plugin's alterOffsets refuses offsets it cannot use, as FileStreamSourceConnector does, and nothing is written", { timeout: 60_000 }, async () => {
  const topic = await fx.topic('rest-file-offsets');
  const name = uniqueName('fsrc');
  const file = join(tmp.dir, 'input.txt');
  await writeFile(file, 'a\nb\n');
  const created = await w.call('POST', '/connectors', { name, config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file, topic }, initial_state: 'STOPPED' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const refusals: [unknown, string][] = [
    [{ partition: { file: 'x' }, offset: { position: 1 } }, "Partition objects should contain the key 'filename'"],
    [{ partition: { filename: file }, offset: { seek: 1 } }, "Offset objects should either be null or contain the key 'position'"],
    [{ partition: { filename: file }, offset: { position: 1.5 } }, "The value for the 'position' key in the offset is expected to be a Long value"],
    [{ partition: { filename: file }, offset: { position: -1 } }, "The value for the 'position' key in the offset should be a non-negative value"],
  ];
  for (const [entry, message] of refusals) {
    const res = await w.call('PATCH', `/connectors/${name}/offsets`, { offsets: [entry] });
    assert.deepEqual({ status: res.status, body: res.body }, { status: 500, body: { error_code: 500, message } }, JSON.stringify(entry));
  }
  assert.deepEqual((await offsets(name)).offsets, [], 'nothing written');
  const ok = await w.call('PATCH', `/connectors/${name}/offsets`, { offsets: [{ partition: { filename: file }, offset: { position: 2 } }, { partition: { other: 'x' }, offset: null }] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual((await offsets(name)).offsets, [{ partition: { filename: file }, offset: { position: 2 } }]);
  await w.call('DELETE', `/connectors/${name}`);
});
