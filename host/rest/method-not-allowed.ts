/**
 * Kafka Connect answers a request for one of its resources with a method the resource does not take with 405 and
 * `{"error_code": 405, "message": "HTTP 405 Method Not Allowed"}`. Mounted after every resource router, so it sees
 * only the requests none of them handled.
 */
import { Router } from 'express';
import { containerError } from './errors.ts';

/** Kafka Connect's resource paths (connect/runtime/.../rest/resources). */
export const KAFKA_CONNECT_PATHS: readonly string[] = [
  '/',
  '/health',
  '/connectors',
  '/connectors/:name',
  '/connectors/:name/config',
  '/connectors/:name/status',
  '/connectors/:name/restart',
  '/connectors/:name/pause',
  '/connectors/:name/resume',
  '/connectors/:name/stop',
  '/connectors/:name/tasks',
  '/connectors/:name/tasks/:task/status',
  '/connectors/:name/tasks/:task/restart',
  '/connectors/:name/topics',
  '/connectors/:name/topics/reset',
  '/connectors/:name/offsets',
  '/connector-plugins',
  '/connector-plugins/:plugin/config',
  '/connector-plugins/:plugin/config/validate',
  '/admin/loggers',
  '/admin/loggers/:name',
];

export function methodNotAllowed(paths: readonly string[] = KAFKA_CONNECT_PATHS): Router {
  const r = Router();
  for (const path of paths) {
    r.all(path, (req, res, next) => {
      if (req.method === 'OPTIONS') {
        next();
        return;
      }
      containerError(res, 405, 'HTTP 405 Method Not Allowed');
    });
  }
  return r;
}
