/**
 * Adapts the SDK's elasticsearch capability to the BulkClient and IndexAdmin the sink uses. A bulk request that
 * failed as a whole comes back as data with its HTTP status; it is rethrown here as an error carrying
 * `statusCode`, which isRetriableRequestError reads. Capability errors from other calls keep their code and
 * are retriable only when the host marked them unavailable or timed out.
 */
import type { ElasticsearchCapability } from '@conveyor/sdk';
import type { BulkClient } from './bulk-writer.ts';
import type { IndexAdmin } from './index-manager.ts';

const RETRIABLE_CODES: ReadonlySet<string> = new Set(['CONVEYOR_UNAVAILABLE', 'CONVEYOR_TIMEOUT', 'CONVEYOR_LIMIT_EXCEEDED']);

export class EsRequestError extends Error {
  readonly statusCode: number;
  readonly type: string;
  readonly retriable: boolean;
  constructor(message: string, statusCode: number, type: string, retriable: boolean) {
    super(message);
    this.name = 'EsRequestError';
    this.statusCode = statusCode;
    this.type = type;
    this.retriable = retriable;
  }
}

function marked(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code !== 'string') return err;
  return new EsRequestError(String(e.message), 0, e.code, RETRIABLE_CODES.has(e.code));
}

async function call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw marked(err);
  }
}

/** What the writer reads of each bulk item (classify.ts): Elasticsearch leaves the rest out of the response. */
const ITEM_FIELDS = 'items.*.status,items.*.result,items.*.error';

export function capabilityClient(es: ElasticsearchCapability): BulkClient & IndexAdmin {
  return {
    async bulk(ndjson: string) {
      const res = await call(es.bulk(ndjson, { filterPath: ITEM_FIELDS }));
      const f = res.failure;
      if (f !== undefined && f !== null) {
        const retriable = f.statusCode === 0 || f.statusCode === 408 || f.statusCode === 429 || f.statusCode >= 500;
        throw new EsRequestError(`bulk request failed (${f.statusCode || 'no response'} ${f.type}): ${f.reason}`, f.statusCode, f.type, retriable);
      }
      return { errors: res.errors, items: res.items };
    },
    indexExists: (index) => call(es.indexExists(index)),
    indexCreate: (index, body) => call(body === undefined ? es.indexCreate(index) : es.indexCreate(index, body)),
    getMapping: (index) => call(es.getMapping(index)),
    putMapping: (index, mapping) => call(es.putMapping(index, mapping)),
  };
}
