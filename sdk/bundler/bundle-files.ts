/** Reads every regular file of a bundle directory into memory, bounded, so what is checked is what is loaded. Node-only. */
import type { KeyObject } from 'node:crypto';
import { lstat, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE } from './manifest.ts';
import { signBundle } from './signature.ts';
import type { BundleSignature } from './manifest.ts';

export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
export const MAX_BUNDLE_FILES = 1000;

/** Path ('/'-separated, relative to dir) → contents; `skip` names top-level files to leave out. */
export async function readBundleDir(dir: string, skip: readonly string[] = []): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (rel === '' && skip.includes(name)) continue;
      const l = await lstat(join(dir, path)).catch(() => null);
      if (l === null) continue;
      if (l.isDirectory()) {
        await walk(path);
        continue;
      }
      // A linked file is read (and covered by a signature) like any other; a linked directory is not followed.
      const s = l.isSymbolicLink() ? await stat(join(dir, path)).catch(() => null) : l;
      if (s === null || !s.isFile()) continue;
      total += s.size;
      if (total > MAX_BUNDLE_BYTES) throw new Error(`bundle exceeds ${MAX_BUNDLE_BYTES} bytes`);
      if (files.size >= MAX_BUNDLE_FILES) throw new Error(`bundle has more than ${MAX_BUNDLE_FILES} files`);
      files.set(path, await readFile(join(dir, path)));
    }
  };
  await walk('');
  return files;
}

/**
 * Writes a bundle's manifest atomically (a watcher never reads a half-written one), signed with privateKey when
 * given: the signature covers the directory's other files as they are now, and the manifest without `signature`.
 */
export async function writeManifest(dir: string, manifest: object, privateKey?: KeyObject): Promise<BundleSignature | null> {
  const { signature: _old, ...unsigned } = manifest as Record<string, unknown>;
  let signature: BundleSignature | null = null;
  if (privateKey !== undefined) {
    const files = await readBundleDir(dir, [MANIFEST_FILE, `${MANIFEST_FILE}.tmp`]);
    files.set(MANIFEST_FILE, Buffer.from(JSON.stringify(unsigned)));
    signature = signBundle(files, privateKey);
  }
  const tmp = join(dir, `${MANIFEST_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(signature === null ? unsigned : { ...unsigned, signature }, null, 2) + '\n');
  await rename(tmp, join(dir, MANIFEST_FILE));
  return signature;
}

/** Signs an already built bundle directory in place (replacing any earlier signature). */
export async function signBundleDir(dir: string, privateKey: KeyObject): Promise<BundleSignature> {
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as object;
  return (await writeManifest(dir, manifest, privateKey)) as BundleSignature;
}
