/**
 * GET/PUT/DELETE /admin/tenants[/{tenant}]: the tenants document of a distributed cluster, managed by admins (access.ts
 * refuses every other role with 403). Bodies are one tenant's entry, checked exactly as a tenants file's entries are
 * (400 with the reason). Credentials appear only as the SHA-256 hashes the document stores, and only to admins, so an
 * entry read here can be edited and PUT back. A standalone worker reads its tenants from `conveyor.tenants.file`
 * and has none of these endpoints (404 saying so).
 */
import { Router } from 'express';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { ConnectorsApi } from './connectors.ts';
import { connectorsOwnedBy } from './tenancy.ts';

/** What the endpoints need from the cluster's tenants (host/tenants/store.ts TenantStore). */
export interface TenantsAdmin {
  /** Every tenant's entry by name. */
  list(): Promise<Record<string, unknown>>;
  /** One tenant's entry; undefined when there is no such tenant. */
  get(name: string): Promise<unknown>;
  /** Checks and stores an entry; `created` when the tenant is new. */
  put(name: string, entry: unknown): Promise<{ created: boolean }>;
  /** Removes a tenant (404 when there is none). */
  delete(name: string): Promise<void>;
}

export interface TenantsAdminApi {
  /** Present in distributed mode only. */
  readonly tenantsAdmin?: TenantsAdmin | undefined;
}

type Api = TenantsAdminApi & Pick<ConnectorsApi, 'connectorNames' | 'connectorInfo'>;

function tenantNotFound(name: string): ConveyorError {
  return new ConveyorError(ErrorCode.notFound, `Tenant ${name} not found`);
}

export function tenantsAdminRouter(api: Api): Router {
  const admin = (): TenantsAdmin => {
    if (api.tenantsAdmin === undefined) {
      throw new ConveyorError(ErrorCode.notFound, 'Tenants are managed over REST in distributed mode only; a standalone worker reads conveyor.tenants.file');
    }
    return api.tenantsAdmin;
  };
  const r = Router();
  r.get('/admin/tenants', async (_req, res) => {
    res.json({ tenants: await admin().list() });
  });
  r.get('/admin/tenants/:tenant', async (req, res) => {
    const name = req.params['tenant'];
    const entry = await admin().get(name);
    if (entry === undefined) throw tenantNotFound(name);
    res.json(entry);
  });
  r.put('/admin/tenants/:tenant', async (req, res) => {
    const name = req.params['tenant'];
    const entry: unknown = req.body;
    const { created } = await admin().put(name, entry);
    res.status(created ? 201 : 200).json(entry);
  });
  r.delete('/admin/tenants/:tenant', async (req, res) => {
    const name = req.params['tenant'];
    const tenants = admin();
    // A deleted tenant's connectors could not start again (their owner unknown): they are deleted first, by choice.
    const owned = connectorsOwnedBy(api, name);
    if (owned.length > 0) {
      throw new ConveyorError(ErrorCode.conflict, `Tenant ${name} still owns ${owned.length} connector(s) (${owned.join(', ')}); delete them first, or PUT the tenant with no tokens, users or certificates to lock it out`);
    }
    await tenants.delete(name);
    res.status(204).end();
  });
  return r;
}
