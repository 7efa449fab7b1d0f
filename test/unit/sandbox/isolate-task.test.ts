import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS } from '../../../host/sandbox/protocol.ts';
import type { WireError } from '../../../host/sandbox/protocol.ts';
import { IsolateTask } from '../../../host/sandbox/child/isolate-task.ts';
import { TaskFault } from '../../../host/sandbox/child/task-fault.ts';
import type { CompiledCode, GuestResult } from '../../../host/sandbox/child/isolate-task.ts';
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
  return { taskKey: 't', pluginKey: 'p', capabilities: [], wasm: false, limits: { ...DEFAULT_LIMITS, ...limits } };
}

/** The call's envelope as the worker sees it: a batch result's records become its value. */
function envelope(out: GuestResult): unknown {
  const env = JSON.parse(out.json) as Record<string, unknown>;
  return out.records === undefined ? env : { ...env, value: out.records.map((r) => JSON.parse(r) as unknown) };
}

const events = { hostCall: () => undefined, failed: (_e: WireError) => undefined };

test('host hooks are gone before plugin code runs; only the registration hook is visible, once', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const plugin: CompiledCode = { filename: 'p.js', code: pluginCode, cachedData: null };
  const task = await IsolateTask.create(spec(), boot, plugin, events);
  await task.invoke('start', JSON.stringify({ raw: {}, connector: 'c', taskId: 0 }));
  const env = envelope(await task.invoke('poll', 'null')) as { ok: boolean; value: { value: Record<string, unknown> }[] };
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
  const env = envelope(await task.invoke('put', '[]')) as { ok: boolean; error: { code: string; message: string } };
  assert.deepEqual([env.ok, env.error.code, env.error.message], [false, 'CONVEYOR_TASK_FAILED', 'no sink task started']);
  await assert.rejects(task.invoke('put', JSON.stringify('x'.repeat(2000))), (err: unknown) => err instanceof TaskFault && err.wire.limit?.name === 'batch-size' && err.wire.limit.measured === 2002);
  task.dispose();
});

test('a bundle that does not register, or does not parse, is reported', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const silent = await IsolateTask.create(spec(), boot, { filename: 'p.js', code: 'var x = 1;', cachedData: null }, events);
  const env = envelope(await silent.invoke('describe', 'null')) as { error: { code: string; message: string } };
  assert.deepEqual([env.error.code, env.error.message], ['CONVEYOR_PLUGIN_INVALID', 'the bundle did not register a plugin definition (missing export)']);
  silent.dispose();
  await assert.rejects(IsolateTask.create(spec(), boot, { filename: 'p.js', code: 'function (', cachedData: null }, events), (err: unknown) => err instanceof TaskFault && /plugin code failed to load: SyntaxError/.test(err.wire.message));
});

const strayPlugin = `
  __conveyorRegister({
    type: 'source', className: 'Stray', config: [],
    task: () => ({
      start() {},
      async poll() {
        Promise.reject(new Error('nobody listens'));
        await null;
        return [{ topic: 't', value: { webAssembly: typeof WebAssembly }, sourcePartition: {}, sourceOffset: {} }];
      },
      stop() {},
    }),
  });`;

test('an unhandled rejection is counted and reported, the call still returns its result; past the limit the task fails', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const seen: { message: string; count: number }[] = [];
  const state: { failed: WireError | null } = { failed: null };
  const task = await IsolateTask.create(spec({ maxUnhandledRejections: 1 }), boot, { filename: 'p.js', code: strayPlugin, cachedData: null }, {
    ...events,
    failed: (e) => void (state.failed = e),
    unhandledRejection: (e, count) => void seen.push({ message: e.message, count }),
  });
  await task.invoke('start', JSON.stringify({ raw: {}, connector: 'c', taskId: 0 }));
  const env = envelope(await task.invoke('poll', 'null')) as { ok: boolean; value: { value: unknown }[] };
  assert.deepEqual([env.ok, env.value[0]?.value], [true, { webAssembly: 'undefined' }], 'the result survives; no WebAssembly without the manifest field');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seen, [{ message: 'nobody listens', count: 1 }]);
  assert.equal(task.stats().unhandledRejections, 1);
  await task.invoke('poll', 'null').catch(() => undefined);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(state.failed?.limit?.name, 'unhandled-rejections');
  assert.match(state.failed?.message ?? '', /^unhandled-rejections limit exceeded: the plugin left promise rejections unhandled; the last: nobody listens \(measured 2 rejections, limit 1 rejections\)$/);
  task.dispose();
});

test('with the manifest\'s wasm field the guest has WebAssembly, its memories bounded by the memory limit', async () => {
  const boot: CompiledCode = { filename: 'boot.js', code: bootstrapSource(), cachedData: null };
  const code = `
    __conveyorRegister({
      type: 'source', className: 'W', config: [],
      task: () => ({
        start() {},
        poll() {
          const m = new WebAssembly.Memory({ initial: 1 });
          let refused = '';
          try { m.grow(10_000); } catch (e) { refused = e.code + ': ' + e.message; }
          return [{ topic: 't', value: { pages: m.buffer.byteLength / 65536, refused }, sourcePartition: {}, sourceOffset: {} }];
        },
        stop() {},
      }),
    });`;
  // The sandbox child routes the guard's usage reports (hostCall 'wasm') to the task; so does this test.
  const holder: { task?: IsolateTask } = {};
  const routed = { ...events, hostCall: (_id: number, cap: string, _m: string, args: string) => void (cap === 'wasm' && holder.task?.wasmUsage(Number((JSON.parse(args) as unknown[])[0]))) };
  const task = await IsolateTask.create({ ...spec({ memoryMb: 32 }), wasm: true }, boot, { filename: 'w.js', code, cachedData: null }, routed);
  holder.task = task;
  await task.invoke('start', JSON.stringify({ raw: {}, connector: 'c', taskId: 0 }));
  const env = envelope(await task.invoke('poll', 'null')) as { value: { value: { pages: number; refused: string } }[] };
  assert.equal(env.value[0]?.value.pages, 1);
  assert.equal(env.value[0]?.value.refused, "CONVEYOR_LIMIT_EXCEEDED: memory limit exceeded: WebAssembly.Memory.grow(10000) from 1 pages past its maximum of 512 pages, which the task's WebAssembly budget bounds (measured 625.0625 MB, limit 32 MB)");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(task.stats().wasmBytes, 65536);
  task.dispose();
});
