/**
 * REST in a cluster, as Kafka Connect does it: any worker answers reads; writes to /connectors go to the leader.
 * A follower forwards the request, signed with the cluster's session key and carrying the caller's identity
 * (request-signing.ts; `identify` has verified both on the receiving side, so a forwarded request is never forwarded
 * again), and relays the leader's answer; 409 while there is no leader, while the leader is rebalancing, or when a
 * forwarded request reaches a worker that is not (or no longer) the leader.
 */
import type { RequestHandler } from 'express';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { identityOf, rawBody } from './access.ts';
import { forwardRequest } from './forward-client.ts';
import type { ForwardAnswer } from './forward-client.ts';
import { signForward } from './request-signing.ts';
import type { RestTls } from './tls.ts';

export interface LeaderRouting {
  readonly workerId: string;
  /** The key forwarded requests are signed with; null until the worker has it (then writes get 409). */
  sessionKey(): Buffer | null;
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

export function leaderForwarding(routing: LeaderRouting, log: Logger, timeoutMs = 60_000, tls: RestTls | null = null): RequestHandler {
  return (req, res, next) => {
    if (!isClusterWrite(req.method, req.path)) {
      next();
      return;
    }
    const forwardedBy = res.locals['forwardedBy'] as string | undefined;
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
      const key = routing.sessionKey();
      if (key === null) throw conflict('Cannot complete request: this worker has not read the cluster\'s request-signing key yet; retry');
      const target = new URL(req.originalUrl, url.endsWith('/') ? url : `${url}/`);
      const body = rawBody(req);
      const signed = signForward(key, { method: req.method, url: req.originalUrl, body }, routing.workerId, identityOf(res));
      let answer: ForwardAnswer;
      try {
        answer = await forwardRequest(target, {
          method: req.method,
          headers: { 'content-type': 'application/json', ...signed },
          ...(body.length === 0 ? {} : { body }),
          timeoutMs,
          tls,
        });
      } catch (cause) {
        log.warn('forwarding to the leader failed', { leader: url, method: req.method, path: req.path, error: cause });
        throw conflict(`Cannot complete request: the leader at ${url} did not answer (${(cause as Error).message}); retry`);
      }
      const reply = answer.body;
      const type = answer.headers['content-type'];
      if (typeof type === 'string') res.type(type);
      const challenge = answer.headers['www-authenticate'];
      if (challenge !== undefined) res.setHeader('WWW-Authenticate', challenge);
      res.status(answer.status);
      if (reply.length > 0) res.send(reply);
      else res.end();
    })().catch(next);
  };
}
