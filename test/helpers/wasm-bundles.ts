/** The repository's WebAssembly example connectors, built from source (the bundler compiles them) into a directory. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildPlugin } from '../../sdk/bundler/build.ts';
import { MODULE_FILE } from '../../sdk/bundler/wasm-build.ts';

export const PLUGINS = resolve(import.meta.dirname, '..', '..', 'plugins');

/** A built bundle's code and module, as a sandbox instance takes them. */
export interface BuiltWasm {
  dir: string;
  code: string;
  module: Uint8Array;
}

export async function buildWasmExample(name: string, outRoot: string): Promise<BuiltWasm> {
  const { outDir } = await buildPlugin(join(PLUGINS, name), join(outRoot, name));
  return { dir: outDir, code: await readFile(join(outDir, 'plugin.js'), 'utf8'), module: new Uint8Array(await readFile(join(outDir, MODULE_FILE))) };
}
