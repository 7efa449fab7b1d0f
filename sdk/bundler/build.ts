/** Turns a plugin package into a bundle: manifest.json plus one import-free JavaScript file. Node-only. */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { join, relative, resolve } from 'node:path';
import vm from 'node:vm';
import * as esbuild from 'esbuild';
import { CAPABILITY_NAMES } from '../capabilities.ts';
import { checkMetricDeclarations } from '../metrics.ts';
import { describePlugin } from '../runtime.ts';
import { writeManifest } from './bundle-files.ts';
import { CODE_FILE, MANIFEST_FILE, REGISTER_GLOBAL, SOURCE_MANIFEST_FILE } from './manifest.ts';
import type { BundleManifest, PluginSource } from './manifest.ts';
import { compileWasmModule, MODULE_FILE, registrationCode } from './wasm-build.ts';
import type { WasmConnectorSource, WasmModuleSource } from './wasm-build.ts';

/** A build that failed for a reason the author can fix; its message says what and where. */
export class PluginBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginBuildError';
  }
}

/** Reads and checks a plugin project's conveyor-plugin.json. */
export async function readPluginSource(dir: string): Promise<PluginSource> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, SOURCE_MANIFEST_FILE), 'utf8'));
  } catch (err) {
    throw new PluginBuildError(`cannot read ${SOURCE_MANIFEST_FILE} in ${dir}: ${(err as Error).message}`);
  }
  const s = raw as Partial<PluginSource>;
  if (typeof s.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(s.name)) throw new PluginBuildError(`${SOURCE_MANIFEST_FILE}: name must match [a-z0-9][a-z0-9._-]*`);
  if (typeof s.version !== 'string' || s.version === '') throw new PluginBuildError(`${SOURCE_MANIFEST_FILE}: version is required`);
  const caps = s.capabilities ?? [];
  const unknown = caps.filter((c) => !(CAPABILITY_NAMES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new PluginBuildError(`${SOURCE_MANIFEST_FILE}: unknown capabilities ${unknown.join(', ')}`);
  const metrics = checkMetricDeclarations(s.metrics);
  if (typeof metrics === 'string') throw new PluginBuildError(`${SOURCE_MANIFEST_FILE}: ${metrics}`);
  if (s.wasm !== undefined && typeof s.wasm !== 'boolean') throw new PluginBuildError(`${SOURCE_MANIFEST_FILE}: wasm must be true or false`);
  if (s.module !== undefined) {
    if ((s.module.language !== 'assemblyscript' && s.module.language !== 'rust') || typeof s.module.source !== 'string') {
      throw new PluginBuildError(`${SOURCE_MANIFEST_FILE}: module needs a language (assemblyscript|rust) and a source file`);
    }
    const c = s.connector;
    if (c === undefined || (c.type !== 'source' && c.type !== 'sink' && c.type !== 'transform') || typeof c.className !== 'string' || !Array.isArray(c.config)) {
      throw new PluginBuildError(`${SOURCE_MANIFEST_FILE}: a WebAssembly plugin needs connector.type (source|sink|transform), connector.className and connector.config`);
    }
  }
  return {
    name: s.name, version: s.version, description: s.description ?? '', entry: s.entry ?? 'src/index.ts', capabilities: caps,
    ...(s.wasm === true || s.module !== undefined ? { wasm: true } : {}),
    ...(metrics.length === 0 ? {} : { metrics }),
    ...(s.module === undefined ? {} : { module: s.module, connector: s.connector }),
  };
}

const forbidNodeBuiltins: esbuild.Plugin = {
  name: 'conveyor-forbid-node-builtins',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      const from = args.importer === '' ? 'the entry' : relative(process.cwd(), args.importer);
      return {
        errors: [{ text: `plugin code imports the Node built-in "${args.path}" (from ${from}); plugins run in a sandbox without Node APIs — use a capability (http, files, mysql, elasticsearch) instead` }],
      };
    });
  },
};

/**
 * The export condition under which @conveyor/sdk resolves to its TypeScript sources (they ship in the package next to
 * dist/): a bundle is built from the same sources whether the SDK comes from a workspace or from the registry.
 */
export const SOURCE_CONDITION = '@conveyor/source';

async function bundleCode(dir: string, entry: string): Promise<string> {
  const entryPath = resolve(dir, entry);
  try {
    const result = await esbuild.build({
      stdin: { contents: `import def from ${JSON.stringify(entryPath)};\n${REGISTER_GLOBAL}(def);\n`, resolveDir: dir, loader: 'ts', sourcefile: 'conveyor-entry.ts' },
      bundle: true,
      format: 'iife',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: [SOURCE_CONDITION],
      target: 'es2023',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      plugins: [forbidNodeBuiltins],
    });
    const out = result.outputFiles[0];
    if (!out) throw new PluginBuildError('esbuild produced no output');
    return out.text;
  } catch (err) {
    const errors = (err as { errors?: esbuild.Message[] }).errors;
    if (!errors) throw err;
    const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text));
    throw new PluginBuildError(`plugin build failed:\n  ${lines.join('\n  ')}`);
  }
}

/** Evaluates the bundle in an empty VM context just long enough to read its definition. */
function describeBundle(code: string): ReturnType<typeof describePlugin> {
  let registered: unknown;
  const context = vm.createContext({ [REGISTER_GLOBAL]: (def: unknown) => (registered = def) });
  new vm.Script(code, { filename: CODE_FILE }).runInContext(context, { timeout: 5000 });
  return describePlugin(registered);
}

/** Where a bundle was written and its manifest. */
export interface BuildResult {
  outDir: string;
  manifest: BundleManifest;
}

export interface BuildOptions {
  /** An Ed25519 private key: the manifest gets a `signature` over every file of the bundle (see signature.ts). */
  signingKey?: KeyObject;
}

/**
 * Builds a plugin project (conveyor-plugin.json + its entry) into a bundle directory: plugin.js (esbuild, no imports
 * left, Node built-ins refused) and manifest.json (the definition read back from the built code), signed on request.
 */
export async function buildPlugin(dir: string, outDir = join(dir, 'bundle'), options: BuildOptions = {}): Promise<BuildResult> {
  const source = await readPluginSource(dir);
  if (source.module !== undefined && source.connector !== undefined) return buildWasmPlugin(dir, outDir, source, source.module, source.connector, options);
  const code = await bundleCode(dir, source.entry);
  let description;
  try {
    description = JSON.parse(JSON.stringify(describeBundle(code))) as ReturnType<typeof describePlugin>;
  } catch (err) {
    throw new PluginBuildError(`plugin definition is invalid: ${(err as Error).message}`);
  }
  const manifest: BundleManifest = {
    manifestVersion: 1,
    name: source.name,
    version: source.version,
    description: source.description ?? '',
    type: description.type,
    className: description.className,
    aliases: description.aliases,
    config: description.config,
    capabilities: source.capabilities,
    ...(source.metrics === undefined ? {} : { metrics: source.metrics }),
    ...(source.wasm === true ? { wasm: true } : {}),
    code: { file: CODE_FILE, sha256: createHash('sha256').update(code).digest('hex') },
  };
  await mkdir(outDir, { recursive: true });
  // Code first, manifest last and atomically: a watcher that sees the manifest sees a complete bundle.
  await writeFile(join(outDir, CODE_FILE), code);
  const signature = await writeManifest(outDir, manifest, options.signingKey);
  return { outDir, manifest: signature === null ? manifest : { ...manifest, signature } };
}

async function buildWasmPlugin(dir: string, outDir: string, source: PluginSource, spec: WasmModuleSource, connector: WasmConnectorSource, options: BuildOptions): Promise<BuildResult> {
  let module: Uint8Array;
  try {
    module = await compileWasmModule(dir, spec);
  } catch (err) {
    throw new PluginBuildError((err as Error).message);
  }
  const moduleSha = createHash('sha256').update(module).digest('hex');
  const code = registrationCode(connector, moduleSha);
  const manifest: BundleManifest = {
    manifestVersion: 1,
    name: source.name,
    version: source.version,
    description: source.description ?? '',
    type: connector.type,
    className: connector.className,
    aliases: connector.aliases ?? [],
    config: connector.config,
    capabilities: source.capabilities,
    ...(source.metrics === undefined ? {} : { metrics: source.metrics }),
    wasm: true,
    code: { file: CODE_FILE, sha256: createHash('sha256').update(code).digest('hex') },
    module: { file: MODULE_FILE, sha256: moduleSha },
  };
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, MODULE_FILE), module);
  await writeFile(join(outDir, CODE_FILE), code);
  const signature = await writeManifest(outDir, manifest, options.signingKey);
  return { outDir, manifest: signature === null ? manifest : { ...manifest, signature } };
}

async function hashTree(root: string, hash: ReturnType<typeof createHash>): Promise<void> {
  const entries = (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name === 'bundle' || e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(root, e.name);
    if (e.isDirectory()) await hashTree(p, hash);
    else if (e.isFile()) hash.update(p).update(await readFile(p));
  }
}

/** Builds only when the package's sources (or the SDK's) changed since the last build into outDir. */
export async function buildPluginCached(dir: string, outDir = join(dir, 'bundle')): Promise<BuildResult> {
  const hash = createHash('sha256');
  await hashTree(resolve(dir), hash);
  await hashTree(resolve(import.meta.dirname, '..'), hash);
  const digest = hash.digest('hex');
  const stampFile = join(outDir, '.build-hash');
  try {
    if ((await readFile(stampFile, 'utf8')) === digest && (await stat(join(outDir, MANIFEST_FILE))).isFile()) {
      return { outDir, manifest: JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8')) as BundleManifest };
    }
  } catch {
    // no stamp yet: build
  }
  const result = await buildPlugin(dir, outDir);
  await writeFile(stampFile, digest);
  return result;
}
