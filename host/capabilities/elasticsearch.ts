/**
 * elasticsearch capability through the official client. The plugin names its cluster with connect() (the
 * connector's connection.url, username and password); every URL's host:port must be allowed by the connector
 * policy (elasticsearchHosts, or elasticsearchNode's), and indices stay within the policy's prefixes.
 * A failed bulk request comes back as data (`failure` with the HTTP status) so the sink can tell retriable from
 * fatal across the isolate boundary; other calls throw CONVEYOR_UNAVAILABLE (retriable) or CONVEYOR_BAD_REQUEST.
 */
import { policyAddresses, urlHost } from './address-match.ts';
import { Client, errors as esErrors } from '@elastic/elasticsearch';
import { ConveyorError, ErrorCode, isConveyorError } from '../core/errors.ts';
import type { CapabilityPolicy } from './policy.ts';
import { checkBulkBody } from './bulk-body.ts';
import type { CapabilityMethods, Closeable } from './types.ts';
import { arr, denied, invalid, num, obj, plain, str, withTimeout } from './validate.ts';

const TIMEOUT_MS = 30_000;
const MAX_BULK_OPS = 40_000;
const MAX_URLS = 16;
/** Elasticsearch's filter_path: field paths with wildcards, comma-separated. */
const FILTER_PATH = /^[A-Za-z0-9_.*-]+(,[A-Za-z0-9_.*-]+)*$/;

interface Target {
  nodes: string[];
  auth?: { username: string; password: string };
  requestTimeoutMs: number;
}

export interface RequestFailure {
  statusCode: number;
  type: string;
  reason: string;
}

function hostPort(url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `${url.hostname}:${port}`;
}

/** The status and Elasticsearch error type of a client error; status 0 for connection errors and timeouts. */
export function requestFailure(err: unknown): RequestFailure {
  if (err instanceof esErrors.ResponseError) {
    const body = err.meta.body as { error?: { type?: unknown; reason?: unknown } } | undefined;
    const type = typeof body?.error?.type === 'string' ? body.error.type : 'http_error';
    const reason = typeof body?.error?.reason === 'string' ? body.error.reason : err.message;
    return { statusCode: err.meta.statusCode ?? 0, type, reason };
  }
  const e = err as { name?: unknown; message?: unknown };
  return { statusCode: 0, type: typeof e?.name === 'string' ? e.name : 'Error', reason: String(e?.message ?? err) };
}

function isRetriableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

export function elasticsearchCapability(policy: CapabilityPolicy): CapabilityMethods & Closeable {
  let client: Client | null = null;
  let target: Target | null = null;
  /** A node URL the policy allows (by address); plain http is pinned to the address that matched, https keeps its name for TLS. */
  const allowed = async (call: string, url: string): Promise<string> => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw invalid(call, `${JSON.stringify(url)} is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid(call, `${url} is not an http(s) URL`);
    const hp = hostPort(u);
    const entries = policy.elasticsearchNode === null ? policy.elasticsearchHosts : [...policy.elasticsearchHosts, hostPort(new URL(policy.elasticsearchNode))];
    const port = Number(hp.slice(hp.lastIndexOf(':') + 1));
    const address = await policyAddresses.allowed(u.hostname, port, entries);
    if (address === null) throw denied(call, hp, 'Elasticsearch host not in the connector policy');
    const host = u.protocol === 'http:' ? `${urlHost(address)}${u.port === '' ? '' : `:${u.port}`}` : u.host;
    return `${u.protocol}//${host}${u.pathname === '/' ? '' : u.pathname}`;
  };
  const es = (call: string): Client => {
    if (client !== null) return client;
    if (target === null) {
      if (policy.elasticsearchNode === null) throw denied(call, 'elasticsearch', 'no Elasticsearch node in the connector policy and none connected');
      target = { nodes: [policy.elasticsearchNode], requestTimeoutMs: TIMEOUT_MS };
    }
    client = new Client({ nodes: target.nodes, requestTimeout: target.requestTimeoutMs, maxRetries: 0, ...(target.auth ? { auth: target.auth } : {}) });
    return client;
  };
  const index = (call: string, args: unknown[], i = 0): string => {
    const name = str(call, args, i, 'index', 255);
    if (!/^[a-z0-9][a-z0-9._+-]*$/.test(name)) throw invalid(call, `index name ${JSON.stringify(name)} is not valid`);
    if (!policy.elasticsearchIndexPrefixes.some((p) => name.startsWith(p))) throw denied(call, `index ${name}`, 'index not within the prefixes in the connector policy');
    return name;
  };
  const run = async <T>(call: string, p: Promise<T>): Promise<unknown> => {
    try {
      return plain(await withTimeout(call, TIMEOUT_MS, p));
    } catch (err) {
      if (isConveyorError(err)) throw err;
      const f = requestFailure(err);
      const retriable = isRetriableStatus(f.statusCode);
      throw new ConveyorError(retriable ? ErrorCode.unavailable : ErrorCode.badRequest, `${call} failed (${f.statusCode || 'no response'} ${f.type}): ${f.reason}`, { cause: err, retriable });
    }
  };

  return {
    async connect(args: unknown[]) {
      const call = 'elasticsearch.connect';
      const o = obj(call, args, 0, 'options');
      const urls = await Promise.all(arr(call, [o['urls']], 0, 'urls', MAX_URLS).map((u, i) => allowed(call, str(call, [u], 0, `urls[${i}]`, 2048))));
      if (urls.length === 0) throw invalid(call, 'urls must name at least one node');
      const username = o['username'] === undefined || o['username'] === null ? null : str(call, [o['username']], 0, 'username', 1024);
      const password = o['password'] === undefined || o['password'] === null ? null : str(call, [o['password']], 0, 'password', 1024);
      const requestTimeoutMs = num(call, [o['requestTimeoutMs']], 0, 'requestTimeoutMs', 100, 600_000, TIMEOUT_MS);
      await client?.close();
      client = null;
      target = { nodes: urls, requestTimeoutMs, ...(username !== null && password !== null ? { auth: { username, password } } : {}) };
      return null;
    },
    async bulk(args: unknown[]) {
      const call = 'elasticsearch.bulk';
      let operations: object[] | Buffer;
      if (typeof args[0] === 'string' || Buffer.isBuffer(args[0])) {
        const raw = args[0];
        operations = checkBulkBody(call, Buffer.isBuffer(raw) ? raw : Buffer.from(raw), MAX_BULK_OPS, (i) => index(call, [i])).body;
      } else {
        const ops = arr(call, args, 0, 'operations', MAX_BULK_OPS);
        for (const op of ops) {
          if (typeof op !== 'object' || op === null || Array.isArray(op)) throw invalid(call, 'each operation line must be an object');
          for (const action of ['index', 'create', 'update', 'delete']) {
            const meta = (op as Record<string, unknown>)[action];
            if (meta !== undefined) index(call, [(meta as Record<string, unknown>)['_index']]);
          }
        }
        operations = ops as object[];
      }
      const opts = args[1] === null || args[1] === undefined ? {} : obj(call, args, 1, 'options', true);
      const filterPath = opts['filterPath'];
      if (filterPath !== undefined && (typeof filterPath !== 'string' || filterPath.length > 512 || !FILTER_PATH.test(filterPath))) {
        throw invalid(call, 'options.filterPath must be a comma-separated list of field paths (letters, digits, _ . * -), at most 512 characters');
      }
      const client = es(call);
      try {
        const res = await withTimeout(call, TIMEOUT_MS, client.bulk({
          // A checked NDJSON body is sent as it is (the client serialises only arrays).
          operations: operations as object[],
          refresh: opts['refresh'] === true,
          ...(filterPath === undefined ? {} : { filter_path: `errors,${filterPath}` }),
        }));
        return plain({ errors: res.errors, items: res.items ?? [] });
      } catch (err) {
        if (isConveyorError(err) && err.code !== ErrorCode.timeout) throw err;
        return { errors: true, items: [], failure: isConveyorError(err) ? { statusCode: 0, type: 'timeout', reason: err.message } : requestFailure(err) };
      }
    },
    async indexExists(args: unknown[]) {
      const call = 'elasticsearch.indexExists';
      return run(call, es(call).indices.exists({ index: index(call, args) }));
    },
    async indexCreate(args: unknown[]) {
      const call = 'elasticsearch.indexCreate';
      const body = args[1] === null ? {} : obj(call, args, 1, 'body', true);
      await run(call, es(call).indices.create({ index: index(call, args), ...body }));
      return null;
    },
    async putMapping(args: unknown[]) {
      const call = 'elasticsearch.putMapping';
      await run(call, es(call).indices.putMapping({ index: index(call, args), ...obj(call, args, 1, 'mapping') }));
      return null;
    },
    async getMapping(args: unknown[]) {
      const call = 'elasticsearch.getMapping';
      return run(call, es(call).indices.getMapping({ index: index(call, args) }));
    },
    async search(args: unknown[]) {
      const call = 'elasticsearch.search';
      return run(call, es(call).search({ index: index(call, args), ...obj(call, args, 1, 'query') }));
    },
    async refresh(args: unknown[]) {
      const call = 'elasticsearch.refresh';
      await run(call, es(call).indices.refresh({ index: index(call, args) }));
      return null;
    },
    async release() {
      await client?.close();
      client = null;
    },
  };
}
