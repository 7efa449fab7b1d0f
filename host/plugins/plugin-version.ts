import type { BundleManifest } from '../../sdk/bundler/manifest.ts';

/** One installed version of a plugin: validated manifest plus the exact code it hashes to. */
export interface PluginVersion {
  /** name@version#sha-prefix: unique per code, so a changed bundle is a new version. */
  key: string;
  manifest: BundleManifest;
  code: string;
  /** A WebAssembly connector's module (manifest `module`), hash-checked like the code. */
  module?: Uint8Array;
  dir: string;
  installedAt: string;
  /** Who signed the bundle, when it is signed; `trusted` when the key is in plugin.trusted.keys. */
  signer?: { keyId: string; trusted: boolean };
  /** A bundle a tenant installed (PUT /plugins/{name}): only that tenant sees and runs it. */
  tenant?: string;
}

/** A bundle that failed to load, with its reason; reported in the log and over REST. */
export interface BrokenBundle {
  dir: string;
  reason: string;
  at: string;
  /** What the bundle's manifest says it is, when the manifest could be read. */
  plugin?: { name: string; version: string; className: string; type: BundleManifest['type'] };
}

export function pluginKey(m: BundleManifest): string {
  return `${m.name}@${m.version}#${m.code.sha256.slice(0, 12)}`;
}

/** Whether a tenant (undefined: an unowned connector) may use a plugin: every shared one, and its own bundles. */
export function usableBy(v: PluginVersion, tenant: string | undefined): boolean {
  return v.tenant === undefined || v.tenant === tenant;
}

/** A connector plugin's type. registry.resolve never answers a connector.class with a transform, so this holds. */
export function connectorType(v: Pick<PluginVersion, 'manifest'>): 'source' | 'sink' {
  const t = v.manifest.type;
  return t === 'transform' ? 'source' : t;
}
