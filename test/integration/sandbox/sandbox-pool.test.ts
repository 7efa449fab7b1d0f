/** The sandbox creator/instance interface on its own: logs with context, capability round trips, errors, disposal. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import type { SourceRecord } from '../../../sdk/records.ts';
import { ConveyorError, ErrorCode } from '../../../host/core/errors.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { createSandboxPool } from '../../../host/sandbox/sandbox-pool.ts';

const lines: Record<string, unknown>[] = [];
const log = createJsonLogger({ level: 'debug', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
const pool = createSandboxPool({ processes: 1, log });
let dir: string;
let code: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-pool-'));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'conveyor-plugin.json'), JSON.stringify({ name: 'echo', version: '1.0.0', entry: 'src/index.ts', capabilities: ['http'] }));
  await writeFile(join(dir, 'src', 'index.ts'), `
    import { defineSource } from ${JSON.stringify(resolve(import.meta.dirname, '../../../sdk/index.ts'))};
    let ctx;
    export default defineSource({ className: 'Echo', config: [], task: () => ({
      start(c) { ctx = c; ctx.log.info('started', { task: ctx.taskId, nested: { a: [1, 2] } }); },
      async poll() {
        const got = await ctx.http.fetch('http://allowed.example/x');
        let denied = null;
        try { await ctx.http.fetch('http://evil.example/'); } catch (e) { denied = { code: e.code, message: e.message }; }
        return [{ topic: 'echo', value: { got, denied }, sourcePartition: {}, sourceOffset: {} }];
      },
      stop() {},
    }) });`);
  code = await readFile(join((await buildPlugin(dir, join(dir, 'bundle'))).outDir, 'plugin.js'), 'utf8');
});
after(async () => {
  await pool.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('capability results settle guest promises; errors keep their code; logs carry the task context', async () => {
  const calls: unknown[][] = [];
  const instance = await pool.create({
    taskKey: 'echo-0',
    plugin: { key: 'echo@1', code, capabilities: ['http'] },
    capabilities: (cap, method, args) => {
      calls.push([cap, method, ...args]);
      if (args[0] === 'http://evil.example/') return Promise.reject(new ConveyorError(ErrorCode.capabilityDenied, 'capability denied: http.fetch to http://evil.example'));
      return Promise.resolve({ status: 200, headers: {}, body: 'ok' });
    },
    log: log.child({ connector: 'echo', task: 0 }),
  });
  await instance.invoke('start', { raw: {}, connector: 'echo', taskId: 0 });
  const [record] = await instance.invoke<SourceRecord[]>('poll');
  assert.deepEqual(record?.value, {
    got: { status: 200, headers: {}, body: 'ok' },
    denied: { code: 'CONVEYOR_CAPABILITY_DENIED', message: 'capability denied: http.fetch to http://evil.example' },
  });
  assert.deepEqual(calls, [['http', 'fetch', 'http://allowed.example/x'], ['http', 'fetch', 'http://evil.example/']]);
  const started = lines.find((l) => l['msg'] === 'started');
  assert.deepEqual([started?.['connector'], started?.['task'], started?.['source'], started?.['pluginFields']], ['echo', 0, 'plugin', { task: 0, nested: { a: [1, 2] } }]);
  await instance.dispose();
  await assert.rejects(instance.invoke('poll'), { code: 'CONVEYOR_NOT_FOUND' });
});

test('a plugin error fails the call with the guest stack as its trace, and the task key can be reused after dispose', async () => {
  const mk = () => pool.create({ taskKey: 'echo-1', plugin: { key: 'echo@1', code, capabilities: ['http'] }, capabilities: () => Promise.reject(new Error('boom')), log });
  const instance = await mk();
  await assert.rejects(instance.invoke('poll'), (err: { code: string; trace: string }) => err.code === 'CONVEYOR_TASK_FAILED' && /no source task started/.test(err.trace));
  await instance.dispose();
  const again = await mk();
  assert.ok(again.createMs > 0);
  await again.dispose();
});
