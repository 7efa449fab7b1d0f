/**
 * Builds a WebAssembly connector from source: AssemblyScript (the `assemblyscript` npm package) or Rust (rustc for
 * wasm32-unknown-unknown). The module lands in the bundle as connector.wasm; plugin.js only registers the
 * connector's description from conveyor-plugin.json. Node-only.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ConfigDefinition } from '../config.ts';
import { REGISTER_GLOBAL } from './manifest.ts';

export const MODULE_FILE = 'connector.wasm';

/** conveyor-plugin.json's `module`: the language and the source entry of a WebAssembly connector. */
export interface WasmModuleSource {
  language: 'assemblyscript' | 'rust';
  source: string;
}

/** conveyor-plugin.json's `connector`: what a JavaScript plugin's definition says, for a WebAssembly one. */
export interface WasmConnectorSource {
  type: 'source' | 'sink' | 'transform';
  className: string;
  aliases?: string[];
  config: ConfigDefinition;
}

const run = promisify(execFile);
const ASC_MODULE: string = 'assemblyscript/asc';
const DEBIAN_RUSTC = '/usr/bin/rustc';

async function compileAssemblyScript(entry: string, out: string): Promise<void> {
  // Imported by a computed name: the package's declarations pull AssemblyScript's std types into the type check.
  const asc = (await import(ASC_MODULE)) as {
    main(args: string[], options: { stdout: { write(s: string): void }; stderr: { write(s: string): void } }): Promise<{ error: Error | null }>;
  };
  let log = '';
  const sink = { write: (s: string) => void (log += s) };
  const { error } = await asc.main([
    entry, '--outFile', out, '--optimize', '--importMemory', '--initialMemory', '2', '--runtime', 'incremental',
    '--use', 'abort=', '--noExportMemory',
  ], { stdout: sink, stderr: sink });
  if (error) throw new Error(`AssemblyScript build of ${entry} failed: ${error.message}\n${log}`);
}

/**
 * The rustc that has the wasm32 standard library: $CONVEYOR_RUSTC, else Debian's (scripts/rust-wasm.sh installs it
 * with libstd-rust-dev-wasm32), else whichever is on PATH.
 */
function rustc(): string {
  const fromEnv = process.env['CONVEYOR_RUSTC'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return existsSync(DEBIAN_RUSTC) ? DEBIAN_RUSTC : 'rustc';
}

async function compileRust(entry: string, out: string): Promise<void> {
  try {
    await run(rustc(), ['--edition', '2021', '--target', 'wasm32-unknown-unknown', '--crate-type', 'cdylib', '-C', 'opt-level=3', '-C', 'panic=abort',
      '-C', 'strip=symbols', '-C', 'link-arg=--import-memory', entry, '-o', out], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; code?: string };
    if (e.code === 'ENOENT') throw new Error('rustc is not installed: bash scripts/rust-wasm.sh installs rustc and libstd-rust-dev-wasm32 with apt');
    throw new Error(`Rust build of ${entry} failed:\n${e.stderr ?? String(err)}`);
  }
}

/** Compiles the module; returns its bytes. */
export async function compileWasmModule(dir: string, spec: WasmModuleSource): Promise<Uint8Array> {
  const tmp = await mkdtemp(join(tmpdir(), 'conveyor-wasm-'));
  try {
    const out = join(tmp, MODULE_FILE);
    if (spec.language === 'assemblyscript') await compileAssemblyScript(resolve(dir, spec.source), out);
    else await compileRust(resolve(dir, spec.source), out);
    return new Uint8Array(await readFile(out));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** plugin.js of a WebAssembly bundle: it registers the description; the bootstrap binds it to the module. */
export function registrationCode(connector: WasmConnectorSource, moduleSha256: string): string {
  const meta = { type: connector.type, className: connector.className, aliases: connector.aliases ?? [], config: connector.config };
  return `// WebAssembly connector: ${MODULE_FILE} sha256 ${moduleSha256}\n${REGISTER_GLOBAL}(${JSON.stringify(meta)});\n`;
}
