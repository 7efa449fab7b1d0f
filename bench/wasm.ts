/**
 * WebAssembly connector benchmark: the AssemblyScript datagen (plugins/wasm-datagen) → counting sink against the
 * JavaScript datagen → the same sink, both through the same sandbox path (2 sandbox processes, 1 KB records); then the
 * AssemblyScript datagen → counting sink with a transform chain in between: HoistField$Value (built in) and then either
 * the sandboxed WebAssembly InsertField (plugins/wasm-insert-field, transform_rps) or the built-in InsertField$Value
 * (builtin_transform_rps). The last line is JSON.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger } from '../host/core/logger.ts';
import { buildTransformChain } from '../host/connect/transforms/chain.ts';
import { buildBuiltinPlugins } from '../host/plugins/builtin.ts';
import { loadBundle } from '../host/plugins/loader.ts';
import { sandboxInspector } from '../host/plugins/inspector.ts';
import { transformRegistry } from '../host/worker/transform-plugins.ts';
import { createSandboxPool } from '../host/sandbox/sandbox-pool.ts';
import type { SandboxCreator, SandboxInstance } from '../host/sandbox/sandbox-pool.ts';
import { MODULE_FILE } from '../sdk/bundler/wasm-build.ts';
import { pipeline } from './sandbox.ts';
import { transformingSink } from './transform-sink.ts';

const log = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(l + '\n') });

interface Bundle {
  code: string;
  module?: Uint8Array;
}

function bundleDir(dirs: string[], name: string): string {
  const dir = dirs.find((d) => d.includes(join('plugins', name, 'bundle')));
  if (dir === undefined) throw new Error(`plugin ${name} not built`);
  return dir;
}

async function load(dirs: string[], name: string): Promise<Bundle> {
  const dir = bundleDir(dirs, name);
  const code = await readFile(join(dir, 'plugin.js'), 'utf8');
  const module = await readFile(join(dir, MODULE_FILE)).catch(() => undefined);
  return module === undefined ? { code } : { code, module: new Uint8Array(module) };
}

let seq = 0;
function instance(pool: SandboxCreator, key: string, b: Bundle): Promise<SandboxInstance> {
  return pool.create({ taskKey: `bench-wasm-${++seq}`, plugin: { key, code: b.code, capabilities: [], ...(b.module === undefined ? {} : { module: b.module }) }, capabilities: () => Promise.resolve(null), log });
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

export async function main(args: string[]): Promise<void> {
  const durationMs = Number(args[0] ?? 5000);
  process.stdout.write(`machine: ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  const dirs = await buildBuiltinPlugins();
  const [wasm, js, sink] = await Promise.all([load(dirs, 'wasm-datagen'), load(dirs, 'datagen'), load(dirs, 'counting-sink')]);
  const pool = createSandboxPool({ processes: 2, log });
  try {
    const wasmRun = await pipeline(await instance(pool, 'wasm-datagen', wasm), await instance(pool, 'counting-sink', sink), durationMs, pool);
    process.stdout.write(`wasm: ${Math.round(wasmRun.rps)} records/s (AssemblyScript datagen → counting sink, 1 KB records); CPU per record ${round(wasmRun.workerCpuUsPerRecord)} µs here + ${round(wasmRun.sandboxCpuUsPerRecord)} µs in the sandbox processes\n`);
    const jsRun = await pipeline(await instance(pool, 'datagen', js), await instance(pool, 'counting-sink', sink), durationMs, pool);
    process.stdout.write(`js:   ${Math.round(jsRun.rps)} records/s (JavaScript datagen → counting sink, same sandbox path); CPU per record ${round(jsRun.workerCpuUsPerRecord)} µs here + ${round(jsRun.sandboxCpuUsPerRecord)} µs in the sandbox processes\n`);
    const transforms = transformRegistry([await loadBundle(bundleDir(dirs, 'wasm-insert-field'), sandboxInspector(pool, log), 'builtin')], { sandbox: pool, taskKey: 'bench-transform', log });
    const chainOf = (insert: Record<string, string>) =>
      buildTransformChain({ transforms: 'hoist,insert', 'transforms.hoist.type': 'HoistField$Value', 'transforms.hoist.field': 'payload', 'transforms.insert.static.field': 'origin', 'transforms.insert.static.value': 'conveyor', ...insert }, { transforms });
    const sandboxedChain = chainOf({ 'transforms.insert.type': 'WasmInsertField' });
    const sandboxedRun = await pipeline(await instance(pool, 'wasm-datagen', wasm), await instance(pool, 'counting-sink', sink), durationMs, pool, (t) => transformingSink(sandboxedChain, t, log));
    sandboxedChain.close();
    process.stdout.write(`transform: ${Math.round(sandboxedRun.rps)} records/s (AssemblyScript datagen → HoistField → sandboxed WebAssembly InsertField → counting sink); CPU per record ${round(sandboxedRun.workerCpuUsPerRecord)} µs here + ${round(sandboxedRun.sandboxCpuUsPerRecord)} µs in the sandbox processes\n`);
    const builtinChain = chainOf({ 'transforms.insert.type': 'InsertField$Value' });
    const builtinRun = await pipeline(await instance(pool, 'wasm-datagen', wasm), await instance(pool, 'counting-sink', sink), durationMs, pool, (t) => transformingSink(builtinChain, t, log));
    process.stdout.write(`builtin transform: ${Math.round(builtinRun.rps)} records/s (the same path with the built-in InsertField$Value); CPU per record ${round(builtinRun.workerCpuUsPerRecord)} µs here + ${round(builtinRun.sandboxCpuUsPerRecord)} µs in the sandbox processes\n`);
    process.stdout.write(JSON.stringify({ bench: 'wasm', wasm_rps: Math.round(wasmRun.rps), js_rps: Math.round(jsRun.rps), ratio: round(wasmRun.rps / jsRun.rps, 3), transform_rps: Math.round(sandboxedRun.rps), builtin_transform_rps: Math.round(builtinRun.rps) }) + '\n');
  } finally {
    await pool.destroy();
  }
}
