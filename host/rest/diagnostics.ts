/**
 * Conveyor-specific read-only diagnostics, each worker answering for the tasks it runs: capability call counters and
 * plugin-reported metrics per connector and task, a tenant's usage and throttling.
 */
import { Router } from 'express';
import type { CallCounters } from '../capabilities/metrics.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { PluginTaskView } from '../metrics/plugin-metrics.ts';
import type { TenantUsage } from '../tenants/throttle.ts';
import { identityOf } from './access.ts';

export interface DiagnosticsApi {
  capabilityCalls(connector: string): { connector: string; task: number; call: string; counters: CallCounters }[];
  /** What the connector's tasks on this worker reported through ctx.metrics (e.g. a CDC snapshot's progress). */
  pluginMetrics(connector: string): PluginTaskView[];
  /** What a tenant's tasks moved on this worker, and how long its quotas throttled them. */
  tenantUsage(tenant: string): TenantUsage;
}

export function diagnosticsRouter(api: DiagnosticsApi): Router {
  const r = Router();
  r.get('/conveyor/connectors/:name/capability-calls', (req, res) => {
    res.json(api.capabilityCalls(String(req.params['name'])));
  });
  r.get('/conveyor/connectors/:name/plugin-metrics', (req, res) => {
    res.json(api.pluginMetrics(String(req.params['name'])));
  });
  r.get('/conveyor/tenants/:tenant/usage', (req, res) => {
    const tenant = req.params['tenant'];
    const who = identityOf(res);
    // Another tenant's usage is 404, as its connectors are: names do not leak.
    if (who.role !== 'admin' && who.tenant !== tenant) throw new ConveyorError(ErrorCode.notFound, `Tenant ${tenant} not found`);
    res.json(api.tenantUsage(tenant));
  });
  return r;
}
