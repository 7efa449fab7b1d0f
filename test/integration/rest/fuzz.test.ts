/**
 * Property-based fuzzing of the REST API (fast-check) against a real Kafka-backed standalone worker: every Kafka
 * Connect endpoint with hostile names, task ids, query strings, bodies (JSON of any shape, connector configs with
 * values of the wrong types and sizes, malformed text) and content types, plus random methods on random paths. Every
 * answer must come within a bound and never be a 5xx; an error answer carries Kafka Connect's
 * {error_code, message} body with the status as error_code; the worker keeps answering afterwards. A failure prints
 * fast-check's seed and the shrunk request, so it replays.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { startRestWorker, tempDir } from './helpers.ts';
import type { RestWorker } from './helpers.ts';

const EXISTING = `fuzz-existing-${process.pid}`;
const ANSWER_WITHIN_MS = 15_000;
const RUNS = Number(process.env['CONVEYOR_FUZZ_RUNS'] ?? 400);

interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

const hostileSegment = fc.oneof(
  fc.constant(EXISTING),
  fc.constant('missing-connector'),
  fc.constantFrom('..', '.', '%', '%00', '%ff', '%2F', '%2e%2e', 'a%20b', '%u0041', '\u0000', 'null', 'undefined', '__proto__', 'constructor', 'prototype'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.integer({ min: 1000, max: 9000 }).map((n) => 'x'.repeat(n)),
);

const taskId = fc.oneof(fc.integer({ min: -2, max: 3 }).map(String), fc.constantFrom('abc', '1.5', '99999999999999999999', '0x1', '-0', '1e3', ''));

const queryString = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.oneof(fc.constantFrom('includeTasks', 'onlyFailed', 'expand', 'forward', 'scope', 'level'), fc.string({ maxLength: 10 })), fc.oneof(fc.constantFrom('true', 'false', 'TRUE', '', 'status', 'info', 'cluster', 'worker'), fc.string({ maxLength: 30 })), { maxKeys: 3 })
    .map((q) => '?' + new URLSearchParams(q).toString()),
  fc.string({ maxLength: 40 }).map((s) => '?' + s),
);

/** A JSON value of the kinds a config or body may wrongly hold. */
const wrongValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'v'.repeat(n)),
);

/** Connector configs that are nearly right: a real class, the keys its users set, values of any type and size. */
const configLike = fc.record(
  {
    'connector.class': fc.oneof(fc.constantFrom('CountingSink', 'DatagenSource', 'org.apache.kafka.connect.file.FileStreamSinkConnector', 'NoSuchConnector', ''), wrongValue),
    'tasks.max': fc.oneof(fc.constantFrom('1', '0', '-1', 'many', '99999999999'), wrongValue),
    topics: fc.oneof(fc.constantFrom('fuzz-topic', '', 'a,b', ' , '), wrongValue),
    'topics.regex': wrongValue,
    name: fc.oneof(fc.constant(EXISTING), wrongValue),
    transforms: fc.oneof(fc.constantFrom('t', 'a,b', ''), wrongValue),
    'transforms.t.type': fc.oneof(fc.constantFrom('org.apache.kafka.connect.transforms.InsertField$Value', 'Nope'), wrongValue),
    'errors.tolerance': fc.oneof(fc.constantFrom('all', 'none', 'some'), wrongValue),
    'key.converter': fc.oneof(fc.constantFrom('org.apache.kafka.connect.storage.StringConverter', 'x.Y'), wrongValue),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  configLike.map((c) => JSON.stringify(c)),
  fc.record({ name: fc.oneof(hostileSegment.map(decodeURIComponentSafe), wrongValue), config: fc.oneof(configLike, wrongValue) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ offsets: fc.oneof(wrongValue, fc.array(fc.record({ partition: wrongValue, offset: wrongValue }, { requiredKeys: [] }), { maxLength: 3 })) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ level: fc.oneof(fc.constantFrom('DEBUG', 'INFO', 'TRACE', 'nope', ''), wrongValue) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"a":', '[1,2', '{"name": "x", "config": {', 'null', '""', '\u0000', '{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"polluted": true}}}'),
);

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Mostly JSON, so most requests get past the content-type check to the validation behind it. */
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  { arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '*/*', 'garbage'), weight: 2 },
);

const endpoint = fc
  .tuple(hostileSegment, taskId, hostileSegment)
  .chain(([n, t, other]) =>
    fc.constantFrom<[string, string]>(
      ['GET', '/'],
      ['GET', '/connectors'],
      ['POST', '/connectors'],
      ['GET', `/connectors/${n}`],
      ['DELETE', `/connectors/${n}`],
      ['GET', `/connectors/${n}/config`],
      ['PUT', `/connectors/${n}/config`],
      ['PATCH', `/connectors/${n}/config`],
      ['GET', `/connectors/${n}/status`],
      ['POST', `/connectors/${n}/restart`],
      ['PUT', `/connectors/${n}/pause`],
      ['PUT', `/connectors/${n}/resume`],
      ['PUT', `/connectors/${n}/stop`],
      ['GET', `/connectors/${n}/tasks`],
      ['GET', `/connectors/${n}/tasks-config`],
      ['GET', `/connectors/${n}/tasks/${t}/status`],
      ['POST', `/connectors/${n}/tasks/${t}/restart`],
      ['GET', `/connectors/${n}/offsets`],
      ['DELETE', `/connectors/${n}/offsets`],
      ['PATCH', `/connectors/${n}/offsets`],
      ['GET', `/connectors/${n}/topics`],
      ['PUT', `/connectors/${n}/topics/reset`],
      ['GET', '/connector-plugins'],
      ['GET', `/connector-plugins/${other}/config`],
      ['PUT', `/connector-plugins/${other}/config/validate`],
      ['PUT', `/connector-plugins/CountingSink/config/validate`],
      ['GET', '/admin/loggers'],
      ['GET', `/admin/loggers/${other}`],
      ['PUT', `/admin/loggers/${other}`],
      ['DELETE', `/connectors/${n}/${other}`],
      ['OPTIONS', `/connectors/${n}`],
      ['HEAD', '/connectors'],
      ['POST', `/${other}`],
    ),
  );

const request: fc.Arbitrary<FuzzRequest> = fc
  .tuple(endpoint, queryString, body, contentType, fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.boolean())
  .map(([[endpointMethod, path], query, b, ct, otherMethod, swapMethod]) => {
    const method = swapMethod ? otherMethod : endpointMethod;
    return {
      method,
      path: path + query,
      ...(b === undefined || method === 'GET' || method === 'HEAD' ? {} : { body: b }),
      ...(ct === undefined ? {} : { contentType: ct }),
    };
  });

async function send(url: string, r: FuzzRequest): Promise<{ status: number; text: string; contentType: string | null }> {
  const res = await fetch(url + r.path, {
    method: r.method,
    ...(r.body === undefined ? {} : { body: r.body }),
    headers: r.contentType === undefined ? {} : { 'content-type': r.contentType },
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') };
}

/** Kafka Connect answers an error with {error_code, message}, error_code being the status. */
function assertErrorBody(r: FuzzRequest, status: number, text: string, contentType: string | null): void {
  if (status < 400 || r.method === 'HEAD' || contentType?.includes('json') !== true) return;
  const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown };
  assert.equal(parsed.error_code, status, `error_code of ${r.method} ${r.path}: ${text.slice(0, 300)}`);
  assert.equal(typeof parsed.message, 'string', `message of ${r.method} ${r.path}: ${text.slice(0, 300)}`);
}

void test('REST fuzzing: no 5xx, no hang, Kafka Connect error bodies, for any path, query, body and content type', { timeout: 600_000 }, async (t) => {
  const tmp = await tempDir();
  const worker: RestWorker = await startRestWorker(tmp.dir);
  t.after(async () => {
    await worker.close();
    await tmp.remove();
  });
  const created = await worker.call('POST', '/connectors', { name: EXISTING, config: { 'connector.class': 'CountingSink', topics: `fuzz-${process.pid}`, 'tasks.max': '1' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  let requests = 0;
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const { status, text, contentType } = await send(worker.url, r);
      requests++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      assert.ok(status < 500, `${r.method} ${r.path} (${r.contentType ?? 'no content type'}) answered ${status}: ${text.slice(0, 500)}`);
      assertErrorBody(r, status, text, contentType);
    }),
    { numRuns: RUNS },
  );
  t.diagnostic(`${requests} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);

  // Nothing was polluted and the worker still serves.
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution');
  const root = await worker.call('GET', '/');
  assert.equal(root.status, 200);
  const list = await worker.call('GET', '/connectors');
  assert.equal(list.status, 200);
  for (const name of list.body as string[]) await worker.call('DELETE', `/connectors/${encodeURIComponent(name)}`);
  assert.deepEqual((await worker.call('GET', '/connectors')).body, []);
});
