/** GET /metrics: the worker's figures in Prometheus' text format (host/metrics); each worker answers for itself. */
import { Router } from 'express';

export interface MetricsApi {
  renderMetrics(): Promise<{ contentType: string; body: string }>;
}

export function metricsRouter(api: MetricsApi): Router {
  const r = Router();
  r.get('/metrics', async (_req, res) => {
    const { contentType, body } = await api.renderMetrics();
    res.type(contentType).send(body);
  });
  return r;
}
