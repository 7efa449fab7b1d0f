/** GET /, /health and /admin/loggers: the worker's named loggers (host/core/logger.ts LoggerLevels), Kafka Connect's semantics. */
import { Router } from 'express';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { isLogLevel } from '../core/logger.ts';
import type { Logger, LogLevel } from '../core/logger.ts';

export interface AdminApi {
  clusterId(): Promise<string | null>;
  readonly workerState: string;
  /** Distributed mode: apply a logger level on every other worker of the cluster (`?scope=cluster`). */
  broadcastLoggerLevel?(name: string, level: string): Promise<void>;
}

const TO_KAFKA: Record<LogLevel, string> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/** Kafka Connect's scope parameter: worker (the default) or cluster; anything else is treated as worker, with a warning in KC. */
function parseScope(v: unknown): 'worker' | 'cluster' {
  return typeof v === 'string' && v.toLowerCase() === 'cluster' ? 'cluster' : 'worker';
}

/** Kafka Connect's answers: no level is 400, a level log4j does not know is 404 ("invalid log level 'X'."). */
function parseLevel(v: unknown): LogLevel {
  if (v === undefined || v === null) throw new ConveyorError(ErrorCode.badRequest, "Desired 'level' parameter was not specified in request.");
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  const mapped = s === 'warning' ? 'warn' : s === 'fatal' ? 'error' : s;
  if (!isLogLevel(mapped)) throw new ConveyorError(ErrorCode.notFound, `invalid log level '${typeof v === 'string' ? v : JSON.stringify(v)}'.`);
  return mapped;
}

export function adminRouter(api: AdminApi, log: Logger, version: string): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    res.json({ version, commit: 'conveyor', kafka_cluster_id: await api.clusterId() });
  });
  r.get('/health', (_req, res) => {
    if (api.workerState === 'RUNNING') res.json({ status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' });
    else if (api.workerState === 'STARTING') res.status(503).json({ status: 'starting', message: 'Worker is still starting up.' });
    else res.status(500).json({ status: 'unhealthy', message: `Worker is ${api.workerState}` });
  });
  r.get('/admin/loggers', (_req, res) => {
    const out: Record<string, { level: string; last_modified: number | null }> = {};
    for (const [name, l] of log.levels.explicit()) out[name] = { level: TO_KAFKA[l.level], last_modified: l.lastModified };
    res.json(out);
  });
  r.get('/admin/loggers/:name', (req, res) => {
    const name = req.params['name'];
    const l = log.levels.effective(name);
    if (l === null) throw new ConveyorError(ErrorCode.notFound, `Logger ${name} not found.`);
    res.json({ level: TO_KAFKA[l.level], last_modified: l.lastModified });
  });
  r.put('/admin/loggers/:name', async (req, res) => {
    const name = req.params['name'];
    const level = parseLevel((req.body as { level?: unknown } | undefined)?.level);
    const scope = parseScope(req.query['scope']);
    if (scope === 'cluster') {
      log.levels.set(name, level);
      await api.broadcastLoggerLevel?.(name, TO_KAFKA[level]);
      res.status(204).end();
      return;
    }
    res.json(log.levels.set(name, level));
  });
  return r;
}
