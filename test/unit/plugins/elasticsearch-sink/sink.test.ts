import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRetriableError } from '../../../../sdk/errors.ts';
import { ElasticsearchSink } from '../../../../plugins/elasticsearch-sink/src/sink.ts';
import { config, fakeBulk, ndjsonLines, record, virtualClock } from './fakes.ts';

function client() {
  const es = fakeBulk();
  const created: string[] = [];
  return Object.assign(es, {
    created,
    indexExists: () => Promise.resolve(created.length > 0),
    indexCreate: (i: string) => Promise.resolve(void created.push(i)),
    getMapping: () => Promise.resolve({}),
    putMapping: () => Promise.resolve(),
  });
}

test('invalid records fail put() unless dropped or reported; skipped records still commit', async () => {
  const bad = record({ offset: 0, key: null, value: { a: 1 } });
  await assert.rejects(new ElasticsearchSink({ config: config(), client: client(), clock: virtualClock() }).put([bad]), /can not be null/);

  const skipped: string[] = [];
  const c = client();
  const s = new ElasticsearchSink({ config: config({ 'drop.invalid.message': 'true', 'behavior.on.null.values': 'ignore' }), client: c, clock: virtualClock(), onSkip: (_r, why) => void skipped.push(why) });
  await s.put([bad, record({ offset: 1, key: 'k', value: null }), record({ offset: 2, key: 'k', value: { a: 2 } })]);
  await s.writer.flush();
  assert.deepEqual(await s.preCommit(), { 'orders/0': 3 });
  assert.equal(skipped.length, 2);
  assert.deepEqual(c.created, ['orders']);
  assert.equal(c.requests.length, 1);

  const reported: number[] = [];
  const s2 = new ElasticsearchSink({ config: config(), client: client(), clock: virtualClock(), onInvalid: (r) => void reported.push(r.offset) });
  await s2.put([bad]);
  assert.deepEqual(reported, [0]);
  assert.deepEqual(await s2.preCommit(), { 'orders/0': 1 });
});

test('preCommit sends buffered records but returns only acknowledged offsets, without waiting', async () => {
  const hanging = Object.assign(client(), { bulk: () => new Promise<never>(() => undefined) });
  const s = new ElasticsearchSink({ config: config({ 'behavior.on.null.values': 'ignore' }), client: hanging, clock: virtualClock() });
  await s.put([record({ offset: 0, key: 'k', value: null }), record({ offset: 1, key: 'k', value: { a: 1 } }), record({ offset: 2, key: 'j', value: { a: 2 } })]);
  // Elasticsearch never answers: the skipped tombstone is durable, the two writes are in flight.
  assert.deepEqual(await s.preCommit(), { 'orders/0': 1 });
  assert.equal(s.writer.buffered, 2);

  const sync = new ElasticsearchSink({ config: config({ 'flush.synchronously': 'true' }), client: client(), clock: virtualClock() });
  await sync.put([record({ offset: 0, key: 'k', value: { a: 1 } })]);
  assert.deepEqual(await sync.preCommit(), { 'orders/0': 1 }, 'flush.synchronously=true waits for the acknowledgement');
});

test('while Elasticsearch answers 429, put throws a RetriableError without taking the batch; it lands once Elasticsearch recovers', async () => {
  let busy = true;
  const c = client();
  const es = Object.assign(c, {
    bulk: (body: string) => {
      const ops = ndjsonLines(body);
      c.requests.push(ops);
      const items = ops.filter((_, i) => i % 2 === 0).map(() => (busy ? { index: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } } : { index: { status: 201 } }));
      return Promise.resolve({ errors: busy, items });
    },
  });
  const s = new ElasticsearchSink({ config: config({ 'max.retries': '1' }), client: es, clock: virtualClock() });
  await s.put([record({ offset: 0, key: 'a', value: { a: 1 } })]);
  await s.writer.flush();
  assert.equal(s.writer.parked, 1);
  const second = [record({ offset: 1, key: 'b', value: { b: 1 } })];
  await assert.rejects(s.put(second), (e) => isRetriableError(e) && /1 operations still wait for Elasticsearch/.test((e as Error).message));
  assert.equal(s.writer.buffered, 0, 'the batch that got a RetriableError was not taken');
  assert.deepEqual(await s.preCommit(), {}, 'nothing is committable while the first record is parked');
  busy = false;
  await s.put(second);
  await s.writer.flush();
  assert.deepEqual(await s.preCommit(), { 'orders/0': 2 });
});

test('close forgets the lost partitions: their offsets are no longer reported', async () => {
  const s = new ElasticsearchSink({ config: config(), client: client(), clock: virtualClock() });
  await s.put([record({ offset: 0, key: 'a', value: { a: 1 } }), record({ offset: 0, partition: 1, key: 'b', value: { b: 1 } })]);
  await s.writer.flush();
  assert.deepEqual(await s.preCommit(), { 'orders/0': 1, 'orders/1': 1 });
  s.close([{ topic: 'orders', partition: 1 }]);
  assert.deepEqual(await s.preCommit(), { 'orders/0': 1 });
});

test('an index that cannot be checked while Elasticsearch is away is a RetriableError: nothing of the batch is taken, and it lands once Elasticsearch is back', async () => {
  let away = true;
  const c = client();
  let checks = 0;
  const refused = (): Promise<never> => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9200'), { name: 'ConnectionError' }));
  const es = Object.assign(c, {
    indexExists: () => (checks++, away ? refused() : Promise.resolve(c.created.length > 0)),
  });
  const skipped: string[] = [];
  const clock = virtualClock();
  const s = new ElasticsearchSink({ config: config({ 'max.retries': '100', 'behavior.on.null.values': 'ignore' }), client: es, clock, onSkip: (_r, why) => void skipped.push(why) });
  const batch = [record({ offset: 0, key: 'k', value: null }), record({ offset: 1, key: 'a', value: { a: 1 } })];
  await assert.rejects(s.put(batch), (e) => isRetriableError(e) && /index orders cannot be checked or created while Elasticsearch does not answer: connect ECONNREFUSED/.test((e as Error).message));
  assert.equal(checks, 1, 'one attempt per put, whatever max.retries says: put must come back within the call deadline');
  assert.deepEqual(clock.sleeps, []);
  assert.equal(s.writer.buffered, 0, 'nothing of the batch was taken');
  assert.deepEqual(skipped, [], 'not even its skipped record: the batch comes again whole');
  assert.deepEqual(await s.preCommit(), {});
  away = false;
  await s.put(batch);
  await s.writer.flush();
  assert.deepEqual(c.created, ['orders']);
  assert.equal(skipped.length, 1);
  assert.deepEqual(await s.preCommit(), { 'orders/0': 2 });
});
