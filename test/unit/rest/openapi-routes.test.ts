/** host/rest/openapi.json and the routers agree: every route is described, every description has its route. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Router } from 'express';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { adminRouter } from '../../../host/rest/admin.ts';
import { AuditTrail } from '../../../host/rest/audit.ts';
import { connectorLifecycleRouter } from '../../../host/rest/connector-lifecycle.ts';
import { connectorPluginsRouter } from '../../../host/rest/connector-plugins.ts';
import { connectorsRouter } from '../../../host/rest/connectors.ts';
import { diagnosticsRouter } from '../../../host/rest/diagnostics.ts';
import { metricsRouter } from '../../../host/rest/metrics.ts';
import { openapiRouter } from '../../../host/rest/openapi.ts';
import { tenantsAdminRouter } from '../../../host/rest/tenants-admin.ts';
import { openapiDoc } from '../../helpers/openapi.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

function routes(router: Router): string[] {
  return (router.stack as Layer[]).flatMap((l) => (l.route === undefined ? [] : Object.keys(l.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${l.route?.path.replace(/:([a-z]+)/gi, '{$1}')}`)));
}

void test('openapi.json describes exactly the routes the REST server mounts', () => {
  const log = createJsonLogger({ level: 'error', write: () => undefined });
  const api = {} as never;
  const mounted = [
    adminRouter(api, log, '0'),
    new AuditTrail(null, log).router(),
    tenantsAdminRouter(api),
    connectorPluginsRouter(api),
    connectorsRouter(api),
    connectorLifecycleRouter(api),
    diagnosticsRouter(api),
    metricsRouter(api),
    openapiRouter(),
  ].flatMap(routes);
  // Path parameter names differ between the routers and the description; compare the shapes.
  const shape = (r: string): string => r.replace(/\{[^}]+\}/g, '{}');
  const doc = openapiDoc();
  const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  assert.deepEqual([...new Set(mounted.map(shape))].sort(), [...new Set(described.map(shape))].sort());
  assert.equal(doc.openapi, '3.1.0');
});
