/**
 * The built-in file connectors (plugins/file-source, plugins/file-sink) read or write the one file their `file`
 * key names, so the worker grants that file's directory to those connectors on top of the configured policy.
 * Third-party bundles never get this: their directories come from the worker's policies only.
 */
import { dirname, resolve, sep } from 'node:path';
import type { CapabilityPolicy, PolicyBook } from '../capabilities/policy.ts';
import { BUILTIN_PLUGINS_ROOT } from '../plugins/builtin.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';

const FILE_PLUGINS = new Set(['file-source', 'file-sink']);

export function isBuiltinFilePlugin(plugin: PluginVersion): boolean {
  return FILE_PLUGINS.has(plugin.manifest.name) && resolve(plugin.dir).startsWith(BUILTIN_PLUGINS_ROOT + sep);
}

/** The policy book with `connector` granted its file's directory when it is a built-in file connector. */
export function withFileGrant(book: PolicyBook, connector: string, plugin: PluginVersion, config: Readonly<Record<string, string>>): PolicyBook {
  const file = config['file'];
  if (!isBuiltinFilePlugin(plugin) || file === undefined || !file.startsWith('/')) return book;
  const base: Partial<CapabilityPolicy> = book[connector] ?? book['*'] ?? {};
  return { ...book, [connector]: { ...base, fileDirs: [...(base.fileDirs ?? []), dirname(resolve(file))] } };
}
