/** The REST listener's security from the worker's properties: HTTPS (tls.ts), CORS (request-guards.ts), tenants (identity.ts), audit (audit.ts). */
import type { Logger } from '../core/logger.ts';
import { AUDIT_FILE_KEY } from './audit.ts';
import { loadTenants, TENANTS_FILE_KEY } from '../tenants/directory.ts';
import type { TenantDirectory } from '../tenants/directory.ts';
import { corsSettings } from './request-guards.ts';
import type { CorsSettings } from './request-guards.ts';
import { restTls } from './tls.ts';
import type { RestTls } from './tls.ts';

export interface RestSecurity {
  tls: RestTls | null;
  cors: CorsSettings | null;
  tenants: TenantDirectory | null;
  auditFile: string | null;
}

/** Reads the settings (a bad key or an unreadable file throws a config error naming it) and says which mode runs. */
export function restSecurity(props: Readonly<Record<string, string>>, log: Logger): RestSecurity {
  const tenants = loadTenants(props);
  if (tenants === null) log.info(`no ${TENANTS_FILE_KEY}: single-tenant, the REST API is open to anyone who can reach it`);
  else log.info('multi-tenant: every REST request must authenticate', { tenantsFile: props[TENANTS_FILE_KEY], tenants: [...tenants.tenants.keys()] });
  return { tls: restTls(props), cors: corsSettings(props), tenants, auditFile: props[AUDIT_FILE_KEY]?.trim() || null };
}
