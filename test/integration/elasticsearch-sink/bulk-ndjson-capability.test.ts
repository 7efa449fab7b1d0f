/**
 * The elasticsearch capability's bulk over NDJSON text, against the stack's Elasticsearch: the body goes as it was
 * checked, filterPath trims the response, and an action line naming an index outside the policy is refused whole.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elasticsearchCapability } from '../../../host/capabilities/elasticsearch.ts';
import { policyFrom } from '../../../host/capabilities/policy.ts';
import { stack } from '../../helpers/stack.ts';

const index = `conveyor-ndjson-${Date.now().toString(36)}`;

void test('bulk takes NDJSON text (string or crossed bytes), filterPath trims the items, other indices are refused', async () => {
  const cap = elasticsearchCapability(policyFrom({ elasticsearchHosts: [new URL(stack.elasticsearchUrl).host], elasticsearchIndexPrefixes: ['conveyor-ndjson-'] }));
  const bulk = cap['bulk']!;
  try {
    await cap['connect']!([{ urls: [stack.elasticsearchUrl] }]);
    const body = `{"index":{"_index":"${index}","_id":"1"}}\n{"name":"one","text":"line\\nbreak"}\n{"delete":{"_index":"${index}","_id":"9"}}\n{"create":{"_index":"${index}","_id":"2"}}\n{"name":"two"}\n`;
    const full = (await bulk([body, { refresh: true }])) as { errors: boolean; items: Record<string, Record<string, unknown>>[] };
    assert.equal(full.errors, false);
    assert.deepEqual(full.items.map((i) => Object.keys(i)[0]), ['index', 'delete', 'create']);
    assert.equal(full.items[0]?.['index']?.['_id'], '1', 'without filterPath the items are whole');
    const trimmed = await bulk([Buffer.from(`{"index":{"_index":"${index}","_id":"1"}}\n{"name":"uno"}`), { filterPath: 'items.*.status,items.*.result', refresh: true }]);
    assert.deepEqual(trimmed, { errors: false, items: [{ index: { status: 200, result: 'updated' } }] }, 'a body without its last newline is completed');
    const found = (await cap['search']!([index, { query: { match_all: {} } }])) as { hits: { hits: { _id: string; _source: unknown }[] } };
    assert.deepEqual(found.hits.hits.map((h) => [h._id, h._source]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))), [['1', { name: 'uno' }], ['2', { name: 'two' }]]);

    const refused = (body: string, why: RegExp): Promise<void> => assert.rejects(bulk([body]), (e: unknown) => why.test(String((e as Error).message)), why.source);
    await refused(`{"index":{"_index":"${index}"}}\n{}\n{"index":{"_index":"other-index"}}\n{}\n`, /other-index/);
    await refused(`{"index":{"_index":"${index}"}}\n{"a":1}\n{"index":{"_index":"${index}"}}\n\n{"index":{"_index":"other-index"}}\n{}\n`, /line 4 is empty/);
    await refused(`{"index":{"_index":"${index}"},"delete":{"_index":"other-index"}}\n{}\n`, /must be an action line/);
    await refused(`{"index":{"_index":"${index}"}}\n`, /has no document line/);
    await refused(`not json\n`, /line 1 is not a JSON action line/);
    await assert.rejects(bulk([body, { filterPath: 'items&pretty=true' }]), /filterPath/);
  } finally {
    await cap.release();
    await fetch(`${stack.elasticsearchUrl}/${index}`, { method: 'DELETE' }).catch(() => undefined);
  }
});
