/** Builds the plugins shipped in this repository (plugins/<name>/) into their git-ignored bundle directories. */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildPluginCached } from '../../sdk/bundler/build.ts';
import { SOURCE_MANIFEST_FILE } from '../../sdk/bundler/manifest.ts';

export const BUILTIN_PLUGINS_ROOT = resolve(import.meta.dirname, '..', '..', 'plugins');

/** Returns the bundle directories; rebuilds only packages whose sources changed. */
export async function buildBuiltinPlugins(root = BUILTIN_PLUGINS_ROOT): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(root)).sort()) {
    const dir = join(root, name);
    if (!(await stat(join(dir, SOURCE_MANIFEST_FILE)).catch(() => null))) continue;
    out.push((await buildPluginCached(dir)).outDir);
  }
  return out;
}
