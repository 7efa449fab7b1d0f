/** Reads and checks one bundle directory: manifest, hash, then the code itself (in a sandbox) against the manifest. */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../sdk/bundler/manifest.ts';
import type { PluginDescription } from '../../sdk/runtime.ts';
import { checkManifest } from './manifest.ts';
import { pluginKey } from './plugin-version.ts';
import type { PluginVersion } from './plugin-version.ts';
import { isTgz, readTgz } from './tgz.ts';

const MAX_CODE_BYTES = 32 * 1024 * 1024;

/** Runs the code in a throwaway sandbox (with WebAssembly when the manifest asks for it) and returns what it registers; throws with the reason otherwise. */
export type BundleInspector = (key: string, code: string, options?: { wasm?: boolean }) => Promise<PluginDescription>;

/** Reads a file of a bundle directory or .tgz; null when it is missing, an error when it is too large. */
type BundleReader = (name: string) => Promise<string | null>;

async function bundleReader(path: string): Promise<BundleReader> {
  if (isTgz(path)) {
    const files = await readTgz(path).catch((err: unknown) => {
      throw new Error(`bad archive: ${(err as Error).message}`);
    });
    return (name) => Promise.resolve(files.get(name)?.toString('utf8') ?? null);
  }
  return async (name) => {
    const size = (await stat(join(path, name)).catch(() => null))?.size;
    if (size === undefined) return null;
    if (size > MAX_CODE_BYTES) throw new Error(`${name} of ${size} bytes exceeds ${MAX_CODE_BYTES}`);
    return readFile(join(path, name), 'utf8');
  };
}

/** Loads a bundle: a directory, or a .tgz of one. */
export async function loadBundle(dir: string, inspect: BundleInspector): Promise<PluginVersion> {
  const read = await bundleReader(dir);
  let raw: unknown;
  try {
    const text = await read(MANIFEST_FILE);
    if (text === null) throw new Error(`no ${MANIFEST_FILE}`);
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`bad manifest: ${(err as Error).message}`);
  }
  const manifest = checkManifest(raw);
  if (typeof manifest === 'string') throw new Error(`bad manifest: ${manifest}`);
  const code = await read(manifest.code.file);
  if (code === null) throw new Error(`missing code file ${manifest.code.file}`);
  const sha = createHash('sha256').update(code).digest('hex');
  if (sha !== manifest.code.sha256) throw new Error(`hash mismatch: manifest says sha256 ${manifest.code.sha256}, code is ${sha}`);
  const key = pluginKey(manifest);
  let d: PluginDescription;
  try {
    d = await inspect(key, code, { wasm: manifest.wasm === true });
  } catch (err) {
    throw new Error(`code does not load: ${(err as Error).message}`);
  }
  if (d.type !== manifest.type) throw new Error(`code defines a ${d.type} plugin, manifest says ${manifest.type}`);
  if (d.className !== manifest.className) throw new Error(`code defines class ${d.className}, manifest says ${manifest.className}`);
  return { key, manifest, code, dir, installedAt: new Date().toISOString() };
}
