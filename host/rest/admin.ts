/** GET /, /health and /admin/loggers (levels of the worker's logger; Conveyor has one logger tree, "root"). */
import { Router } from 'express';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { isLogLevel } from '../core/logger.ts';
import type { Logger, LogLevel } from '../core/logger.ts';

export interface AdminApi {
  clusterId(): Promise<string | null>;
  readonly workerState: string;
}

const TO_KAFKA: Record<LogLevel, string> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

function parseLevel(v: unknown): LogLevel {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  const mapped = s === 'warning' ? 'warn' : s === 'fatal' ? 'error' : s;
  if (!isLogLevel(mapped)) throw new ConveyorError(ErrorCode.badRequest, `Invalid log level '${String(v)}'`);
  return mapped;
}

export function adminRouter(api: AdminApi, log: Logger, version: string): Router {
  const r = Router();
  const modified = new Map<string, number>();
  r.get('/', async (_req, res) => {
    res.json({ version, commit: 'conveyor', kafka_cluster_id: await api.clusterId() });
  });
  r.get('/health', (_req, res) => {
    if (api.workerState === 'RUNNING') res.json({ status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' });
    else if (api.workerState === 'STARTING') res.status(503).json({ status: 'starting', message: 'Worker is still starting up.' });
    else res.status(500).json({ status: 'unhealthy', message: `Worker is ${api.workerState}` });
  });
  r.get('/admin/loggers', (_req, res) => {
    res.json({ root: { level: TO_KAFKA[log.level()], last_modified: modified.get('root') ?? null } });
  });
  r.get('/admin/loggers/:name', (req, res) => {
    if (req.params['name'] !== 'root') throw new ConveyorError(ErrorCode.notFound, `Logger ${req.params['name']} not found`);
    res.json({ level: TO_KAFKA[log.level()], last_modified: modified.get('root') ?? null });
  });
  r.put('/admin/loggers/:name', (req, res) => {
    const level = parseLevel((req.body as { level?: unknown } | undefined)?.level);
    log.setLevel(level);
    modified.set('root', Date.now());
    res.json(['root']);
  });
  return r;
}
