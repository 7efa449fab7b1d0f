/**
 * The HTTP sink (io.confluent.connect.http.HttpSinkConnector keys) in a standalone worker process on the real broker,
 * writing to a real HTTP server on loopback: batches as JSON arrays to a ${topic} URL with basic auth; retries of
 * 503s with backoff that send nothing twice; refused records in the dead-letter queue while the rest go on; a URL
 * whose origin no policy grants fails the task with the capability's message.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { httpRecorder } from '../../helpers/http-recorder.ts';
import type { HttpRecorder } from '../../helpers/http-recorder.ts';
import { produce, produceRaw, workerProcess } from '../../helpers/standalone-worker.ts';
import type { WorkerProcess } from '../../helpers/standalone-worker.ts';

let fx: KafkaFixture;
let w: WorkerProcess;
let api: HttpRecorder;

before(async () => {
  fx = await kafkaFixture();
  api = await httpRecorder();
  w = await workerProcess();
  await w.start();
});

after(async () => {
  await w.close();
  await api.close();
  await fx.cleanup();
});

interface Status {
  connector: { state: string };
  tasks: { state: string; trace?: string }[];
}

async function create(name: string, config: Record<string, string>): Promise<void> {
  fx.groups.push(`connect-${name}`);
  const res = await w.rest('PUT', `/connectors/${name}/config`, { 'connector.class': 'io.confluent.connect.http.HttpSinkConnector', 'tasks.max': '1', ...config });
  assert.ok([200, 201].includes(res.status), JSON.stringify(res.body));
}

async function status(name: string): Promise<Status> {
  return (await w.rest('GET', `/connectors/${name}/status`)).body as Status;
}

function bodiesFor(path: string): string[] {
  return api.accepted.filter((r) => r.url === path).map((r) => r.body);
}

void test('batches of batch.max.size go as JSON arrays to the ${topic} URL with basic auth, each record once and in order', { timeout: 120_000 }, async () => {
  const topic = await fx.topic('http-batches');
  const name = uniqueName('http-sink');
  await produce(fx.reference, topic, Array.from({ length: 95 }, (_, i) => ({ key: `k${i}`, value: { n: i } })));
  await create(name, {
    topics: topic,
    'http.api.url': `${api.origin}/ingest/\${topic}`,
    'request.body.format': 'json',
    'batch.json.as.array': 'true',
    'batch.max.size': '10',
    headers: 'X-Source:conveyor|X-Team:data',
    'auth.type': 'BASIC',
    'connection.user': 'ingest',
    'connection.password': 's3cret-pass',
  });
  const path = `/ingest/${topic}`;
  await eventually(() => (bodiesFor(path).flatMap((b) => JSON.parse(b) as unknown[]).length >= 95 ? true : undefined), 'all 95 records at the API', 60_000);
  const requests = api.accepted.filter((r) => r.url === path);
  const values = requests.flatMap((r) => JSON.parse(r.body) as { n: number }[]).map((v) => v.n);
  assert.deepEqual(values, Array.from({ length: 95 }, (_, i) => i), 'each record once, in order');
  assert.ok(requests.every((r) => (JSON.parse(r.body) as unknown[]).length <= 10), 'no request over batch.max.size');
  for (const r of requests) {
    assert.equal(r.method, 'POST');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-source'], 'conveyor');
    assert.equal(r.headers['x-team'], 'data');
    assert.equal(r.headers['authorization'], `Basic ${Buffer.from('ingest:s3cret-pass').toString('base64')}`);
  }
  const s = await status(name);
  assert.ok(s.tasks.length === 1 && s.tasks.every((t) => t.state === 'RUNNING'), JSON.stringify(s));
  const plugins = (await w.rest('GET', '/connector-plugins')).body as { class: string }[];
  assert.ok(plugins.some((p) => p.class === 'io.confluent.connect.http.HttpSinkConnector'));
});

void test('503s are retried after retry.backoff.ms and nothing is sent twice; the offsets are committed once accepted', { timeout: 120_000 }, async () => {
  const topic = await fx.topic('http-retry');
  const name = uniqueName('http-retry');
  let refusals = 0;
  api.answer = (r) => (r.url === `/retry/${topic}` && refusals++ < 4 ? 503 : 200);
  try {
    await produce(fx.reference, topic, Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: { n: i } })));
    await create(name, { topics: topic, 'http.api.url': `${api.origin}/retry/\${topic}`, 'request.body.format': 'json', 'batch.max.size': '5', 'batch.separator': '\n', 'retry.backoff.ms': '200', 'max.retries': '10' });
    const path = `/retry/${topic}`;
    await eventually(() => (bodiesFor(path).flatMap((b) => b.split('\n')).length >= 30 ? true : undefined), 'all 30 records accepted', 60_000);
    const values = bodiesFor(path).flatMap((b) => b.split('\n')).map((line) => (JSON.parse(line) as { n: number }).n);
    assert.deepEqual(values, Array.from({ length: 30 }, (_, i) => i), 'every record accepted exactly once, in order');
    assert.equal(api.all.filter((r) => r.url === path).length - bodiesFor(path).length, 4, 'the four 503s were retried');
    const committed = await eventually(async () => {
      const c = (await fx.admin.groupOffsets(`connect-${name}`, [topic])).get(topic)?.get(0);
      return c === 30n ? c : undefined;
    }, 'offset 30 committed', 30_000);
    assert.equal(committed, 30n);
    assert.ok((await status(name)).tasks.every((t) => t.state === 'RUNNING'));
  } finally {
    api.answer = () => 200;
  }
});

void test('records the API refuses (400, not retried) go to the dead-letter queue under errors.tolerance=all; the rest are sent', { timeout: 120_000 }, async () => {
  const topic = await fx.topic('http-refused');
  const dlq = await fx.topic('http-dlq');
  const name = uniqueName('http-dlq');
  api.answer = (r) => (r.body.includes('"bad"') ? 400 : 200);
  const reader = uniqueName('dlq-reader');
  fx.groups.push(reader);
  const consumer = fx.reference.consumer({ groupId: reader });
  try {
    const records = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: { n: i, kind: i % 7 === 3 ? 'bad' : 'good' } }));
    await produce(fx.reference, topic, records);
    await produceRaw(fx.reference, topic, [{ key: 'tomb', value: null }]);
    await create(name, {
      topics: topic,
      'http.api.url': `${api.origin}/refuse`,
      'request.body.format': 'json',
      'retry.on.status.codes': '500-',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    const got: { key: string; message: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push({ key: message.key?.toString('utf8') ?? '', message: message.headers?.['__connect.errors.exception.message']?.toString() ?? '' });
        await Promise.resolve();
      },
    });
    const bad = records.filter((r) => r.value.kind === 'bad').map((r) => r.key);
    await eventually(() => (got.length >= bad.length && bodiesFor('/refuse').length >= records.length - bad.length ? true : undefined), 'refused records in the DLQ, the rest sent', 60_000);
    assert.deepEqual(got.map((g) => g.key).sort(), [...bad].sort());
    for (const g of got) assert.match(g.message, /POST http:\/\/127\.0\.0\.1:\d+\/refuse answered 400/);
    assert.deepEqual(bodiesFor('/refuse').map((b) => (JSON.parse(b) as { n: number }).n), records.filter((r) => r.value.kind === 'good').map((r) => r.value.n));
    assert.ok((await status(name)).tasks.every((t) => t.state === 'RUNNING'), 'the tombstone was ignored (behavior.on.null.values=ignore) and the task runs');
  } finally {
    api.answer = () => 200;
    await consumer.disconnect().catch(() => undefined);
  }
});

void test('an origin no policy grants (a templated host) fails the task with the capability denial; bad config is a 400', { timeout: 120_000 }, async () => {
  const topic = await fx.topic('http-denied');
  const name = uniqueName('http-denied');
  await produce(fx.reference, topic, [{ key: 'k', value: { n: 1 } }]);
  await create(name, { topics: topic, 'http.api.url': 'http://${topic}.example:80/x' });
  const failed = await eventually(async () => {
    const s = await status(name);
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  }, 'the task to fail', 60_000);
  assert.match(failed.tasks[0]?.trace ?? '', /capability denied: http\.fetch to http:\/\/.*\.example/);
  const bad = await w.rest('PUT', '/connector-plugins/io.confluent.connect.http.HttpSinkConnector/config/validate', {
    name: 'validated', 'connector.class': 'io.confluent.connect.http.HttpSinkConnector', topics: topic, 'http.api.url': `${api.origin}/x`, headers: 'no-colon-here', 'retry.on.status.codes': '5xx', 'auth.type': 'BASIC',
  });
  assert.equal(bad.status, 200);
  const errors = (bad.body as { configs: { value: { name: string; errors: string[] } }[] }).configs.filter((c) => c.value.errors.length > 0).map((c) => c.value.name).sort();
  assert.deepEqual(errors, ['connection.user', 'headers', 'retry.on.status.codes']);
});
