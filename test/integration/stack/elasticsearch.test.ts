import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { stack, uniqueName } from '../../helpers/stack.ts';

test('Elasticsearch: documents indexed with the official client are found by a search', async (t) => {
  const client = new Client({ node: stack.elasticsearchUrl });
  const index = uniqueName('stack-es');
  t.after(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  // The integ-test-zip distribution has no rest-root module (GET /), so ask the nodes API for the version.
  const nodes = await client.nodes.info({ node_id: '_all', metric: '_none' });
  assert.match(Object.values(nodes.nodes)[0]?.version ?? '', /^9\./, 'Elasticsearch 9.x');

  const docs = [
    { id: '1', name: 'red hammer', qty: 3 },
    { id: '2', name: 'blue screwdriver', qty: 7 },
    { id: '3', name: 'red wrench', qty: 1 },
  ];
  const bulk = await client.bulk({
    refresh: true,
    operations: docs.flatMap(({ id, ...doc }) => [{ index: { _index: index, _id: id } }, doc]),
  });
  assert.equal(bulk.errors, false);

  const found = await client.search<{ name: string; qty: number }>({ index, query: { match: { name: 'red' } }, sort: [{ qty: 'asc' }] });
  assert.deepEqual(
    found.hits.hits.map((h) => [h._id, h._source?.name]),
    [
      ['3', 'red wrench'],
      ['1', 'red hammer'],
    ],
  );
  const count = await client.count({ index });
  assert.equal(count.count, 3);
});
