import { Client } from '@elastic/elasticsearch';
import type { JsonValue } from '../../../sdk/records.ts';
import type { BulkClient, WriterClock } from '../../../plugins/elasticsearch-sink/src/bulk-writer.ts';
import type { IndexAdmin } from '../../../plugins/elasticsearch-sink/src/index-manager.ts';
import { stack } from '../../helpers/stack.ts';

/** The sink's narrow interfaces over the official client, as the elasticsearch capability provides them. */
export function esAdapter(client: Client): BulkClient & IndexAdmin {
  return {
    async bulk(ndjson: string) {
      const r = await client.bulk({ operations: ndjson as unknown as object[] });
      return { errors: r.errors, items: r.items as unknown as JsonValue[] };
    },
    async indexExists(index) {
      return client.indices.exists({ index });
    },
    async indexCreate(index, body) {
      await client.indices.create({ index, ...(body as object | undefined) });
    },
    async getMapping(index) {
      return (await client.indices.getMapping({ index })) as unknown as JsonValue;
    },
    async putMapping(index, mapping) {
      await client.indices.putMapping({ index, ...(mapping as object) });
    },
  };
}

/** Real time whose timers do not keep the test process alive (flush timeouts are long). */
export const realClock: WriterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};

export function esClient(): Client {
  return new Client({ node: stack.elasticsearchUrl });
}

export async function docs(client: Client, index: string): Promise<Map<string, { source: Record<string, unknown>; version: number | undefined }>> {
  await client.indices.refresh({ index });
  const r = await client.search<Record<string, unknown>>({ index, size: 1000, version: true, query: { match_all: {} } });
  return new Map(r.hits.hits.map((h) => [h._id ?? '', { source: h._source ?? {}, version: h._version }]));
}
