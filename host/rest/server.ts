/** The REST server: one router per resource, JSON bodies, one error mapping. Kafka Connect's default port is 8083. */
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import express from 'express';
import type { Logger } from '../core/logger.ts';
import { adminRouter } from './admin.ts';
import type { AdminApi } from './admin.ts';
import { connectorLifecycleRouter } from './connector-lifecycle.ts';
import type { LifecycleApi } from './connector-lifecycle.ts';
import { connectorPluginsRouter, isBundleUpload } from './connector-plugins.ts';
import type { PluginsApi } from './connector-plugins.ts';
import { connectorsRouter } from './connectors.ts';
import { consoleRouter } from '../console/router.ts';
import type { ConnectorsApi } from './connectors.ts';
import { diagnosticsRouter } from './diagnostics.ts';
import type { DiagnosticsApi } from './diagnostics.ts';
import { containerError, errorHandler } from './errors.ts';
import { leaderForwarding } from './forwarding.ts';
import { methodNotAllowed } from './method-not-allowed.ts';
import { metricsRouter } from './metrics.ts';
import { openapiRouter } from './openapi.ts';
import type { MetricsApi } from './metrics.ts';
import type { LeaderRouting } from './forwarding.ts';
import { authorize, identify } from './access.ts';
import { AuditTrail } from './audit.ts';
import { maskingSecrets } from './secret-masking.ts';
import { tenancy } from './tenancy.ts';
import { NO_TENANTS } from '../tenants/holder.ts';
import type { TenantsSource } from '../tenants/holder.ts';
import { tenantsAdminRouter } from './tenants-admin.ts';
import type { TenantsAdminApi } from './tenants-admin.ts';
import { cors, MAX_REQUEST_BYTES, requireJsonBodies } from './request-guards.ts';
import type { RestTls } from './tls.ts';
import type { CorsSettings } from './request-guards.ts';

export type RestApi = PluginsApi & ConnectorsApi & DiagnosticsApi & LifecycleApi & AdminApi & TenantsAdminApi & MetricsApi;

export interface RestServer {
  readonly port: number;
  close(): Promise<void>;
}

export const CONVEYOR_VERSION = '0.1.0';

export interface RestServerOptions {
  host: string;
  port: number;
  log: Logger;
  /** CORS as access.control.allow.origin/methods configure it (corsSettings); none when absent. */
  cors?: CorsSettings | null;
  /** Distributed mode: writes go to the leader (host/rest/forwarding.ts). */
  routing?: LeaderRouting;
  /** An https listener (host/rest/tls.ts); http when absent. */
  tls?: RestTls | null;
  /** Identities and tenants (conveyor.tenants.file, or etcd in distributed mode); single-tenant and open when absent. */
  tenants?: TenantsSource;
  /** conveyor.audit.log.file: where each write's audit line is appended (also kept in memory for GET /admin/audit). */
  auditFile?: string | null;
}

export async function startRestServer(api: RestApi, options: RestServerOptions): Promise<RestServer> {
  const app = express();
  app.disable('x-powered-by');
  if (options.cors) app.use(cors(options.cors));
  const audit = new AuditTrail(options.auditFile ?? null, options.log);
  app.use(audit.middleware());
  // The console's assets are public (they hold no data); what the page reads and changes goes through the API below.
  app.use(consoleRouter(options.log.child({ component: 'console' })));
  app.use(requireJsonBodies(isBundleUpload));
  app.use(express.json({
    limit: MAX_REQUEST_BYTES,
    type: (req) => !isBundleUpload(req.method ?? '', (req.url ?? '').split('?')[0] ?? ''),
    verify: (req, _res, buf) => {
      (req as typeof req & { rawBody?: Buffer }).rawBody = buf;
    },
  }));
  const routing = options.routing;
  const tenants = options.tenants ?? NO_TENANTS;
  app.use(identify({ tenants, sessionKey: () => routing?.sessionKey() ?? null }));
  app.use(authorize());
  app.use(audit.router());
  app.use(tenantsAdminRouter(api));
  app.use(tenancy(api, tenants));
  const rest = maskingSecrets(api, tenants);
  if (routing !== undefined) app.use(leaderForwarding(routing, options.log, 60_000, options.tls ?? null));
  app.use(adminRouter(rest, options.log, CONVEYOR_VERSION));
  app.use(connectorPluginsRouter(rest));
  app.use(connectorsRouter(rest));
  app.use(connectorLifecycleRouter(rest));
  app.use(diagnosticsRouter(rest));
  app.use(metricsRouter(rest));
  app.use(openapiRouter());
  app.use(methodNotAllowed());
  app.use((_req, res) => containerError(res, 404, 'HTTP 404 Not Found'));
  app.use(errorHandler(options.log));
  const server: Server = await new Promise((resolve, reject) => {
    if (options.tls) {
      const s = createHttpsServer(options.tls.options, app);
      s.once('error', reject);
      s.listen(options.port, options.host, () => resolve(s));
      return;
    }
    const s = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  options.log.info('REST server listening', { host: options.host, port, scheme: options.tls ? 'https' : 'http', ...(options.tls ? { clientAuth: options.tls.clientAuth } : {}) });
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
