/**
 * What the built-in connectors are granted from their own config on top of the worker's policies: the file
 * connectors their file's directory, the Elasticsearch sink its connection.url hosts, the MySQL CDC source its
 * database server, the HTTP sink its http.api.url origin, the JDBC sink its connection.url server. Tenants' connectors never get these (see Worker).
 */
import type { PolicyBook } from '../capabilities/policy.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';
import { withEsGrant } from './builtin-es-policy.ts';
import { withFileGrant } from './builtin-file-policy.ts';
import { withHttpGrant } from './builtin-http-policy.ts';
import { withJdbcGrant } from './builtin-jdbc-policy.ts';
import { withMysqlGrant } from './builtin-mysql-policy.ts';

const GRANTS = [withFileGrant, withEsGrant, withMysqlGrant, withHttpGrant, withJdbcGrant] as const;

export function withBuiltinGrants(book: PolicyBook, connector: string, plugin: PluginVersion, config: Readonly<Record<string, string>>): PolicyBook {
  return GRANTS.reduce((b, grant) => grant(b, connector, plugin, config), book);
}
