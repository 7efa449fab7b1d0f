/**
 * End to end through the real CLI and broker: FileStreamSource → Kafka → FileStreamSink with 100,000 lines, the
 * worker process killed with SIGKILL mid-way and started again from the same worker.properties. Every line must
 * arrive; duplicates may only come from what was not yet committed at the kill (source offsets not yet flushed,
 * sink offsets not yet committed), and are counted against that bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BOOTSTRAP, eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';

const LINES = 100_000;
const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'conveyor');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof addr === 'object' && addr !== null ? addr.port : 0;
}

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text === '' ? [] : text.slice(0, text.lastIndexOf('\n')).split('\n');
}

function startWorker(args: string[], dir: string, tag: string): ChildProcess {
  const child = spawn(BIN, ['standalone', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c));
  child.on('exit', () => void writeFile(join(dir, `worker-${tag}.log`), Buffer.concat(chunks)).catch(() => undefined));
  return child;
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((r) => child.once('exit', r));
}

void test('file → Kafka → file: 100,000 lines survive a kill -9 of the worker; duplicates stay within the uncommitted window', { timeout: 240_000 }, async (t) => {
  const fx = await kafkaFixture();
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-kill9-'));
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await fx.cleanup();
    if (process.env.CONVEYOR_KEEP_TMP !== '1') await rm(dir, { recursive: true, force: true });
  });
  const topic = await fx.topic('kill9', 1);
  const src = uniqueName('fsrc');
  const sink = uniqueName('fsink');
  fx.groups.push(`connect-${sink}`);
  const input = join(dir, 'in.txt');
  const output = join(dir, 'out.txt');
  await writeFile(input, Array.from({ length: LINES }, (_, i) => `line-${String(i).padStart(6, '0')}`).join('\n') + '\n');
  const port = await freePort();
  await writeFile(join(dir, 'worker.properties'), [
    `bootstrap.servers=${BOOTSTRAP}`,
    `listeners=http://127.0.0.1:${port}`,
    `offset.storage.file.filename=${join(dir, 'offsets.json')}`,
    'offset.flush.interval.ms=1000',
    'key.converter=org.apache.kafka.connect.storage.StringConverter',
    'value.converter=org.apache.kafka.connect.storage.StringConverter',
    'conveyor.log.level=warn',
  ].join('\n'));
  await writeFile(join(dir, 'src.properties'), `name=${src}\nconnector.class=org.apache.kafka.connect.file.FileStreamSourceConnector\nfile=${input}\ntopic=${topic}\nbatch.size=500\n`);
  await writeFile(join(dir, 'sink.json'), JSON.stringify({ name: sink, config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: output, topics: topic } }));
  const args = [join(dir, 'worker.properties'), join(dir, 'src.properties'), join(dir, 'sink.json')];

  const first = startWorker(args, dir, '1');
  children.push(first);
  await eventually(async () => ((await lines(output)).length >= 20_000 ? true : undefined), 'a fifth of the lines in the sink file', 60_000);
  first.kill('SIGKILL');
  await stopped(first);

  // What was committed when the worker died bounds the duplicates.
  const written = (await lines(output)).length;
  const high = Number((await fx.admin.endOffsets(topic)).get(0)?.high ?? 0n);
  const group = Number((await fx.admin.groupOffsets(`connect-${sink}`, [topic])).get(topic)?.get(0) ?? 0n);
  const stored = JSON.parse(await readFile(join(dir, 'offsets.json'), 'utf8').catch(() => '{"offsets":[]}')) as { offsets: { value: string }[] };
  const position = stored.offsets.length === 0 ? 0 : (JSON.parse(stored.offsets[0]?.value ?? '{}') as { position?: number }).position ?? 0;
  const committedLines = position / 'line-000000\n'.length;
  assert.ok(written < LINES, `the kill came mid-way (${written} lines written)`);

  const second = startWorker(args, dir, '2');
  children.push(second);
  const all = await eventually(async () => {
    const got = await lines(output);
    return new Set(got).size === LINES ? got : undefined;
  }, 'every line in the sink file after the restart', 150_000);
  second.kill('SIGTERM');
  await stopped(second);

  const duplicates = all.length - LINES;
  const sourceWindow = high - committedLines;
  const sinkWindow = written - group;
  t.diagnostic(`kill after ${written} lines; topic had ${high}, source committed ${committedLines}, sink committed ${group}; duplicates ${duplicates} (bound ${sourceWindow} + ${sinkWindow})`);
  assert.ok(duplicates >= 0);
  assert.ok(duplicates <= sourceWindow + sinkWindow, `duplicates ${duplicates} exceed the uncommitted window ${sourceWindow} + ${sinkWindow}`);
  const expected = new Set(Array.from({ length: LINES }, (_, i) => `line-${String(i).padStart(6, '0')}`));
  for (const l of all) assert.ok(expected.has(l), `unexpected line ${l}`);
});
