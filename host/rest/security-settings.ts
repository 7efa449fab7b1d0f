/** The REST listener's security from the worker's properties: HTTPS (tls.ts), CORS (request-guards.ts), tenants (access.ts), audit (audit.ts). */
import type { Logger } from '../core/logger.ts';
import { AUDIT_FILE_KEY } from './audit.ts';
import { loadTenants, TENANTS_FILE_KEY } from '../tenants/directory.ts';
import { NO_TENANTS, TenantsHolder } from '../tenants/holder.ts';
import type { TenantsSource } from '../tenants/holder.ts';
import { corsSettings } from './request-guards.ts';
import type { CorsSettings } from './request-guards.ts';
import { restTls } from './tls.ts';
import type { RestTls } from './tls.ts';

export interface RestSecurity {
  tls: RestTls | null;
  cors: CorsSettings | null;
  tenants: TenantsSource;
  auditFile: string | null;
}

/**
 * Reads the settings (a bad key or an unreadable file throws a config error naming it) and says which mode runs.
 * A distributed worker passes its tenants (kept from etcd, host/tenants/store.ts); a standalone one reads the file.
 */
export function restSecurity(props: Readonly<Record<string, string>>, log: Logger, cluster?: TenantsSource): RestSecurity {
  const common = { tls: restTls(props), cors: corsSettings(props), auditFile: props[AUDIT_FILE_KEY]?.trim() || null };
  if (cluster !== undefined) return { ...common, tenants: cluster };
  const directory = loadTenants(props);
  if (directory === null) log.info(`no ${TENANTS_FILE_KEY}: single-tenant, the REST API is open to anyone who can reach it`);
  else log.info('multi-tenant: every REST request must authenticate', { tenantsFile: props[TENANTS_FILE_KEY], tenants: [...directory.tenants.keys()] });
  return { ...common, tenants: directory === null ? NO_TENANTS : new TenantsHolder(directory) };
}
