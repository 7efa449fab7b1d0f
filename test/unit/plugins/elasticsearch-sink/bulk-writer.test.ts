import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BulkWriter, backoffMs } from '../../../../plugins/elasticsearch-sink/src/bulk-writer.ts';
import type { BulkWriterOptions, RecordOutcome, WriterEntry } from '../../../../plugins/elasticsearch-sink/src/bulk-writer.ts';
import { isEsSinkError } from '../../../../plugins/elasticsearch-sink/src/errors.ts';
import type { BulkOperation } from '../../../../plugins/elasticsearch-sink/src/operations.ts';
import { fakeBulk, ndjsonLines, virtualClock } from './fakes.ts';

function entry(offset: number, id = `k${offset}`, partition = 0): WriterEntry {
  const operation: BulkOperation = { action: 'index', index: 'orders', id, meta: { index: { _index: 'orders', _id: id, version: offset, version_type: 'external' } }, body: { n: offset }, conflictMeansApplied: true };
  return { topic: 'orders', partition, offset, operation };
}

function writer(client: BulkWriterOptions['client'], over: Partial<BulkWriterOptions> = {}) {
  const outcomes: [number, RecordOutcome['kind']][] = [];
  const clock = virtualClock();
  const w = new BulkWriter({
    client,
    clock,
    batchSize: 3,
    bulkSizeBytes: -1,
    maxInFlightRequests: 2,
    maxBufferedRecords: 100,
    lingerMs: 50,
    flushTimeoutMs: 60_000,
    maxRetries: 3,
    retryBackoffMs: 100,
    behaviorOnMalformedDocuments: 'fail',
    random: () => 1,
    onOutcome: (e, o) => outcomes.push([e.offset, o.kind]),
    ...over,
  });
  return { w, outcomes, clock };
}

test('batches by size, sends the rest after linger, and commits only acknowledged offsets', async () => {
  const es = fakeBulk();
  const { w, outcomes } = writer(es);
  for (let i = 0; i < 7; i++) await w.add(entry(i));
  assert.deepEqual(w.committableOffsets(), {}, 'nothing is committable before Elasticsearch answers');
  await w.flush();
  assert.deepEqual(es.requests.map((r) => r.length / 2), [3, 3, 1]);
  assert.deepEqual(w.committableOffsets(), { 'orders/0': 7 });
  assert.deepEqual(w.highestDurableOffsets(), { 'orders/0': 6 });
  assert.equal(outcomes.filter(([, k]) => k === 'durable').length, 7);
});

test('linger alone sends a partial batch', async () => {
  const es = fakeBulk();
  const { w, clock } = writer(es);
  await w.add(entry(0));
  while (es.requests.length === 0) await new Promise((r) => setImmediate(r));
  assert.equal(es.requests[0]?.length, 2);
  assert.ok(clock.sleeps.includes(50), 'waited linger.ms');
});

test('bounds in-flight requests', async () => {
  const es = fakeBulk();
  const { w } = writer(es, { batchSize: 1, maxInFlightRequests: 2 });
  for (let i = 0; i < 10; i++) await w.add(entry(i));
  await w.flush();
  assert.equal(es.requests.length, 10);
  assert.equal(es.maxInFlight, 2);
});

test('version conflicts on external versions count as durable (a replay changes nothing)', async () => {
  const es = fakeBulk(({ action }) => ({ [action]: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'current version [9] is higher' } } }));
  const { w, outcomes } = writer(es);
  for (let i = 0; i < 3; i++) await w.add(entry(i));
  await w.flush();
  assert.deepEqual(w.committableOffsets(), { 'orders/0': 3 });
  assert.ok(outcomes.every(([, k]) => k === 'durable'));
});

test('retriable items are retried alone with growing backoff; the rest of the batch lands once', async () => {
  const es = fakeBulk(({ action, id }, attempt) =>
    id === 'k1' && attempt < 3 ? { [action]: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } } : { [action]: { status: 201 } },
  );
  const { w, clock } = writer(es);
  for (let i = 0; i < 3; i++) await w.add(entry(i));
  await w.flush();
  assert.deepEqual(es.requests.map((r) => r.length / 2), [3, 1, 1]);
  assert.deepEqual(clock.sleeps.filter((s) => s === 100 || s === 200), [100, 200]);
  assert.deepEqual(w.committableOffsets(), { 'orders/0': 3 });
});

test('a failing request is retried whole; retriable failures outlasting the retries are parked, holding offsets back', async () => {
  const es = fakeBulk();
  es.failNextRequests(new Error('ECONNRESET'));
  const { w } = writer(es);
  await w.add(entry(0));
  await w.flush();
  assert.equal(es.requests.length, 2);
  assert.deepEqual(w.committableOffsets(), { 'orders/0': 1 });

  let down = true;
  const flaky = fakeBulk(({ action }) => (down ? { [action]: { status: 503, error: { type: 'unavailable_shards_exception', reason: 'down' } } } : { [action]: { status: 201 } }));
  const { w: w2, outcomes } = writer(flaky, { maxRetries: 2 });
  await w2.add(entry(0));
  await w2.add(entry(1));
  await w2.flush();
  assert.equal(flaky.requests.length, 3, 'three attempts, then parked');
  assert.equal(w2.state, 'open', 'a retriable failure does not fail the writer');
  assert.equal(w2.parked, 2);
  assert.deepEqual(w2.committableOffsets(), {});
  const still = await w2.resendParked();
  assert.ok(still !== null && still.retriable && /still failed after 3 attempts/.test(still.message));
  assert.equal(flaky.requests.length, 4, 'one attempt per resend: the worker spaces them');
  down = false;
  assert.equal(await w2.resendParked(), null);
  assert.equal(w2.parked, 0);
  assert.deepEqual(w2.committableOffsets(), { 'orders/0': 2 });
  assert.deepEqual(outcomes, [[0, 'durable'], [1, 'durable']]);
});

test('a connection failure outlasting the retries parks the batch too', async () => {
  const es = fakeBulk();
  es.failNextRequests(new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), new Error('ECONNREFUSED'));
  const { w } = writer(es, { maxRetries: 2 });
  await w.add(entry(0));
  await w.flush();
  assert.equal(w.parked, 1);
  assert.equal(await w.resendParked(), null);
  assert.deepEqual(w.committableOffsets(), { 'orders/0': 1 });
});

test('a non-retriable request error fails at once', async () => {
  const es = fakeBulk();
  es.failNextRequests(Object.assign(new Error('bad request'), { meta: { statusCode: 400 } }));
  const { w } = writer(es);
  await w.add(entry(0));
  await assert.rejects(w.flush(), /cannot be retried/);
  assert.equal(es.requests.length, 1);
});

test('malformed items: fail by default; warn/ignore report them and let the rest land', async () => {
  const bad = ({ action, id }: { action: string; id: string }) =>
    id === 'k1' ? { [action]: { status: 400, error: { type: 'document_parsing_exception', reason: 'failed to parse field [n]' } } } : { [action]: { status: 201 } };
  const { w } = writer(fakeBulk(bad));
  for (let i = 0; i < 3; i++) await w.add(entry(i));
  await assert.rejects(w.flush(), (e) => isEsSinkError(e, 'CONVEYOR_ES_MALFORMED_DOCUMENT') && /behavior\.on\.malformed\.documents=warn/.test(e.message));
  assert.deepEqual(w.committableOffsets(), { 'orders/0': 1 }, 'offsets stop before the malformed record');

  const reported: [number, string, string][] = [];
  const { w: w2, outcomes } = writer(fakeBulk(bad), { behaviorOnMalformedDocuments: 'warn', onMalformed: (e, r, b) => void reported.push([e.offset, r.errorType, b]) });
  for (let i = 0; i < 3; i++) await w2.add(entry(i));
  await w2.flush();
  assert.deepEqual(reported, [[1, 'document_parsing_exception', 'warn']]);
  assert.deepEqual(w2.committableOffsets(), { 'orders/0': 3 });
  assert.deepEqual(outcomes, [[0, 'durable'], [1, 'malformed'], [2, 'durable']]);
});

test('offsets advance per partition over contiguous settled records only; skips count', async () => {
  let release: (() => void) | undefined;
  const gate = new Promise<void>((r) => (release = r));
  const es = {
    async bulk(body: string) {
      const ops = ndjsonLines(body);
      const first = (ops[0] as { index: { _id: string } }).index._id;
      if (first === 'k0') await gate;
      return { errors: false, items: Array.from({ length: ops.length / 2 }, () => ({ index: { status: 201 } })) };
    },
  };
  const { w } = writer(es, { batchSize: 1 });
  await w.add(entry(0));
  await w.add(entry(1));
  w.skip('orders', 1, 1);
  await w.add(entry(2, 'k2', 1));
  while (w.buffered > 1) await new Promise((r) => setImmediate(r));
  assert.deepEqual(w.committableOffsets(), { 'orders/1': 3 }, 'partition 0 waits for offset 0 although 1 is done');
  release?.();
  await w.flush();
  assert.deepEqual(w.committableOffsets(), { 'orders/0': 2, 'orders/1': 3 });
});

test('add waits while max.buffered.records are buffered, and a stuck flush times out', async () => {
  const never = { bulk: () => new Promise<never>(() => {}) };
  const { w } = writer(never, { batchSize: 1, maxBufferedRecords: 2, maxInFlightRequests: 1, flushTimeoutMs: 1000 });
  await w.add(entry(0));
  await w.add(entry(1));
  await assert.rejects(w.add(entry(2)), (e) => isEsSinkError(e, 'CONVEYOR_ES_FLUSH_TIMEOUT') && /max\.buffered\.records/.test(e.message));
  assert.equal(w.state, 'failed');
});

test('backoff doubles from retry.backoff.ms with jitter, capped', () => {
  assert.equal(backoffMs(0, 100, 10_000, () => 1), 100);
  assert.equal(backoffMs(3, 100, 10_000, () => 1), 800);
  assert.equal(backoffMs(3, 100, 10_000, () => 0), 400);
  assert.equal(backoffMs(20, 100, 10_000, () => 1), 10_000);
});
