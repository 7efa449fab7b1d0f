/** elasticsearch capability through the official client; indices limited to the policy's prefixes. */
import { Client } from '@elastic/elasticsearch';
import type { CapabilityPolicy } from './policy.ts';
import type { CapabilityMethods, Closeable } from './types.ts';
import { arr, denied, invalid, obj, plain, str, withTimeout } from './validate.ts';

const TIMEOUT_MS = 30_000;
const MAX_BULK_OPS = 20_000;

export function elasticsearchCapability(policy: CapabilityPolicy): CapabilityMethods & Closeable {
  let client: Client | null = null;
  const es = (call: string): Client => {
    if (policy.elasticsearchNode === null) throw denied(call, 'elasticsearch', 'no Elasticsearch node in the connector policy');
    client ??= new Client({ node: policy.elasticsearchNode, requestTimeout: TIMEOUT_MS, maxRetries: 1 });
    return client;
  };
  const index = (call: string, args: unknown[], i = 0): string => {
    const name = str(call, args, i, 'index', 255);
    if (!/^[a-z0-9][a-z0-9._+-]*$/.test(name)) throw invalid(call, `index name ${JSON.stringify(name)} is not valid`);
    if (!policy.elasticsearchIndexPrefixes.some((p) => name.startsWith(p))) throw denied(call, `index ${name}`, 'index not within the prefixes in the connector policy');
    return name;
  };
  const run = <T>(call: string, p: Promise<T>): Promise<unknown> => withTimeout(call, TIMEOUT_MS, p).then(plain);

  return {
    async bulk(args: unknown[]) {
      const call = 'elasticsearch.bulk';
      const ops = arr(call, args, 0, 'operations', MAX_BULK_OPS);
      for (const op of ops) {
        if (typeof op !== 'object' || op === null || Array.isArray(op)) throw invalid(call, 'each operation line must be an object');
        for (const action of ['index', 'create', 'update', 'delete']) {
          const meta = (op as Record<string, unknown>)[action];
          if (meta !== undefined) index(call, [(meta as Record<string, unknown>)['_index']]);
        }
      }
      const opts = obj(call, args, 1, 'options', true);
      const res = await run(call, es(call).bulk({ operations: ops as object[], refresh: opts['refresh'] === true }));
      const r = res as { errors: boolean; items: unknown[] };
      return { errors: r.errors, items: r.items };
    },
    async indexExists(args: unknown[]) {
      const call = 'elasticsearch.indexExists';
      return run(call, es(call).indices.exists({ index: index(call, args) }));
    },
    async indexCreate(args: unknown[]) {
      const call = 'elasticsearch.indexCreate';
      const body = obj(call, args, 1, 'body', true);
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
