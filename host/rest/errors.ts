/** The one mapping from error codes to HTTP status, and Kafka Connect's error body {error_code, message}. */
import type { ErrorRequestHandler, Response } from 'express';
import { ErrorCode, isConveyorError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  [ErrorCode.badRequest]: 400,
  [ErrorCode.configInvalid]: 400,
  [ErrorCode.notFound]: 404,
  [ErrorCode.conflict]: 409,
  [ErrorCode.pluginInvalid]: 400,
  [ErrorCode.capabilityDenied]: 403,
  [ErrorCode.capabilityInvalid]: 400,
  [ErrorCode.limitExceeded]: 429,
  [ErrorCode.timeout]: 504,
  [ErrorCode.sandboxCrashed]: 500,
  [ErrorCode.taskFailed]: 500,
  [ErrorCode.unavailable]: 503,
  [ErrorCode.internal]: 500,
  [ErrorCode.unauthenticated]: 401,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.unsupportedMediaType]: 415,
});

export function statusFor(err: unknown): number {
  if (isConveyorError(err)) return HTTP_STATUS[err.code];
  const s = (err as { status?: unknown; type?: unknown })?.status;
  if (typeof s === 'number' && s >= 400 && s < 500) return s;
  return 500;
}

/**
 * Kafka Connect's web container (Jersey) answers the errors it raises itself — no route, a wrong method, a body that
 * is not JSON — with the JSON body and no Content-Type header; so do we, where those errors arise (server.ts,
 * method-not-allowed.ts, request-guards.ts). A resource's own errors go through errorHandler and keep theirs.
 */
export function containerError(res: Response, status: number, message: string): void {
  res.status(status).end(JSON.stringify({ error_code: status, message }));
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status = statusFor(err);
    const message = status === 500 && !isConveyorError(err) ? `Internal server error: ${(err as Error)?.message ?? String(err)}` : describe(err);
    if (status >= 500) log.error('request failed', { method: req.method, path: req.path, status, error: err });
    res.status(status).json({ error_code: status, message });
  };
}

/** body-parser's errors carry a type; say what was wrong in Kafka Connect's words where it has them. */
function describe(err: unknown): string {
  const e = err as { type?: unknown; length?: unknown; limit?: unknown; message?: unknown } | null;
  if (e?.type === 'entity.too.large') return `Request body of ${String(e.length)} bytes exceeds the limit of ${String(e.limit)} bytes`;
  return String(e?.message ?? err);
}
