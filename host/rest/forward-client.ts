/**
 * The HTTP(S) client one worker forwards a request to another with. Over https it trusts the CAs of the listener's
 * truststore and presents the listener's own key and certificate (workers of one cluster share the REST TLS setup),
 * so forwarding works with private CAs and with `ssl.client.auth=required`; Node's fetch can do neither per request.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RestTls } from './tls.ts';

export interface ForwardAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function forwardRequest(url: URL, o: { method: string; headers: Record<string, string>; body?: Buffer; timeoutMs: number; tls?: RestTls | null }): Promise<ForwardAnswer> {
  return new Promise((resolve, reject) => {
    const tls = o.tls?.options;
    const options = {
      method: o.method,
      headers: { ...o.headers, ...(o.body === undefined ? {} : { 'content-length': String(o.body.length) }) },
      timeout: o.timeoutMs,
      ...(url.protocol === 'https:' && tls !== undefined
        ? { ...(tls.ca === undefined ? {} : { ca: tls.ca }), ...(tls.pfx === undefined ? {} : { pfx: tls.pfx }), ...(tls.key === undefined ? {} : { key: tls.key }), ...(tls.cert === undefined ? {} : { cert: tls.cert }), ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }) }
        : {}),
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
