/**
 * What the built-in connectors are granted from their own config on top of the worker's policies: the file
 * connectors their file's directory, the Elasticsearch sink its connection.url hosts (and every index unless the
 * policy limits the prefixes), the MySQL CDC source its database server, the HTTP sink its http.api.url origin, the
 * JDBC sink its connection.url server. Only bundles under plugins/ of this repository get these; third-party bundles,
 * whatever their name, and tenants' connectors (see Worker) get only what the policies say.
 */
import { dirname, resolve, sep } from 'node:path';
import type { CapabilityPolicy, PolicyBook } from '../capabilities/policy.ts';
import { BUILTIN_PLUGINS_ROOT } from '../plugins/builtin.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';

type Config = Readonly<Record<string, string>>;
type Grant = (book: PolicyBook, connector: string, plugin: PluginVersion, config: Config) => PolicyBook;

/**
 * A grant for the built-in plugins named: `extra` derives, from the connector's config and its current policy, the
 * fields to set on top of that policy (undefined: nothing to grant).
 */
function builtinGrant(names: readonly string[], extra: (config: Config, base: Partial<CapabilityPolicy>) => Partial<CapabilityPolicy> | undefined): Grant {
  return (book, connector, plugin, config) => {
    if (!names.includes(plugin.manifest.name) || !resolve(plugin.dir).startsWith(BUILTIN_PLUGINS_ROOT + sep)) return book;
    const base: Partial<CapabilityPolicy> = book[connector] ?? book['*'] ?? {};
    const fields = extra(config, base);
    return fields === undefined ? book : { ...book, [connector]: { ...base, ...fields } };
  };
}

/** host:port of each http(s) URL in a comma-separated list; malformed ones are left to validation. */
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

/** The origin of a URL whose scheme and authority are not templated (${topic}, ${key}); undefined otherwise. */
function fixedOrigin(url: string): string | undefined {
  const authority = /^(https?:\/\/[^/?#]*)/.exec(url.trim())?.[1];
  if (authority === undefined || authority.includes('${')) return undefined;
  try {
    return new URL(authority).origin;
  } catch {
    return undefined;
  }
}

/** The file connectors read or write the one file their `file` key names: its directory. */
export const withFileGrant = builtinGrant(['file-source', 'file-sink'], (config, base) => {
  const file = config['file'];
  if (file === undefined || !file.startsWith('/')) return undefined;
  return { fileDirs: [...(base.fileDirs ?? []), dirname(resolve(file))] };
});

/** The Elasticsearch sink reaches the cluster its connection.url names, and every index unless the policy limits them. */
export const withEsGrant = builtinGrant(['elasticsearch-sink'], (config, base) => {
  const urls = config['connection.url'];
  if (urls === undefined) return undefined;
  const prefixes = base.elasticsearchIndexPrefixes !== undefined && base.elasticsearchIndexPrefixes.length > 0 ? base.elasticsearchIndexPrefixes : [''];
  return { elasticsearchHosts: [...(base.elasticsearchHosts ?? []), ...hostPorts(urls)], elasticsearchIndexPrefixes: prefixes };
});

/** The MySQL/MariaDB CDC source reaches the one server its database.hostname and database.port name. */
export const withMysqlGrant = builtinGrant(['mysql-cdc'], (config, base) => {
  const host = config['database.hostname']?.trim();
  if (host === undefined || host === '') return undefined;
  const port = config['database.port']?.trim() || '3306';
  return { mysqlHosts: [...(base.mysqlHosts ?? []), `${host}:${port}`] };
});

/** The HTTP sink sends to its http.api.url's origin; a templated host gets nothing (its origins must be in the policy). */
export const withHttpGrant = builtinGrant(['http-sink'], (config, base) => {
  const url = config['http.api.url'];
  const origin = url === undefined ? undefined : fixedOrigin(url);
  return origin === undefined ? undefined : { httpOrigins: [...(base.httpOrigins ?? []), origin] };
});

/** The JDBC sink writes to the server of its jdbc:mysql:// or jdbc:mariadb:// connection.url (default port 3306). */
export const withJdbcGrant = builtinGrant(['jdbc-sink'], (config, base) => {
  const m = /^jdbc:(?:mysql|mariadb):\/\/([^/:?#]+|\[[^\]]+\])(?::(\d+))?\//.exec(config['connection.url']?.trim() ?? '');
  if (m === null) return undefined;
  return { mysqlHosts: [...(base.mysqlHosts ?? []), `${(m[1] as string).replace(/^\[|\]$/g, '')}:${m[2] ?? '3306'}`] };
});

const GRANTS = [withFileGrant, withEsGrant, withMysqlGrant, withHttpGrant, withJdbcGrant] as const;

export function withBuiltinGrants(book: PolicyBook, connector: string, plugin: PluginVersion, config: Config): PolicyBook {
  return GRANTS.reduce((b, grant) => grant(b, connector, plugin, config), book);
}
