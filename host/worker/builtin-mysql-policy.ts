/**
 * The built-in MySQL/MariaDB CDC source (plugins/mysql-cdc) reaches the one server its database.hostname and
 * database.port name, so the worker grants that host:port to that connector on top of the configured policy — as
 * withEsGrant does for the built-in Elasticsearch sink. Third-party bundles get only what the worker's policies say.
 */
import { resolve, sep } from 'node:path';
import type { CapabilityPolicy, PolicyBook } from '../capabilities/policy.ts';
import { BUILTIN_PLUGINS_ROOT } from '../plugins/builtin.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';

function isBuiltinMysqlCdc(plugin: PluginVersion): boolean {
  return plugin.manifest.name === 'mysql-cdc' && resolve(plugin.dir).startsWith(BUILTIN_PLUGINS_ROOT + sep);
}

/** The policy book with `connector` granted database.hostname:database.port when it is the built-in CDC source. */
export function withMysqlGrant(book: PolicyBook, connector: string, plugin: PluginVersion, config: Readonly<Record<string, string>>): PolicyBook {
  const host = config['database.hostname']?.trim();
  if (!isBuiltinMysqlCdc(plugin) || host === undefined || host === '') return book;
  const port = config['database.port']?.trim() || '3306';
  const base: Partial<CapabilityPolicy> = book[connector] ?? book['*'] ?? {};
  return { ...book, [connector]: { ...base, mysqlHosts: [...(base.mysqlHosts ?? []), `${host}:${port}`] } };
}
