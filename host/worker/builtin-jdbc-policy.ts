/**
 * The built-in JDBC sink (plugins/jdbc-sink) writes to the one server its connection.url names, so the worker
 * grants that host:port to that connector on top of the configured policy — as withMysqlGrant does for the CDC
 * source. Third-party bundles get only what the worker's policies say.
 */
import { resolve, sep } from 'node:path';
import type { CapabilityPolicy, PolicyBook } from '../capabilities/policy.ts';
import { BUILTIN_PLUGINS_ROOT } from '../plugins/builtin.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';

function isBuiltinJdbcSink(plugin: PluginVersion): boolean {
  return plugin.manifest.name === 'jdbc-sink' && resolve(plugin.dir).startsWith(BUILTIN_PLUGINS_ROOT + sep);
}

/** The policy book with `connector` granted the host:port of its jdbc:mysql:// or jdbc:mariadb:// connection.url. */
export function withJdbcGrant(book: PolicyBook, connector: string, plugin: PluginVersion, config: Readonly<Record<string, string>>): PolicyBook {
  const m = /^jdbc:(?:mysql|mariadb):\/\/([^/:?#]+|\[[^\]]+\])(?::(\d+))?\//.exec(config['connection.url']?.trim() ?? '');
  if (!isBuiltinJdbcSink(plugin) || m === null) return book;
  const base: Partial<CapabilityPolicy> = book[connector] ?? book['*'] ?? {};
  return { ...book, [connector]: { ...base, mysqlHosts: [...(base.mysqlHosts ?? []), `${(m[1] as string).replace(/^\[|\]$/g, '')}:${m[2] ?? '3306'}`] } };
}
