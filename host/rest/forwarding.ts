/**
 * REST in a cluster, as Kafka Connect does it: any worker answers reads; writes to /connectors go to the leader.
 * A follower forwards the request (marking it, so a forwarded request is never forwarded again) and relays the
 * leader's answer; 409 while there is no leader, while the leader is rebalancing, or when a forwarded request
 * reaches a worker that is not (or no longer) the leader.
 */
import type { RequestHandler } from 'express';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export const FORWARDED_HEADER = 'x-conveyor-forwarded-by';

export interface LeaderRouting {
  readonly workerId: string;
  isLeader(): boolean;
  rebalancing(): boolean;
  /** The leader's advertised REST URL; undefined while there is no leader. */
  leaderUrl(): Promise<string | undefined>;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function conflict(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.conflict, message, { retriable: true });
}

export function isClusterWrite(method: string, path: string): boolean {
  return WRITE_METHODS.has(method) && /^\/connectors(\/|$)/.test(path);
}

export function leaderForwarding(routing: LeaderRouting, log: Logger, timeoutMs = 60_000): RequestHandler {
  return (req, res, next) => {
    if (!isClusterWrite(req.method, req.path)) {
      next();
      return;
    }
    const forwardedBy = req.get(FORWARDED_HEADER);
    if (routing.isLeader()) {
      if (routing.rebalancing()) next(conflict('Cannot complete request momentarily due to a rebalance in progress; retry'));
      else next();
      return;
    }
    if (forwardedBy !== undefined) {
      next(conflict(`Cannot complete request because of a conflicting operation: forwarded by ${forwardedBy} to ${routing.workerId}, which is not the leader; retry`));
      return;
    }
    void (async () => {
      const url = await routing.leaderUrl();
      if (url === undefined) throw conflict('Cannot complete request because the cluster has no leader at the moment; retry');
      const target = new URL(req.originalUrl, url.endsWith('/') ? url : `${url}/`);
      let answer: Response;
      try {
        answer = await fetch(target, {
          method: req.method,
          headers: { 'content-type': 'application/json', [FORWARDED_HEADER]: routing.workerId },
          ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        log.warn('forwarding to the leader failed', { leader: url, method: req.method, path: req.path, error: cause });
        throw conflict(`Cannot complete request: the leader at ${url} did not answer (${(cause as Error).message}); retry`);
      }
      const body = Buffer.from(await answer.arrayBuffer());
      const type = answer.headers.get('content-type');
      if (type !== null) res.type(type);
      res.status(answer.status);
      if (body.length > 0) res.send(body);
      else res.end();
    })().catch(next);
  };
}
