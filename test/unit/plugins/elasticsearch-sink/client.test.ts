import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ElasticsearchCapability } from '../../../../sdk/capabilities.ts';
import { isRetriableRequestError } from '../../../../plugins/elasticsearch-sink/src/classify.ts';
import { capabilityClient } from '../../../../plugins/elasticsearch-sink/src/client.ts';

function cap(over: Partial<ElasticsearchCapability>): ElasticsearchCapability {
  const no = () => Promise.reject(new Error('not used'));
  return { connect: no, bulk: no, indexExists: no, indexCreate: no, putMapping: no, getMapping: no, search: no, refresh: no, ...over };
}
const guestError = (code: string) => Object.assign(new Error(code), { code, conveyorError: true });

const BODY = '{"index":{"_index":"i","_id":"1"}}\n{"a":1}\n';

test('a bulk failure returned across the boundary is thrown with its statusCode: 5xx/429/0 retriable, 4xx fatal', async () => {
  for (const [statusCode, retriable] of [[503, true], [429, true], [0, true], [400, false], [403, false]] as const) {
    const c = capabilityClient(cap({ bulk: () => Promise.resolve({ errors: true, items: [], failure: { statusCode, type: 't', reason: 'r' } }) }));
    const err = await c.bulk(BODY).then(() => null, (e: unknown) => e);
    assert.equal((err as { statusCode?: unknown }).statusCode, statusCode);
    assert.equal(isRetriableRequestError(err), retriable, `status ${statusCode}`);
  }
  const seen: unknown[][] = [];
  const ok = capabilityClient(cap({ bulk: (...args: unknown[]) => (seen.push(args), Promise.resolve({ errors: false, items: [{ index: { status: 201 } }] })) }));
  assert.deepEqual(await ok.bulk(BODY), { errors: false, items: [{ index: { status: 201 } }] });
  assert.deepEqual(seen, [[BODY, { filterPath: 'items.*.status,items.*.result,items.*.error' }]], 'the NDJSON goes as is, asking only for what classify reads');
});

test('capability errors are retriable only when the host marked them unavailable or timed out', async () => {
  for (const [code, retriable] of [['CONVEYOR_UNAVAILABLE', true], ['CONVEYOR_TIMEOUT', true], ['CONVEYOR_BAD_REQUEST', false], ['CONVEYOR_CAPABILITY_DENIED', false]] as const) {
    const c = capabilityClient(cap({ bulk: () => Promise.reject(guestError(code)), indexExists: () => Promise.reject(guestError(code)) }));
    assert.equal(isRetriableRequestError(await c.bulk(BODY).then(() => null, (e: unknown) => e)), retriable, code);
    await assert.rejects(c.indexExists('i'), (e: unknown) => (e as { retriable?: unknown }).retriable === retriable);
  }
});

test('indexCreate without a body sends none', async () => {
  const calls: unknown[][] = [];
  const c = capabilityClient(cap({ indexCreate: (...args: unknown[]) => Promise.resolve(void calls.push(args)) }));
  await c.indexCreate('i');
  await c.indexCreate('j', { mappings: {} });
  assert.deepEqual(calls, [['i'], ['j', { mappings: {} }]]);
});
