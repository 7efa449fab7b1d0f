/**
 * Authentication and authorization of every REST request. Identity comes, in order, from a signed forwarding by
 * another worker (request-signing.ts), `Authorization: Bearer <token>`, `Authorization: Basic`, or a verified client
 * certificate whose subject the tenants document maps. Without a tenants document everyone is an anonymous admin
 * (single-tenant, as Kafka Connect is without a REST extension). Unauthenticated → 401 with WWW-Authenticate;
 * authenticated but not allowed → 403; both with Kafka Connect's {error_code, message} body.
 */
import type { TLSSocket } from 'node:tls';
import type { Request, RequestHandler, Response } from 'express';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Identity, TenantDirectory } from '../tenants/directory.ts';
import { ANONYMOUS_ADMIN } from '../tenants/directory.ts';
import type { TenantsSource } from '../tenants/holder.ts';
import { claimsForwarding, verifyForward } from './request-signing.ts';

export const CHALLENGE = 'Bearer realm="conveyor", Basic realm="conveyor", charset="UTF-8"';

/** Endpoints anyone may call: liveness probes must not need a token, nor reading the API's description. */
const PUBLIC = new Set(['/health', '/openapi.json']);

export interface AccessOptions {
  /** The tenants document in force, read on every request (a distributed worker's changes at run time). */
  tenants: TenantsSource;
  /** The cluster's request-signing key (distributed mode); null where no worker forwards to this one. */
  sessionKey: () => Buffer | null;
}

/** Who a request is when `identify` did not get as far as naming anyone (a 401, a public endpoint). */
const UNAUTHENTICATED: Identity = Object.freeze({ name: 'unauthenticated', tenant: null, role: 'viewer', via: 'anonymous' });

/** The identity a request was authenticated as (set by `identify`). */
export function identityOf(res: Response): Identity {
  return (res.locals['identity'] as Identity | undefined) ?? UNAUTHENTICATED;
}

/** The raw body, kept by the JSON parser for signature checks. */
export function rawBody(req: Request): Buffer {
  return ((req as Request & { rawBody?: Buffer }).rawBody) ?? Buffer.alloc(0);
}

function unauthenticated(res: Response, message = 'User cannot access the resource.'): ConveyorError {
  res.setHeader('WWW-Authenticate', CHALLENGE);
  return new ConveyorError(ErrorCode.unauthenticated, message);
}

function credentials(req: Request, dir: TenantDirectory): Identity | null | 'invalid' {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const [scheme, value = ''] = auth.trim().split(/\s+/, 2);
    if (scheme?.toLowerCase() === 'bearer') return dir.byToken(value) ?? 'invalid';
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return 'invalid';
      return dir.byPassword(decoded.slice(0, colon), decoded.slice(colon + 1)) ?? 'invalid';
    }
    return 'invalid';
  }
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.encrypted === true && socket.authorized === true && typeof socket.getPeerCertificate === 'function') {
    const cert = socket.getPeerCertificate();
    if (cert !== null && typeof cert === 'object' && cert.subject) return dir.bySubject(cert.subject);
  }
  return null;
}

export function identify(options: AccessOptions): RequestHandler {
  return (req, res, next) => {
    if (claimsForwarding(req.headers)) {
      const key = options.sessionKey();
      if (key === null) {
        next(new ConveyorError(ErrorCode.forbidden, 'Forwarded requests are accepted only between workers of a cluster'));
        return;
      }
      const verdict = verifyForward(key, { method: req.method, url: req.originalUrl, body: rawBody(req) }, req.headers);
      if ('refused' in verdict) {
        next(new ConveyorError(ErrorCode.forbidden, `Request refused: ${verdict.refused}`));
        return;
      }
      res.locals['identity'] = verdict.identity;
      res.locals['forwardedBy'] = verdict.forwardedBy;
      next();
      return;
    }
    const dir = options.tenants.current();
    if (dir === null) {
      res.locals['identity'] = ANONYMOUS_ADMIN;
      next();
      return;
    }
    if (PUBLIC.has(req.path)) {
      next();
      return;
    }
    const who = credentials(req, dir);
    if (who === null) {
      next(unauthenticated(res));
      return;
    }
    if (who === 'invalid') {
      next(unauthenticated(res, 'User cannot access the resource: invalid credentials.'));
      return;
    }
    res.locals['identity'] = who;
    next();
  };
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What only admins may read: the audit trail, the tenants document (its credential hashes included), every tenant's metrics. */
const ADMIN_ONLY = /^\/(?:admin\/(?:audit|tenants)(?:\/|$)|metrics\/?$)/;

/** What a role may do: viewers read (and validate configs), operators also manage connectors, admins everything. */
export function allowed(identity: Identity, method: string, path: string): boolean {
  if (identity.role === 'admin') return true;
  if (ADMIN_ONLY.test(path)) return false;
  if (READS.has(method)) return true;
  if (method === 'PUT' && /^\/connector-plugins\/[^/]+\/config\/validate\/?$/.test(path)) return true;
  return identity.role === 'operator' && (/^\/connectors(\/|$)/.test(path) || /^\/plugins\/[^/]+\/?$/.test(path));
}

export function authorize(): RequestHandler {
  return (req, res, next) => {
    if (PUBLIC.has(req.path)) {
      next();
      return;
    }
    const who = identityOf(res);
    if (!allowed(who, req.method, req.path)) {
      next(new ConveyorError(ErrorCode.forbidden, `${who.name} (role ${who.role}) may not ${req.method} ${req.path}`));
      return;
    }
    next();
  };
}
