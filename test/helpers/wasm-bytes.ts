/**
 * Tiny hand-assembled WebAssembly modules for the hostile cases a compiler will not emit, and a writer of a
 * WebAssembly bundle around any module bytes (so a test can install a module the bundler would never build).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, CODE_FILE } from '../../sdk/bundler/manifest.ts';
import type { BundleManifest } from '../../sdk/bundler/manifest.ts';
import { MODULE_FILE, registrationCode } from '../../sdk/bundler/wasm-build.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const name = (s: string): number[] => [...leb(s.length), ...Buffer.from(s, 'utf8')];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
/** Imports env.memory (1 page), the memory every connector module needs. */
const MEMORY_IMPORT = [...name('env'), ...name('memory'), 0x02, 0x00, 0x01];

/** A module that imports env.memory and one function (module.field, type () -> ()). */
export function moduleImporting(module: string, field: string): Uint8Array {
  const types = section(1, [1, 0x60, 0, 0]);
  const imports = section(2, [2, ...MEMORY_IMPORT, ...name(module), ...name(field), 0x00, 0x00]);
  return new Uint8Array([...HEADER, ...types, ...imports]);
}

/** A module that imports env.memory and defines a funcref table of `min` elements with no maximum. */
export function moduleWithTable(min: number): Uint8Array {
  const imports = section(2, [1, ...MEMORY_IMPORT]);
  const tables = section(4, [1, 0x70, 0x00, ...leb(min)]);
  return new Uint8Array([...HEADER, ...imports, ...tables]);
}

/** A module whose start function (run while it is instantiated) loops forever. */
export function moduleLoopingAtStart(): Uint8Array {
  const types = section(1, [1, 0x60, 0, 0]);
  const imports = section(2, [1, ...MEMORY_IMPORT]);
  const functions = section(3, [1, 0]);
  const start = section(8, [0]);
  const body = [0, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b];
  const code = section(10, [1, body.length, ...body]);
  return new Uint8Array([...HEADER, ...types, ...imports, ...functions, ...start, ...code]);
}

/** A well-framed module whose type section holds an invalid type form. */
export function malformedModule(): Uint8Array {
  return new Uint8Array([...HEADER, ...section(1, [1, 0x50])]);
}

/** Writes a source-connector bundle (className, one string config key `mode`) around the module bytes. */
export async function writeWasmBundle(dir: string, bundleName: string, className: string, module: Uint8Array): Promise<void> {
  const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
  const config: BundleManifest['config'] = [{ name: 'mode', type: 'string', default: '', importance: 'low', documentation: 'unused' }];
  const code = registrationCode({ type: 'source', className, config }, sha(module));
  const manifest: BundleManifest = {
    manifestVersion: 1, name: bundleName, version: '1.0.0', description: '', type: 'source', className, aliases: [], config, capabilities: [], wasm: true,
    code: { file: CODE_FILE, sha256: sha(code) }, module: { file: MODULE_FILE, sha256: sha(module) },
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MODULE_FILE), module);
  await writeFile(join(dir, CODE_FILE), code);
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
}
