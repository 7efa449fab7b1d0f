/**
 * WebAssembly connector benchmark: the AssemblyScript datagen (plugins/wasm-datagen) → counting sink against the
 * JavaScript datagen → the same sink, both through the same sandbox path (2 sandbox processes, 1 KB records). The last
 * line is JSON. transform_rps / builtin_transform_rps stay null until sandboxed plugin transforms exist.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger } from '../host/core/logger.ts';
import { buildBuiltinPlugins } from '../host/plugins/builtin.ts';
import { createSandboxPool } from '../host/sandbox/sandbox-pool.ts';
import type { SandboxCreator, SandboxInstance } from '../host/sandbox/sandbox-pool.ts';
import { MODULE_FILE } from '../sdk/bundler/wasm-build.ts';
import { pipeline } from './sandbox.ts';

const log = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(l + '\n') });

interface Bundle {
  code: string;
  module?: Uint8Array;
}

async function load(dirs: string[], name: string): Promise<Bundle> {
  const dir = dirs.find((d) => d.includes(join('plugins', name, 'bundle')));
  if (dir === undefined) throw new Error(`plugin ${name} not built`);
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
    process.stdout.write(JSON.stringify({ bench: 'wasm', wasm_rps: Math.round(wasmRun.rps), js_rps: Math.round(jsRun.rps), ratio: round(wasmRun.rps / jsRun.rps, 3), transform_rps: null, builtin_transform_rps: null }) + '\n');
  } finally {
    await pool.destroy();
  }
}
