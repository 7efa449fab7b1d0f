import { policyAddresses } from './address-match.ts';
import type { CapabilityPolicy } from './policy.ts';
import type { CapabilityMethods } from './types.ts';
import { denied, invalid, num, obj, str, withTimeout } from './validate.ts';

const MAX_BODY = 4 * 1024 * 1024;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** An exact origin, or one whose host resolves to an address of an allowed origin with the same scheme and port. */
async function originAllowed(url: URL, origins: readonly string[]): Promise<boolean> {
  if (origins.includes(url.origin)) return true;
  const port = (u: URL): number => Number(u.port !== '' ? u.port : u.protocol === 'https:' ? 443 : 80);
  const entries: string[] = [];
  for (const o of origins) {
    try {
      const allowed = new URL(o);
      if (allowed.protocol === url.protocol) entries.push(`${allowed.hostname}:${port(allowed)}`);
    } catch {
      // not an origin: matches nothing
    }
  }
  return (await policyAddresses.allowed(url.hostname, port(url), entries)) !== null;
}

export function httpCapability(policy: CapabilityPolicy): CapabilityMethods {
  return {
    async fetch(args) {
      const call = 'http.fetch';
      const raw = str(call, args, 0, 'url', 8192);
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw invalid(call, `url ${JSON.stringify(raw)} is not absolute`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw denied(call, url.origin, 'only http and https');
      if (!(await originAllowed(url, policy.httpOrigins))) throw denied(call, url.origin, 'origin not in the connector policy');
      const req = obj(call, args, 1, 'request', true);
      const method = (typeof req['method'] === 'string' ? req['method'] : 'GET').toUpperCase();
      if (!METHODS.has(method)) throw invalid(call, `method ${method} not allowed`);
      const headers = (req['headers'] ?? {}) as Record<string, unknown>;
      if (typeof headers !== 'object' || Object.values(headers).some((v) => typeof v !== 'string')) throw invalid(call, 'headers must map names to strings');
      const body = req['body'];
      if (body !== undefined && (typeof body !== 'string' || body.length > MAX_BODY)) throw invalid(call, `body must be a string of at most ${MAX_BODY} characters`);
      const timeoutMs = num(call, [req['timeoutMs']], 0, 'timeoutMs', 1, 120_000, 10_000);
      const controller = new AbortController();
      return withTimeout(call, timeoutMs, (async () => {
        try {
          const res = await fetch(url, { method, headers: headers as Record<string, string>, ...(body === undefined ? {} : { body }), redirect: 'manual', signal: controller.signal });
          const text = await readBounded(res, MAX_BODY);
          return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: text };
        } finally {
          controller.abort();
        }
      })());
    },
  };
}

async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const value of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += value.byteLength;
    if (size > max) throw invalid('http.fetch', `response body larger than ${max} bytes`);
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
