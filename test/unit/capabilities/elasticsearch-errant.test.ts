import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { elasticsearchCapability } from '../../../host/capabilities/elasticsearch.ts';
import { errantCapability } from '../../../host/capabilities/errant.ts';
import type { ErrantTarget } from '../../../host/capabilities/errant.ts';
import { policyFrom } from '../../../host/capabilities/policy.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import type { OriginalRecord } from '../../../host/errors/reporters.ts';

const log = createJsonLogger({ level: 'error', write: () => undefined });
const code = (c: string) => (e: unknown) => (e as { code?: unknown }).code === c;

test('elasticsearch.connect allows only the policy host:port pairs and checks the URLs', async () => {
  const es = elasticsearchCapability(policyFrom({ elasticsearchHosts: ['127.0.0.1:9200'], elasticsearchIndexPrefixes: [''] }));
  await es.connect?.([{ urls: ['http://127.0.0.1:9200'] }]);
  await assert.rejects(es.connect!([{ urls: ['http://10.0.0.1:9200'] }]), code('CONVEYOR_CAPABILITY_DENIED'));
  await assert.rejects(es.connect!([{ urls: ['ftp://127.0.0.1:9200'] }]), code('CONVEYOR_CAPABILITY_INVALID'));
  await assert.rejects(es.connect!([{ urls: [] }]), code('CONVEYOR_CAPABILITY_INVALID'));
  const nodeOnly = elasticsearchCapability(policyFrom({ elasticsearchNode: 'http://127.0.0.1:9201', elasticsearchIndexPrefixes: [''] }));
  await nodeOnly.connect?.([{ urls: ['http://127.0.0.1:9201/'], username: 'u', password: 'p' }]);
  await es.release();
  await nodeOnly.release();
});

test('a bulk request that cannot reach Elasticsearch comes back as a failure with status 0, not a throw', async () => {
  const s = createServer((c) => c.destroy());
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  const es = elasticsearchCapability(policyFrom({ elasticsearchHosts: [`127.0.0.1:${port}`], elasticsearchIndexPrefixes: ['t-'] }));
  await es.connect!([{ urls: [`http://127.0.0.1:${port}`], requestTimeoutMs: 2000 }]);
  const res = (await es.bulk!([[{ index: { _index: 't-1', _id: '1' } }, { a: 1 }], null])) as { errors: boolean; failure?: { statusCode: number } };
  assert.equal(res.errors, true);
  assert.equal(res.failure?.statusCode, 0);
  await assert.rejects(es.bulk!([[{ index: { _index: 'other', _id: '1' } }, { a: 1 }]]), code('CONVEYOR_CAPABILITY_DENIED'));
  await assert.rejects(es.indexExists!(['t-1']), (e: unknown) => code('CONVEYOR_UNAVAILABLE')(e) && (e as { retriable?: unknown }).retriable === true);
  await es.release();
  await new Promise<void>((r) => s.close(() => r()));
});

test('errantRecordReporter.report hands the record (key and value serialised again) and error to the pipeline', async () => {
  const got: { record: OriginalRecord; error: Error }[] = [];
  const target: ErrantTarget = { reportErrant: (record, error) => Promise.resolve(void got.push({ record, error })) };
  const cap = errantCapability(() => target, log);
  await cap.report!([{ topic: 't', partition: 1, offset: 42, key: 'k', value: { a: 1 }, headers: { h: 'v' }, timestamp: 5 }, { message: 'refused', type: 'document_parsing_exception' }]);
  assert.equal(got.length, 1);
  const r = got[0]!.record;
  assert.deepEqual([r.topic, r.partition, r.offset, r.key?.toString(), r.value?.toString(), r.headers, r.timestamp], ['t', 1, 42n, 'k', '{"a":1}', { h: 'v' }, 5]);
  assert.equal(got[0]!.error.message, 'refused');
  assert.equal(got[0]!.error.name, 'document_parsing_exception');
  await assert.rejects(cap.report!([{ topic: 't', partition: -1, offset: 0 }, { message: 'x' }]), code('CONVEYOR_CAPABILITY_INVALID'));
  const failing = errantCapability(() => ({ reportErrant: () => Promise.reject(Object.assign(new Error('Tolerance exceeded'), { code: 'CONVEYOR_TASK_FAILED' })) }), log);
  await assert.rejects(failing.report!([{ topic: 't', partition: 0, offset: 0, key: null, value: null }, { message: 'x' }]), /Tolerance exceeded/);
  assert.equal(await errantCapability(() => undefined, log).report!([{ topic: 't', partition: 0, offset: 0, key: null, value: null }, { message: 'x' }]), null);
});

test('errantRecordReporter.report keeps an offset past 2^53 exact from offsetText, and refuses text that is not one', async () => {
  const got: OriginalRecord[] = [];
  const cap = errantCapability(() => ({ reportErrant: (record) => Promise.resolve(void got.push(record)) }), log);
  const big = 2n ** 60n + 3n;
  await cap.report!([{ topic: 't', partition: 0, offset: Number(big), offsetText: big.toString(), key: null, value: null }, { message: 'x' }]);
  assert.equal(got[0]?.offset, big);
  await assert.rejects(cap.report!([{ topic: 't', partition: 0, offset: 1, offsetText: '1e3', key: null, value: null }, { message: 'x' }]), code('CONVEYOR_CAPABILITY_INVALID'));
});
