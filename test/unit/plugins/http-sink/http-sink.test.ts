import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRequest, HttpResponse, RawConfig, SinkRecord } from '../../../../sdk/index.ts';
import { createTaskHarness } from '../../../../sdk/testing.ts';
import httpSink from '../../../../plugins/http-sink/src/index.ts';

const rec = (offset: number, value: unknown = { n: offset }, key: unknown = `k${offset}`): SinkRecord => ({ topic: 'orders', partition: 0, offset, key: key as SinkRecord['key'], value: value as SinkRecord['value'], headers: {}, timestamp: 0 });

interface Sent {
  url: string;
  method: string;
  body?: string;
  headers: Record<string, string>;
}

/** A harness over a scripted API: `answer` gives each request's status (or throws, for no response). */
function harness(config: RawConfig, answer: (req: Sent) => number = () => 200) {
  const sent: Sent[] = [];
  const reported: { offset: number; message: string }[] = [];
  const h = createTaskHarness(httpSink, {
    config: { topics: 'orders', 'http.api.url': 'http://api.test/in', ...config },
    capabilities: {
      http: {
        fetch(url: string, request?: HttpRequest): Promise<HttpResponse> {
          const req: Sent = { url, method: request?.method ?? 'GET', headers: request?.headers ?? {}, ...(request?.body === undefined ? {} : { body: request.body }) };
          sent.push(req);
          const status = answer(req);
          return Promise.resolve({ status, headers: {}, body: status === 200 ? '' : `{"error":"status ${status}"}` });
        },
      },
      errantRecordReporter: {
        report(record, error) {
          reported.push({ offset: record.offset, message: error.message });
          return Promise.resolve();
        },
      },
    },
  });
  return { h, sent, reported };
}

void test('runs of batch.max.size in string format, with batch.prefix, separator and suffix', async () => {
  const { h, sent } = harness({ 'batch.max.size': '3', 'batch.prefix': '{"items":[', 'batch.suffix': ']}', 'batch.separator': ',' });
  await h.start();
  assert.equal(await h.put([0, 1, 2, 3, 4, 5, 6].map((i) => rec(i))), null);
  assert.deepEqual(sent.map((s) => s.body), ['{"items":[{"n":0},{"n":1},{"n":2}]}', '{"items":[{"n":3},{"n":4},{"n":5}]}', '{"items":[{"n":6}]}']);
  assert.ok(sent.every((s) => s.method === 'POST' && s.headers['Content-Type'] === 'text/plain'));
});

void test('${key} in the URL cuts runs where the key changes; a tombstone sends a DELETE under behavior.on.null.values=delete', async () => {
  const { h, sent } = harness({ 'http.api.url': 'http://api.test/items/${key}', 'batch.max.size': '10', 'request.body.format': 'json', 'batch.json.as.array': 'true', 'behavior.on.null.values': 'delete' });
  await h.start();
  await h.put([rec(0, { a: 1 }, 'x'), rec(1, { a: 2 }, 'x'), rec(2, { a: 3 }, 'y/z'), rec(3, null, 'x')]);
  assert.deepEqual(sent.map((s) => [s.method, s.url, s.body]), [
    ['POST', 'http://api.test/items/x', '[{"a":1},{"a":2}]'],
    ['POST', 'http://api.test/items/y%2Fz', '[{"a":3}]'],
    ['DELETE', 'http://api.test/items/x', undefined],
  ]);
});

void test('a retriable status asks for the batch again after retry.backoff.ms; the redelivered batch sends only what was not accepted', async () => {
  let fail = 2;
  const { h, sent } = harness({ 'batch.max.size': '2', 'retry.backoff.ms': '750' }, (req) => (req.body?.includes('"n":2') === true && fail-- > 0 ? 503 : 200));
  await h.start();
  const batch = [0, 1, 2, 3, 4].map((i) => rec(i));
  const first = await h.put(batch);
  assert.equal(first?.timeoutMs, 750);
  assert.match(first?.retry?.message ?? '', /POST http:\/\/api\.test\/in answered 503: .*\(attempt 1 of 11\)/);
  assert.match((await h.put(batch))?.retry?.message ?? '', /attempt 2 of 11/);
  assert.equal(await h.put(batch), null);
  const accepted = sent.filter((_, i) => ![1, 2].includes(i)).map((s) => s.body);
  assert.deepEqual(accepted, ['{"n":0},{"n":1}', '{"n":2},{"n":3}', '{"n":4}'], 'records 0 and 1 were sent once, before the failures');
  assert.equal(sent.length, 5);
});

void test('past max.retries, behavior.on.error=log skips the records; fail reports them to the errant record reporter', async () => {
  const logged = harness({ 'max.retries': '1', 'behavior.on.error': 'log' }, () => 500);
  await logged.h.start();
  assert.ok((await logged.h.put([rec(0)]))?.retry);
  assert.equal(await logged.h.put([rec(0)]), null);
  assert.ok(logged.h.logs.some((l) => l.level === 'error' && l.msg.includes('behavior.on.error=log') && JSON.stringify(l.fields?.['error'] ?? '').includes('gave up after 2 attempts')));

  const failing = harness({ 'retry.on.status.codes': '500-', 'behavior.on.error': 'fail' }, (req) => (req.body === '{"n":1}' ? 422 : 200));
  await failing.h.start();
  assert.equal(await failing.h.put([rec(0), rec(1), rec(2)]), null);
  assert.deepEqual(failing.reported.map((r) => r.offset), [1]);
  assert.match(failing.reported[0]?.message ?? '', /answered 422/);
  assert.deepEqual(failing.sent.map((s) => s.body), ['{"n":0}', '{"n":1}', '{"n":2}']);
});

void test('basic auth and headers; validate reports malformed headers, status ranges and a missing user', async () => {
  const { h, sent } = harness({ 'auth.type': 'BASIC', 'connection.user': 'ü', 'connection.password': 'p:w', headers: 'X-A: 1|X-B:two' });
  await h.start();
  await h.put([rec(0)]);
  assert.equal(sent[0]?.headers['Authorization'], `Basic ${Buffer.from('ü:p:w', 'utf8').toString('base64')}`);
  assert.equal(sent[0]?.headers['X-A'], '1');
  assert.equal(sent[0]?.headers['X-B'], 'two');
  const errors = await h.validate({ topics: 'orders', 'http.api.url': 'http://api.test/in', headers: 'nope', 'retry.on.status.codes': '500-450', 'auth.type': 'basic' });
  assert.deepEqual(Object.keys(errors).sort(), ['connection.user', 'headers', 'retry.on.status.codes']);
});
