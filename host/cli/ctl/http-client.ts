/**
 * The CLI's REST client: JSON in and out, a bearer token, and a CA file for https (node:https, so no other trust store
 * is needed). A Kafka Connect error answer ({error_code, message}) becomes a CliError carrying its message and status.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CliError } from './errors.ts';
import type { Context } from './contexts.ts';

export interface Answer {
  status: number;
  body: unknown;
}

const TIMEOUT_MS = 60_000;

export class RestClient {
  readonly #target: Context;
  readonly #ca: Buffer | undefined;

  constructor(target: Context) {
    this.#target = target;
    try {
      this.#ca = target.caFile === undefined ? undefined : readFileSync(target.caFile);
    } catch (e) {
      throw new CliError(`cannot read the CA file ${target.caFile}: ${(e as Error).message}`);
    }
  }

  get url(): string {
    return this.#target.url;
  }

  /** The same client (scheme, token, CA) for another worker of the cluster, by its host:port. */
  at(hostPort: string): RestClient {
    const url = new URL(this.#target.url);
    url.host = hostPort;
    return new RestClient({ ...this.#target, url: url.toString().replace(/\/$/, '') });
  }

  /** Any answer; a transport failure throws. */
  async send(method: string, path: string, body?: unknown): Promise<Answer> {
    const url = new URL(path, this.#target.url.endsWith('/') ? this.#target.url : `${this.#target.url}/`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.#target.token !== undefined) headers['authorization'] = `Bearer ${this.#target.token}`;
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const done = (r: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        r.on('error', reject);
      };
      const options = { method, headers, timeout: TIMEOUT_MS, ...(this.#ca === undefined ? {} : { ca: this.#ca }) };
      const req = url.protocol === 'https:' ? httpsRequest(url, options, done) : httpRequest(url, options, done);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(payload);
    }).catch((e: unknown) => {
      const err = e as NodeJS.ErrnoException;
      throw new CliError(`cannot reach ${this.#target.url}: ${err.code ?? err.message}${err.code !== undefined && err.message !== err.code ? ` (${err.message})` : ''}`);
    });
    let parsed: unknown = res.text;
    try {
      parsed = res.text === '' ? null : JSON.parse(res.text);
    } catch {
      // a non-JSON answer stays text
    }
    return { status: res.status, body: parsed };
  }

  /** A 2xx answer, or a CliError with Kafka Connect's message. */
  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const a = await this.send(method, path, body);
    if (a.status >= 200 && a.status < 300) return a;
    throw answerError(a);
  }
}

export function answerError(a: Answer): CliError {
  const b = a.body as { error_code?: unknown; message?: unknown } | null;
  const message = typeof b?.message === 'string' ? b.message : typeof a.body === 'string' && a.body !== '' ? a.body : 'no message';
  return new CliError(`${message} (HTTP ${a.status})`);
}
