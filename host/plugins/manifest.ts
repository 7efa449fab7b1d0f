/** Validates a bundle's manifest.json: every field the host relies on, with a reason when something is wrong. */
import { CAPABILITY_NAMES } from '../../sdk/capabilities.ts';
import type { BundleManifest } from '../../sdk/bundler/manifest.ts';
import type { ConfigKey } from '../../sdk/config.ts';
import { checkMetricDeclarations } from '../../sdk/metrics.ts';

const CONFIG_TYPES = ['string', 'int', 'long', 'double', 'boolean', 'list', 'password', 'class'];
const IMPORTANCE = ['high', 'medium', 'low'];

/** Returns the manifest, or a string saying why it is invalid. */
export function checkManifest(raw: unknown): BundleManifest | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'manifest is not a JSON object';
  const m = raw as Record<string, unknown>;
  if (m['manifestVersion'] !== 1) return `unsupported manifestVersion ${JSON.stringify(m['manifestVersion'])}`;
  for (const k of ['name', 'version', 'className'] as const) {
    if (typeof m[k] !== 'string' || (m[k]).length === 0 || (m[k]).length > 255) return `manifest field ${k} must be a non-empty string`;
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(m['name'] as string)) return 'manifest name must match [a-z0-9][a-z0-9._-]*';
  if (m['type'] !== 'source' && m['type'] !== 'sink' && m['type'] !== 'transform') return `manifest type must be source, sink or transform, not ${JSON.stringify(m['type'])}`;
  if (!Array.isArray(m['aliases']) || m['aliases'].some((a) => typeof a !== 'string')) return 'manifest aliases must be an array of strings';
  if (!Array.isArray(m['capabilities'])) return 'manifest capabilities must be an array';
  const unknown = (m['capabilities'] as unknown[]).filter((c) => !(CAPABILITY_NAMES as readonly unknown[]).includes(c));
  if (unknown.length > 0) return `manifest requests unknown capabilities: ${unknown.map((c) => JSON.stringify(c)).join(', ')}`;
  if (m['wasm'] !== undefined && typeof m['wasm'] !== 'boolean') return 'manifest wasm must be true or false';
  const metrics = checkMetricDeclarations(m['metrics']);
  if (typeof metrics === 'string') return `manifest ${metrics}`;
  if (!Array.isArray(m['config'])) return 'manifest config must be an array of config keys';
  for (const k of m['config'] as unknown[]) {
    const key = k as Partial<ConfigKey>;
    if (typeof key?.name !== 'string' || !CONFIG_TYPES.includes(String(key.type)) || !IMPORTANCE.includes(String(key.importance))) {
      return `manifest config key ${JSON.stringify(key?.name)} needs a name, a type (${CONFIG_TYPES.join('|')}) and an importance`;
    }
  }
  const code = m['code'] as { file?: unknown; sha256?: unknown } | undefined;
  if (typeof code?.file !== 'string' || !/^[A-Za-z0-9._-]+\.js$/.test(code.file)) return 'manifest code.file must be a plain .js file name';
  if (typeof code.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(code.sha256)) return 'manifest code.sha256 must be 64 hex digits';
  const mod = m['module'] as { file?: unknown; sha256?: unknown } | undefined;
  if (mod !== undefined) {
    if (typeof mod.file !== 'string' || !/^[A-Za-z0-9._-]+\.wasm$/.test(mod.file)) return 'manifest module.file must be a plain .wasm file name';
    if (typeof mod.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(mod.sha256)) return 'manifest module.sha256 must be 64 hex digits';
  }
  return {
    manifestVersion: 1,
    name: m['name'] as string,
    version: m['version'] as string,
    description: typeof m['description'] === 'string' ? m['description'] : '',
    type: m['type'],
    className: m['className'] as string,
    aliases: m['aliases'] as string[],
    config: m['config'] as ConfigKey[],
    capabilities: m['capabilities'] as BundleManifest['capabilities'],
    ...(m['wasm'] === true ? { wasm: true } : {}),
    ...(metrics.length === 0 ? {} : { metrics }),
    code: { file: code.file, sha256: code.sha256 },
    ...(mod === undefined ? {} : { module: { file: mod.file as string, sha256: mod.sha256 as string } }),
  };
}
