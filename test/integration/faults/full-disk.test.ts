/**
 * A full disk under a standalone worker (issue: faults a production cluster really sees). The offsets file and the
 * connector config file live on a small tmpfs of the test's own; a source runs; the tmpfs is filled to the last byte.
 * While it is full the worker logs each failed offset flush, keeps serving REST and its task, refuses a new connector
 * with an error and remembers nothing of it, and both files stay whole with what was last committed. Once space
 * returns, offsets move on without a restart, and no stored offset is ahead of what Kafka holds.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { startRestServer } from '../../../host/rest/server.ts';
import { Worker } from '../../../host/worker/worker.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';
import { fill, mountTmpfs } from '../../helpers/tmpfs.ts';
import { BOOTSTRAP, eventually, kafkaFixture } from '../kafka/helpers.ts';

/** The tmpfs's size: room for both files several times over, little enough to fill in a moment. */
const TMPFS_BYTES = 256 * 1024;

/** The datagen source's offset (its `seq`) in the offsets file, or null while the file has none; throws if the file is torn. */
async function storedSeq(file: string): Promise<number | null> {
  const stored = JSON.parse(await readFile(file, 'utf8')) as { offsets: { key: string; value: string }[] };
  const values = stored.offsets.map((o) => JSON.parse(o.value) as { seq?: number });
  return values.reduce<number | null>((max, v) => (typeof v.seq === 'number' && (max === null || v.seq > max) ? v.seq : max), null);
}

void test('a full disk: offsets flushes fail and are logged, REST and the task carry on, nothing committed is lost, and space returning resumes them', { timeout: 180_000 }, async (t) => {
  const tmpfs = await mountTmpfs('conveyor-full-disk-', TMPFS_BYTES);
  const dir = tmpfs.dir;
  const fx = await kafkaFixture();
  const lines: Record<string, unknown>[] = [];
  const log = createJsonLogger({ level: 'info', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const worker = await Worker.create(
    workerConfig({
      workerId: 'full-disk',
      restPort: 0,
      sandboxProcesses: 1,
      bootstrapServers: BOOTSTRAP,
      offsetStorageFile: join(dir, 'offsets.json'),
      configStorageFile: join(dir, 'connectors.json'),
      connectProperties: { 'offset.flush.interval.ms': '200', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
    }),
    log,
  );
  const rest = await startRestServer(worker, { host: '127.0.0.1', port: 0, log });
  const url = `http://127.0.0.1:${rest.port}`;
  t.after(async () => {
    await rest.close();
    await worker.close();
    await fx.cleanup();
    await tmpfs.remove();
  });

  const topic = await fx.topic('full-disk');
  const name = 'full-disk-src';
  const created = await fetch(`${url}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, config: { 'connector.class': 'DatagenSource', topic, rate: '200', 'batch.size': '20' } }) });
  assert.equal(created.status, 201);
  const offsetsFile = join(dir, 'offsets.json');
  await eventually(async () => ((await storedSeq(offsetsFile).catch(() => null)) ?? 0) >= 20 || undefined, 'offsets flushed before the disk fills', 30_000);

  const filler = await fill(dir);
  const failuresBefore = lines.filter((l) => l['msg'] === 'failed to flush source offsets').length;
  const atFull = await storedSeq(offsetsFile);
  assert.ok(atFull !== null);
  await eventually(() => lines.filter((l) => l['msg'] === 'failed to flush source offsets').length >= failuresBefore + 3 || undefined, 'failed flushes logged while the disk is full', 30_000);
  const failure = lines.findLast((l) => l['msg'] === 'failed to flush source offsets');
  assert.match(JSON.stringify(failure), /ENOSPC/, 'the log names the cause');

  // Still serving, still running, the files whole.
  assert.equal((await fetch(`${url}/`)).status, 200);
  const status = (await (await fetch(`${url}/connectors/${name}/status`)).json()) as { tasks: { state: string }[] };
  assert.equal(status.tasks[0]?.state, 'RUNNING');
  const seqWhileFull = await storedSeq(offsetsFile);
  assert.ok(seqWhileFull !== null && seqWhileFull >= atFull, 'the offsets file keeps what was committed');
  const refused = await fetch(`${url}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'while-full', config: { 'connector.class': 'DatagenSource', topic, rate: '1' } }) });
  assert.ok(refused.status >= 500, `a connector that cannot be stored is refused (${refused.status})`);
  assert.match(((await refused.json()) as { message: string }).message, /ENOSPC|no space/i);
  assert.deepEqual(await (await fetch(`${url}/connectors`)).json(), [name], 'nothing of the refused connector is kept');
  const storedConfigs = JSON.parse(await readFile(join(dir, 'connectors.json'), 'utf8')) as { connectors: Record<string, unknown> };
  assert.deepEqual(Object.keys(storedConfigs.connectors), [name]);
  const paused = await fetch(`${url}/connectors/${name}/pause`, { method: 'PUT' });
  assert.equal(paused.status, 500, 'a state change that cannot be stored is refused');
  assert.match(((await paused.json()) as { message: string }).message, /Failed to store the config of connector full-disk-src: ENOSPC/);
  assert.equal(((await (await fetch(`${url}/connectors/${name}/status`)).json()) as { connector: { state: string } }).connector.state, 'RUNNING', 'and changes nothing');
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');

  // Space returns: offsets move on without a restart.
  await rm(filler);
  await eventually(async () => ((await storedSeq(offsetsFile)) ?? 0) > (seqWhileFull ?? 0) + 20 || undefined, 'offsets flushed again once space returned', 30_000);
  const seq = (await storedSeq(offsetsFile)) ?? 0;
  const inKafka = Number((await fx.admin.endOffsets(topic)).get(0)?.high ?? 0n);
  assert.ok(seq <= inKafka, `no stored offset is ahead of Kafka (offset seq ${seq}, ${inKafka} records)`);
});
