/** WebAssembly connectors in the sandbox: the AssemblyScript examples through start/poll/put, offsets, errors. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConveyorError, ErrorCode } from '../../../host/core/errors.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { createSandboxPool } from '../../../host/sandbox/sandbox-pool.ts';
import { IsolateTask } from '../../../host/sandbox/child/isolate-task.ts';
import type { CompiledCode } from '../../../host/sandbox/child/isolate-task.ts';
import { bootstrapSource } from '../../../host/sandbox/guest/build-bootstrap.ts';
import { DEFAULT_LIMITS } from '../../../host/sandbox/protocol.ts';
import type { SourceRecord } from '../../../sdk/records.ts';
import { buildWasmExample } from '../../helpers/wasm-bundles.ts';
import type { BuiltWasm } from '../../helpers/wasm-bundles.ts';

const lines: Record<string, unknown>[] = [];
const log = createJsonLogger({ level: 'debug', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
const pool = createSandboxPool({ processes: 1, log });
let dir: string;
let source: BuiltWasm;
let sink: BuiltWasm;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-wasm-'));
  source = await buildWasmExample('wasm-datagen', dir);
  sink = await buildWasmExample('wasm-counting-sink', dir);
});
after(async () => {
  await pool.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('the AssemblyScript source resumes from its committed offset and returns binary batches as records', async () => {
  const calls: unknown[][] = [];
  const instance = await pool.create({
    taskKey: 'wasm-src-0',
    plugin: { key: 'wasm-datagen@1', code: source.code, module: source.module, capabilities: [] },
    capabilities: (cap, method, args) => {
      calls.push([cap, method, ...args]);
      return Promise.resolve({ seq: 41 });
    },
    log: log.child({ connector: 'wasm-src', task: 3 }),
  });
  try {
    assert.deepEqual(await instance.invoke('describe'), (await instance.invoke('describe')));
    await instance.invoke('start', { raw: { topic: 'out', 'record.size': '16', 'batch.size': '3' }, connector: 'wasm-src', taskId: 3 });
    assert.deepEqual(calls, [['offsets', 'get', { task: 3 }]]);
    const records = await instance.invoke<SourceRecord[]>('poll');
    assert.equal(records.length, 3);
    assert.deepEqual(records.map((r) => [r.topic, r.key, r.sourcePartition, r.sourceOffset]), [
      ['out', 'key-42', { task: 3 }, { seq: 42 }],
      ['out', 'key-43', { task: 3 }, { seq: 43 }],
      ['out', 'key-44', { task: 3 }, { seq: 44 }],
    ]);
    for (const r of records) assert.match(r.value as string, /^[a-z]{16}$/);
    assert.ok(lines.some((l) => l['msg'] === 'wasm datagen task started at seq 41' && l['task'] === 3), 'the module logs through the log import');
    await instance.invoke('stop');
  } finally {
    await instance.dispose();
  }
});

test('the AssemblyScript sink reads put batches; an error code comes back with its message', async () => {
  const instance = await pool.create({
    taskKey: 'wasm-sink-0',
    plugin: { key: 'wasm-sink@1', code: sink.code, module: sink.module, capabilities: [] },
    capabilities: () => Promise.reject(new ConveyorError(ErrorCode.capabilityDenied, 'none')),
    log: log.child({ connector: 'wasm-sink', task: 0 }),
  });
  try {
    await instance.invoke('start', { raw: { topics: 't', 'log.every': '2', 'fail.on.value': 'poison' }, connector: 'wasm-sink', taskId: 0 });
    const rec = (offset: number, value: unknown) => ({ topic: 't', partition: 0, offset, key: null, value, headers: { h: 'v' }, timestamp: 1 });
    await instance.invoke('put', [rec(0, 'héllo'), rec(1, { a: [1, 2] }), rec(2, null)]);
    assert.ok(lines.some((l) => l['msg'] === 'wasm counting sink totals: 3 records, 17 bytes'), JSON.stringify(lines.slice(-3)));
    assert.deepEqual(await instance.invoke('preCommit', { 't/0': 3 }), { 't/0': 3 });
    await assert.rejects(instance.invoke('put', [rec(3, 'poison')]), (err: Error & { code?: string }) => {
      assert.match(err.message, /put failed with code -2: record at offset 3\.0 of t has the value poison/);
      return true;
    });
  } finally {
    await instance.dispose();
  }
});

test('a bundle\'s module is compiled by its first isolate only; the next isolates of the process share it', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const plugin: CompiledCode = { filename: 'wasm-datagen.js', code: source.code, cachedData: null, module: source.module };
  const spec = (n: number) => ({ taskKey: `share-${n}`, pluginKey: 'wasm-datagen@1', capabilities: [], wasm: true, limits: DEFAULT_LIMITS });
  const tasks: IsolateTask[] = [];
  try {
    for (let n = 0; n < 3; n++) {
      let created: IsolateTask | null = null;
      // The only capability call is offsets.get: committed at seq 0.
      const events = { hostCall: (id: number) => void created?.settle(id, true, JSON.stringify({ seq: 0 })), failed: () => undefined };
      created = await IsolateTask.create(spec(n), boot, plugin, events);
      tasks.push(created);
      assert.ok(plugin.compiledModule !== undefined, 'the first isolate\'s module is kept for the next');
      await created.invoke('start', JSON.stringify({ raw: { topic: 'out', 'record.size': '8', 'batch.size': '2' }, connector: 'share', taskId: n }));
      const out = await created.invoke('poll', 'null');
      assert.deepEqual(out.records?.map((r) => (JSON.parse(r) as { key: string }).key), ['key-1', 'key-2'], `isolate ${n} runs the shared module`);
    }
    assert.equal(plugin.moduleCompiles, 1, 'three isolates, one compile');
  } finally {
    for (const t of tasks) t.dispose();
    plugin.compiledModule?.release();
  }
});
