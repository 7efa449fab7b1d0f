/** `conveyor plugin run` against the local stack: a plugin's source task writes through the worker's Kafka pipeline. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { BOOTSTRAP, eventually, kafkaFixture } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
let fx: KafkaFixture;
let work: string;

before(async () => {
  fx = await kafkaFixture();
  work = await mkdtemp(join(tmpdir(), 'conveyor-plugin-run-'));
});

after(async () => {
  await fx.cleanup();
  await rm(work, { recursive: true, force: true });
});

test('plugin run builds a plugin directory and runs its source through Kafka until Ctrl-C, logging to the console', async () => {
  const topic = await fx.topic('plugin-run');
  const props = join(work, 'datagen.properties');
  await writeFile(props, `name=plugin-run-datagen\ntopic=${topic}\nmax.records=25\nbatch.size=10\n`);
  const child = spawn(join(ROOT, 'bin', 'conveyor'), ['plugin', 'run', join(ROOT, 'plugins', 'datagen'), '--config', props, '--bootstrap-servers', BOOTSTRAP], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const admin = fx.reference.admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const [p] = await admin.fetchTopicOffsets(topic);
        return Number(p?.high ?? 0) >= 25 ? true : undefined;
      }, `25 records in ${topic}`, 60_000);
    } finally {
      await admin.disconnect();
    }
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, out);
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; connector?: string });
  const msgs = lines.map((l) => l.msg);
  for (const m of ['plugin built', 'datagen task started', 'plugin run ended']) assert.ok(msgs.includes(m), `${m} logged: ${msgs.join(' | ')}`);
  assert.ok(lines.some((l) => l.msg === 'task state' && l.connector === 'plugin-run-datagen'));
});
