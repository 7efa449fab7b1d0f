/**
 * Hostile WebAssembly connectors: each is contained to its own task (or, refused at load, to its own bundle) while
 * the worker stays up and a healthy datagen → counting-sink pipeline in the same worker keeps making progress.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildPlugin } from '../../../sdk/bundler/build.ts';
import { malformedModule, moduleImporting, moduleLoopingAtStart, moduleWithTable, writeWasmBundle } from '../../helpers/wasm-bytes.ts';
import { http, waitFor } from '../worker/worker-fixture.ts';
import { startHostileWorker } from './helpers.ts';
import type { HostileHarness } from './helpers.ts';

let h: HostileHarness;
const CLASS = 'HostileWasmConnector';

before(async () => {
  h = await startHostileWorker({ memoryMb: 64, callDeadlineMs: 4000, cpuQuotaMs: 2000 }, 'wasm-healthy');
  await buildPlugin(join(import.meta.dirname, 'fixture-wasm-connector'), join(h.w.pluginDir, 'hostile-wasm-connector'));
  await waitFor('hostile WebAssembly connector installed', () => h.w.worker.plugins().some((p) => p.manifest.className === CLASS));
});

after(async () => {
  await h.close();
});

test('a well-behaved run of the fixture produces records (the cases below fail for their own reason)', async () => {
  const value = await h.probeCase('ok', CLASS);
  assert.deepEqual(value, { wasm: true });
});

test('unbounded memory.grow stops at the memory maximum the task budget set; the trap fails the task', () =>
  h.failingCase('grow', /WebAssembly trap in poll: RuntimeError: unreachable \(its memory: 10[01]\d of at most 1024 pages, a maximum the task's WebAssembly budget of 64 MB bounds\)/, CLASS));

test('an infinite loop in the module is stopped by the CPU watchdog', () =>
  h.failingCase('loop', /cpu limit exceeded: CPU used by one call \(measured \d+ ms, limit 2000 ms\)/, CLASS));

test('a trap fails the task naming the call and the trap', () => h.failingCase('trap', /WebAssembly trap in poll: RuntimeError: unreachable/, CLASS));

test('a batch that runs past memory is refused as malformed', () => h.failingCase('bad-batch', /poll: malformed batch: length \d+ runs past the end of memory/, CLASS));

async function refusedAtLoad(bundle: string, className: string, module: Uint8Array, reason: RegExp): Promise<void> {
  await writeWasmBundle(join(h.w.pluginDir, bundle), bundle, className, module);
  const broken = await waitFor(`${bundle} refused`, () => h.w.worker.brokenPlugins().find((b) => b.dir.endsWith(bundle)), 20_000);
  assert.match(broken.reason, reason);
  assert.ok(!h.w.worker.plugins().some((p) => p.manifest.className === className), 'a refused bundle is not installed');
  const created = await http(`${h.w.url}/connectors`, 'POST', { name: `use-${bundle}`, config: { 'connector.class': className } });
  assert.equal(created.status, 400, 'its class cannot be used');
  await h.assertHealthyProgress();
}

test('a module importing a function it was not granted is refused at load, the import named', () =>
  refusedAtLoad('wasm-ungranted', 'UngrantedImport', moduleImporting('env', 'fetch'), /WebAssembly module imports env\.fetch \(function\), which is not granted/));

test('a module importing a capability its manifest does not request is refused at load', () =>
  refusedAtLoad('wasm-http', 'UnrequestedHttp', moduleImporting('conveyor', 'http'), /imports conveyor\.http \(function\), which is not granted: the manifest does not request the http capability/));

test('a module with a huge table is refused at load', () =>
  refusedAtLoad('wasm-table', 'HugeTable', moduleWithTable(10_000_000), /declares a table of 10000000\.\.unbounded elements; a table needs a maximum of at most 100000/));

test('a malformed module is refused at load', () =>
  refusedAtLoad('wasm-malformed', 'Malformed', malformedModule(), /malformed WebAssembly module: CompileError/));

test('a module whose start function never returns is refused at load by the deadline', () =>
  refusedAtLoad('wasm-start-loop', 'StartLoop', moduleLoopingAtStart(), /plugin code failed to load: .*(timed out|Script execution)/i));
