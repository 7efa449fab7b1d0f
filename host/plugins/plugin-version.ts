import type { BundleManifest } from '../../sdk/bundler/manifest.ts';

/** One installed version of a plugin: validated manifest plus the exact code it hashes to. */
export interface PluginVersion {
  /** name@version#sha-prefix: unique per code, so a changed bundle is a new version. */
  key: string;
  manifest: BundleManifest;
  code: string;
  dir: string;
  installedAt: string;
}

/** A bundle that failed to load, with its reason; reported in the log and over REST. */
export interface BrokenBundle {
  dir: string;
  reason: string;
  at: string;
}

export function pluginKey(m: BundleManifest): string {
  return `${m.name}@${m.version}#${m.code.sha256.slice(0, 12)}`;
}
