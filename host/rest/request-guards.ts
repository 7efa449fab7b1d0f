/**
 * What every request passes before a router sees it: bodies must be JSON (Kafka Connect answers 415 otherwise, and
 * a browser's "simple" cross-origin POST — text/plain, form-encoded, multipart — can never carry a connector config),
 * and CORS only as Kafka Connect configures it (access.control.allow.origin / access.control.allow.methods, the
 * semantics of the Jetty CrossOriginFilter it installs): no CORS headers at all unless an origin is allowed.
 */
import type { RequestHandler } from 'express';
import { containerError } from './errors.ts';

/** Largest request body accepted (413 above it). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** True when the request carries a body (a length above zero, or a chunked one). */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  if (typeof length === 'string') return Number(length) > 0;
  return headers['transfer-encoding'] !== undefined;
}

export function requireJsonBodies(except: (method: string, path: string) => boolean = () => false): RequestHandler {
  return (req, res, next) => {
    if (!hasBody(req.headers) || except(req.method, req.path)) {
      next();
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (!JSON_TYPE.test(type)) {
      containerError(res, 415, 'HTTP 415 Unsupported Media Type');
      return;
    }
    next();
  };
}

export interface CorsSettings {
  /** access.control.allow.origin: comma-separated origins, `*` for any; empty turns CORS off. */
  allowOrigins: readonly string[];
  /** access.control.allow.methods (Jetty's default GET,POST,HEAD when unset). */
  allowMethods: readonly string[];
}

const DEFAULT_METHODS = ['GET', 'POST', 'HEAD'];
const ALLOWED_HEADERS = 'X-Requested-With,Content-Type,Accept,Origin,Authorization';

export function corsSettings(props: Readonly<Record<string, string>>): CorsSettings | null {
  const origins = splitList(props['access.control.allow.origin']);
  if (origins.length === 0) return null;
  const methods = splitList(props['access.control.allow.methods']).map((m) => m.toUpperCase());
  return { allowOrigins: origins, allowMethods: methods.length > 0 ? methods : DEFAULT_METHODS };
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** An origin pattern may use `*` as a wildcard within it (Jetty: http://*.example.com). */
function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`, 'i'));
  return (origin) => res.some((re) => re.test(origin));
}

export function cors(settings: CorsSettings): RequestHandler {
  const allowed = originMatcher(settings.allowOrigins);
  const methods = settings.allowMethods.join(',');
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin === undefined || !allowed(origin)) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    const requested = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && typeof requested === 'string') {
      if (settings.allowMethods.includes(requested.toUpperCase())) {
        res.setHeader('Access-Control-Allow-Methods', methods);
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        res.setHeader('Access-Control-Max-Age', '1800');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}
