/** Reads and checks one bundle directory: manifest, signature, hash, then the code itself (in a sandbox) against the manifest. */
import { createHash } from 'node:crypto';
import { readBundleDir } from '../../sdk/bundler/bundle-files.ts';
import { MANIFEST_FILE } from '../../sdk/bundler/manifest.ts';
import type { BundleManifest } from '../../sdk/bundler/manifest.ts';
import type { BundleFiles } from '../../sdk/bundler/signature.ts';
import type { CapabilityName } from '../../sdk/capabilities.ts';
import type { PluginDescription } from '../../sdk/runtime.ts';
import { checkManifest } from './manifest.ts';
import { pluginKey } from './plugin-version.ts';
import type { BrokenBundle, PluginVersion } from './plugin-version.ts';
import { checkBundleSignature, OPEN_SIGNATURE_POLICY } from './signature-policy.ts';
import type { BundleSigner, SignaturePolicy } from './signature-policy.ts';
import { isTgz, readTgz } from './tgz.ts';

/** Runs the code in a throwaway sandbox (with WebAssembly when the manifest asks for it) and returns what it registers; throws with the reason otherwise. */
export type BundleInspector = (key: string, code: string, options?: { wasm?: boolean; module?: Uint8Array; capabilities?: readonly CapabilityName[] }) => Promise<PluginDescription>;

/** How a bundle is trusted: built-in bundles (this repository's plugins/) need no signature; others follow the policy. */
export type BundleTrust = 'builtin' | SignaturePolicy;

/** A refused bundle: the reason, and what its manifest says it is when the manifest could be read. */
export class BundleRejectedError extends Error {
  readonly plugin: BrokenBundle['plugin'];
  constructor(message: string, manifest?: BundleManifest, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BundleRejectedError';
    this.plugin = manifest === undefined ? undefined : { name: manifest.name, version: manifest.version, className: manifest.className, type: manifest.type };
  }
}

/** Every file of a bundle directory or .tgz, read once: what is verified is what is loaded. */
async function bundleFiles(path: string): Promise<BundleFiles> {
  try {
    return isTgz(path) ? await readTgz(path) : await readBundleDir(path, [`${MANIFEST_FILE}.tmp`]);
  } catch (err) {
    throw new BundleRejectedError(`${isTgz(path) ? 'bad archive' : 'unreadable bundle'}: ${(err as Error).message}`);
  }
}

/** Loads a bundle: a directory, or a .tgz of one. Throws a BundleRejectedError with the reason. */
export async function loadBundle(dir: string, inspect: BundleInspector, trust: BundleTrust = OPEN_SIGNATURE_POLICY): Promise<PluginVersion> {
  const files = await bundleFiles(dir);
  let raw: unknown;
  try {
    const bytes = files.get(MANIFEST_FILE);
    if (bytes === undefined) throw new Error(`no ${MANIFEST_FILE}`);
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new BundleRejectedError(`bad manifest: ${(err as Error).message}`);
  }
  const manifest = checkManifest(raw);
  if (typeof manifest === 'string') throw new BundleRejectedError(`bad manifest: ${manifest}`);
  const reject = (reason: string): never => {
    throw new BundleRejectedError(reason, manifest);
  };
  let signer: BundleSigner = null;
  if (trust !== 'builtin') {
    try {
      signer = checkBundleSignature(files, trust);
    } catch (err) {
      reject((err as Error).message);
    }
  }
  const bytes = files.get(manifest.code.file);
  if (bytes === undefined) return reject(`missing code file ${manifest.code.file}`);
  const code = Buffer.from(bytes).toString('utf8');
  const sha = createHash('sha256').update(code).digest('hex');
  if (sha !== manifest.code.sha256) reject(`hash mismatch: manifest says sha256 ${manifest.code.sha256}, code is ${sha}`);
  let module: Uint8Array | undefined;
  if (manifest.module !== undefined) {
    module = files.get(manifest.module.file);
    if (module === undefined) return reject(`missing WebAssembly module ${manifest.module.file}`);
    const moduleSha = createHash('sha256').update(module).digest('hex');
    if (moduleSha !== manifest.module.sha256) reject(`hash mismatch: manifest says ${manifest.module.file} has sha256 ${manifest.module.sha256}, it is ${moduleSha}`);
  }
  const key = pluginKey(manifest);
  let d: PluginDescription;
  try {
    // A module's capability imports are checked at load against what the manifest requests.
    d = await inspect(key, code, { wasm: manifest.wasm === true, ...(module === undefined ? {} : { module, capabilities: manifest.capabilities }) });
  } catch (err) {
    return reject(`code does not load: ${(err as Error).message}`);
  }
  if (d.type !== manifest.type) reject(`code defines a ${d.type} plugin, manifest says ${manifest.type}`);
  if (d.className !== manifest.className) reject(`code defines class ${d.className}, manifest says ${manifest.className}`);
  return { key, manifest, code, ...(module === undefined ? {} : { module }), dir, installedAt: new Date().toISOString(), ...(signer === null ? {} : { signer }) };
}
