/** Installed plugin versions and broken bundles; resolves connector.class (name or alias, optional version). */
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { connectClass, hasVersion } from './connect-identity.ts';
import { usableBy } from './plugin-version.ts';
import type { BrokenBundle, PluginVersion } from './plugin-version.ts';

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isInteger(nx) && Number.isInteger(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}

/** Kafka Connect's words for a connector.class no installed plugin has. */
export function unknownConnectorMessage(name: string, available: readonly PluginVersion[]): string {
  return `Failed to find any class that implements Connector and which name matches ${name}, available connectors are: ${[...new Set(available.map((v) => connectClass(v)))].join(', ')}`;
}

export class PluginRegistry {
  private readonly versions = new Map<string, PluginVersion>();
  private readonly broken = new Map<string, BrokenBundle>();

  add(v: PluginVersion): boolean {
    if (this.versions.has(v.key)) return false;
    this.versions.set(v.key, v);
    return true;
  }

  markBroken(b: BrokenBundle): void {
    this.broken.set(b.dir, b);
  }

  clearBroken(dir: string): void {
    this.broken.delete(dir);
  }

  list(): PluginVersion[] {
    return [...this.versions.values()].sort((a, b) => a.manifest.className.localeCompare(b.manifest.className) || compareVersions(a.manifest.version, b.manifest.version) || a.installedAt.localeCompare(b.installedAt));
  }

  brokenBundles(): BrokenBundle[] {
    return [...this.broken.values()];
  }

  /** The newest version of each transform bundle a tenant may use (transforms.<alias>.type names them). */
  transforms(tenant?: string): PluginVersion[] {
    const newest = new Map<string, PluginVersion>();
    for (const v of this.list()) if (v.manifest.type === 'transform' && usableBy(v, tenant)) newest.set(v.manifest.className, v);
    return [...newest.values()];
  }

  get(key: string): PluginVersion | undefined {
    return this.versions.get(key);
  }

  /**
   * The newest installed version for a class name or alias (an exact version when given) among the shared plugins
   * and, for a tenant's connector, that tenant's own; another tenant's bundle is never found.
   */
  resolve(className: string, version?: string, tenant?: string): PluginVersion {
    const visible = this.list().filter((v) => usableBy(v, tenant) && v.manifest.type !== 'transform');
    const matches = visible.filter((v) => v.manifest.className === className || v.manifest.aliases.includes(className) || v.manifest.name === className);
    const pick = version === undefined ? matches : matches.filter((v) => hasVersion(v, version));
    const found = pick.at(-1);
    if (found === undefined) {
      throw new ConveyorError(ErrorCode.configInvalid, unknownConnectorMessage(`${className}${version ? ` (version ${version})` : ''}`, visible));
    }
    return found;
  }
}
