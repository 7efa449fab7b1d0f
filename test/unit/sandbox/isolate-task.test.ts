import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS } from '../../../host/sandbox/protocol.ts';
import type { WireError } from '../../../host/sandbox/protocol.ts';
import { IsolateTask, TaskFault } from '../../../host/sandbox/child/isolate-task.ts';
import type { CompiledCode } from '../../../host/sandbox/child/isolate-task.ts';
import { bootstrapSource } from '../../../host/sandbox/guest/build-bootstrap.ts';

const pluginCode = `
  const seenAtLoad = Object.getOwnPropertyNames(globalThis).filter((k) => /conveyor/i.test(k));
  __conveyorRegister({
    type: 'source', className: 'Probe', config: [],
    task: () => ({
      start() {},
      poll() { return [{ topic: 't', value: { seenAtLoad, seenNow: Object.getOwnPropertyNames(globalThis).filter((k) => /conveyor/i.test(k)), typeofRegister: typeof __conveyorRegister }, sourcePartition: {}, sourceOffset: {} }]; },
      stop() {},
    }),
  });`;

function spec(limits = {}) {
  return { taskKey: 't', pluginKey: 'p', capabilities: [], limits: { ...DEFAULT_LIMITS, ...limits } };
}

const events = { hostCall: () => undefined, failed: (_e: WireError) => undefined };

test('host hooks are gone before plugin code runs; only the registration hook is visible, once', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const plugin: CompiledCode = { filename: 'p.js', code: pluginCode, cachedData: null };
  const task = await IsolateTask.create(spec(), boot, plugin, events);
  await task.invoke('start', JSON.stringify({ raw: {}, connector: 'c', taskId: 0 }));
  const env = JSON.parse(await task.invoke('poll', 'null')) as { ok: boolean; value: { value: Record<string, unknown> }[] };
  assert.equal(env.ok, true);
  assert.deepEqual(env.value[0]?.value, { seenAtLoad: ['__conveyorRegister'], seenNow: [], typeofRegister: 'undefined' });
  task.dispose();
});

test('compile data is produced on the first compile and reused for the next isolate', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const plugin: CompiledCode = { filename: 'p.js', code: pluginCode, cachedData: null };
  const first = await IsolateTask.create(spec(), boot, plugin, events);
  assert.ok(plugin.cachedData !== null && boot.cachedData !== null, 'cached data produced by us');
  const produced = plugin.cachedData;
  const second = await IsolateTask.create(spec(), boot, plugin, events);
  assert.equal(plugin.cachedData, produced, 'the second isolate used the cache instead of producing new data');
  first.dispose();
  second.dispose();
});

test('errors come back in an envelope with their code; oversized arguments are refused before crossing', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const task = await IsolateTask.create(spec({ maxBatchBytes: 1000 }), boot, { filename: 'p.js', code: pluginCode, cachedData: null }, events);
  const env = JSON.parse(await task.invoke('put', '[]')) as { ok: boolean; error: { code: string; message: string } };
  assert.deepEqual([env.ok, env.error.code, env.error.message], [false, 'CONVEYOR_TASK_FAILED', 'no sink task started']);
  await assert.rejects(task.invoke('put', JSON.stringify('x'.repeat(2000))), (err: unknown) => err instanceof TaskFault && err.wire.limit?.name === 'batch-size' && err.wire.limit.measured === 2002);
  task.dispose();
});

test('a bundle that does not register, or does not parse, is reported', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const silent = await IsolateTask.create(spec(), boot, { filename: 'p.js', code: 'var x = 1;', cachedData: null }, events);
  const env = JSON.parse(await silent.invoke('describe', 'null')) as { error: { code: string; message: string } };
  assert.deepEqual([env.error.code, env.error.message], ['CONVEYOR_PLUGIN_INVALID', 'the bundle did not register a plugin definition (missing export)']);
  silent.dispose();
  await assert.rejects(IsolateTask.create(spec(), boot, { filename: 'p.js', code: 'function (', cachedData: null }, events), (err: unknown) => err instanceof TaskFault && /plugin code failed to load: SyntaxError/.test(err.wire.message));
});
