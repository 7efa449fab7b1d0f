/**
 * The plugin directory: scans plugin.path at start and watches it. New bundles become available without a restart,
 * a changed bundle is a new version next to the old one, and a broken bundle is reported and skipped.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../sdk/bundler/manifest.ts';
import type { Logger } from '../core/logger.ts';
import { loadBundle } from './loader.ts';
import type { BundleInspector, BundleTrust } from './loader.ts';
import { OPEN_SIGNATURE_POLICY } from './signature-policy.ts';
import type { SignaturePolicy } from './signature-policy.ts';
import type { BrokenBundle } from './plugin-version.ts';
import { PluginRegistry } from './registry.ts';
import { isTgz } from './tgz.ts';

/** The worker key naming where tenants' own bundles are kept (PUT /plugins/{name}); unset turns those installs off. */
export const TENANT_PLUGIN_PATH_KEY = 'conveyor.tenant.plugin.path';

export interface PluginDirectoryOptions {
  /** Directories holding bundle directories (searched two levels deep), or bundle directories themselves. */
  roots: readonly string[];
  /** Roots of this repository's own bundles (plugins/): trusted without a signature. */
  builtinRoots?: readonly string[];
  /** The signature policy for bundles under `roots` (default: unsigned loads, a bad signature is refused). */
  signatures?: SignaturePolicy;
  inspect: BundleInspector;
  log: Logger;
  /** Fallback rescan period for file systems where watching misses events. */
  rescanMs?: number;
  /** conveyor.tenant.plugin.path: bundles tenants installed, one directory per tenant (`<root>/<tenant>/<name>.tgz`). */
  tenantRoot?: string;
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

async function findBundles(dir: string, depth: number, out: string[]): Promise<void> {
  if (await stat(join(dir, MANIFEST_FILE)).catch(() => null)) {
    out.push(dir);
    return;
  }
  if (depth === 0) return;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isFile() && isTgz(e.name)) out.push(join(dir, e.name));
    else if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'src') await findBundles(join(dir, e.name), depth - 1, out);
  }
}

async function fingerprint(dir: string): Promise<string> {
  if (isTgz(dir)) {
    const s = await stat(dir).catch(() => null);
    return s ? `${s.size}:${s.mtimeMs}` : '';
  }
  const entries = await readdir(dir).catch(() => [] as string[]);
  const parts = await Promise.all(entries.sort().map(async (n) => {
    const s = await stat(join(dir, n)).catch(() => null);
    return s ? `${n}:${s.size}:${s.mtimeMs}` : n;
  }));
  return parts.join('|');
}

export class PluginDirectory {
  readonly registry = new PluginRegistry();
  private readonly options: PluginDirectoryOptions;
  private readonly seen = new Map<string, string>();
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | null = null;
  private again = false;
  private closed = false;

  private constructor(options: PluginDirectoryOptions) {
    this.options = options;
  }

  static async create(options: PluginDirectoryOptions): Promise<PluginDirectory> {
    const d = new PluginDirectory(options);
    await d.scan();
    d.watch();
    return d;
  }

  /** Rescans every root; concurrent requests coalesce into one follow-up scan. */
  scan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.again = false;
        await this.scanOnce();
      } while (this.again && !this.closed);
    })().finally(() => {
      this.scanning = null;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    const log = this.options.log;
    const bundles: [string, BundleTrust][] = [];
    const signatures = this.options.signatures ?? OPEN_SIGNATURE_POLICY;
    for (const [roots, trust] of [[this.options.builtinRoots ?? [], 'builtin'], [this.options.roots, signatures]] as const) {
      for (const root of roots) {
        const found: string[] = [];
        if (await isDir(root)) await findBundles(root, 2, found);
        bundles.push(...found.map((dir): [string, BundleTrust] => [dir, trust]));
      }
    }
    const tenantRoot = this.options.tenantRoot;
    const owners = new Map<string, string>();
    if (tenantRoot !== undefined && (await isDir(tenantRoot))) {
      for (const e of await readdir(tenantRoot, { withFileTypes: true })) {
        if (!e.isDirectory() || e.name.startsWith('.')) continue;
        const found: string[] = [];
        await findBundles(join(tenantRoot, e.name), 1, found);
        for (const dir of found) {
          owners.set(dir, e.name);
          bundles.push([dir, signatures]);
        }
      }
    }
    for (const [dir, trust] of bundles) {
      const fp = await fingerprint(dir);
      if (this.seen.get(dir) === fp) continue;
      this.seen.set(dir, fp);
      try {
        const loaded = await loadBundle(dir, this.options.inspect, trust);
        const owner = owners.get(dir);
        const v = owner === undefined ? loaded : { ...loaded, tenant: owner, key: `${owner}/${loaded.key}` };
        this.registry.clearBroken(dir);
        const signer = v.signer === undefined ? {} : { signedBy: v.signer.keyId, trustedKey: v.signer.trusted };
        if (this.registry.add(v)) log.info('plugin installed', { plugin: v.key, className: v.manifest.className, dir, ...signer, ...(owner === undefined ? {} : { tenant: owner }) });
      } catch (err) {
        const reason = (err as Error).message;
        const plugin = (err as { plugin?: BrokenBundle['plugin'] }).plugin;
        this.registry.markBroken({ dir, reason, at: new Date().toISOString(), ...(plugin === undefined ? {} : { plugin }) });
        log.error('plugin bundle rejected', { dir, reason, ...(plugin === undefined ? {} : { plugin: `${plugin.name}@${plugin.version}` }) });
      }
    }
  }

  private watch(): void {
    const kick = (): void => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.scan().catch((err: unknown) => this.options.log.error('plugin scan failed', { error: err })), 150);
    };
    for (const root of [...(this.options.builtinRoots ?? []), ...this.options.roots]) {
      try {
        const w = watch(root, { recursive: true }, kick);
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // root missing or not watchable: the periodic rescan still covers it
      }
    }
    this.timer = setInterval(kick, this.options.rescanMs ?? 2000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
    await this.scanning;
  }
}
