/**
 * The built-in Elasticsearch sink (plugins/elasticsearch-sink) reaches the cluster its connection.url names, so
 * the worker grants those host:port pairs to that connector on top of the configured policy, and every index
 * unless the policy already limits the prefixes. Third-party bundles get only what the worker's policies say.
 */
import { resolve, sep } from 'node:path';
import type { CapabilityPolicy, PolicyBook } from '../capabilities/policy.ts';
import { BUILTIN_PLUGINS_ROOT } from '../plugins/builtin.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';

export function isBuiltinEsSink(plugin: PluginVersion): boolean {
  return plugin.manifest.name === 'elasticsearch-sink' && resolve(plugin.dir).startsWith(BUILTIN_PLUGINS_ROOT + sep);
}

function hostPorts(urls: string): string[] {
  const out: string[] = [];
  for (const raw of urls.split(',').map((s) => s.trim()).filter(Boolean)) {
    try {
      const u = new URL(raw);
      out.push(`${u.hostname}:${u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80'}`);
    } catch {
      // validation reports the malformed URL; nothing to grant
    }
  }
  return out;
}

/** The policy book with `connector` granted its connection.url hosts when it is the built-in Elasticsearch sink. */
export function withEsGrant(book: PolicyBook, connector: string, plugin: PluginVersion, config: Readonly<Record<string, string>>): PolicyBook {
  const urls = config['connection.url'];
  if (!isBuiltinEsSink(plugin) || urls === undefined) return book;
  const base: Partial<CapabilityPolicy> = book[connector] ?? book['*'] ?? {};
  const prefixes = base.elasticsearchIndexPrefixes !== undefined && base.elasticsearchIndexPrefixes.length > 0 ? base.elasticsearchIndexPrefixes : [''];
  return { ...book, [connector]: { ...base, elasticsearchHosts: [...(base.elasticsearchHosts ?? []), ...hostPorts(urls)], elasticsearchIndexPrefixes: prefixes } };
}
