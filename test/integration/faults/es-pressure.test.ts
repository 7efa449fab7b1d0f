/**
 * Elasticsearch under pressure, on a node of the test's own (the stack script with CONVEYOR_STACK_DIR, port 9201 and
 * thread_pool.write.queue_size 1, beside the default stack's 9200): the sink's bulk requests in flight overflow the
 * write queue, so items come back 429 among successes; then the node restarts while requests are in flight. Every
 * id ends with its last version (external versions make replays and retries safe; nothing is reordered), nothing
 * is lost, and the task is never FAILED.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { stackCommandWith } from '../../helpers/stack-control.ts';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { produce, workerProcess } from '../../helpers/standalone-worker.ts';
import type { WorkerProcess } from '../../helpers/standalone-worker.ts';

const PORT = 9201;
const URL_ = `http://127.0.0.1:${PORT}`;
const IDS = 300;
const VERSIONS = 20;
const dir = mkdtempSync(join(tmpdir(), 'conveyor-es-pressure-'));
const env = { CONVEYOR_STACK_DIR: dir, CONVEYOR_STACK_ES_PORT: String(PORT), CONVEYOR_STACK_ES_WRITE_QUEUE: '1' };
const es = new Client({ node: URL_ });
let fx: KafkaFixture;
let w: WorkerProcess;

before(async () => {
  stackCommandWith(env, 'up', 'elasticsearch');
  fx = await kafkaFixture();
  w = await workerProcess();
  await w.start();
});
after(async () => {
  await w?.close();
  await fx?.cleanup();
  await es.close();
  try {
    stackCommandWith(env, 'down', 'elasticsearch');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function writeRejections(): Promise<number> {
  const stats = await es.nodes.stats({ metric: 'thread_pool' });
  return Object.values(stats.nodes).reduce((n, node) => n + Number(node.thread_pool?.['write']?.rejected ?? 0), 0);
}

void test('429s from a full write queue and a node restart mid-bulk: every id ends at its last version, the task never FAILED', { timeout: 400_000 }, async () => {
  const topic = (await fx.topic('es-pressure', 2)).toLowerCase();
  const name = uniqueName('es-pressure');
  fx.groups.push(`connect-${name}`);
  // Version v of every id, in order: an id's versions share its partition, so their offsets (the external versions) rise with v.
  const versions = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => Array.from({ length: IDS }, (_, id) => ({ key: `id-${id}`, value: { id, v: from + i } }))).flat();
  await produce(fx.reference, topic, versions(0, VERSIONS / 2));
  const created = await w.rest('PUT', `/connectors/${name}/config`, {
    'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', topics: topic, 'tasks.max': '2',
    'connection.url': URL_, 'key.ignore': 'false', 'schema.ignore': 'true',
    'batch.size': '50', 'max.in.flight.requests': '5', 'linger.ms': '5', 'max.retries': '3', 'retry.backoff.ms': '50', 'errors.retry.delay.max.ms': '2000',
  });
  assert.ok([200, 201].includes(created.status), JSON.stringify(created.body));

  const states = new Set<string>();
  const traces: string[] = [];
  let watching = true;
  // Watches without throwing: a failure is asserted at the end, so the test never leaves its node running behind it.
  const watch = (async () => {
    while (watching) {
      const s = (await w.rest('GET', `/connectors/${name}/status`)).body as { tasks?: { state: string; trace?: string }[] };
      for (const t of s.tasks ?? []) {
        states.add(t.state);
        if (t.state === 'FAILED' && traces.length < 3) traces.push(t.trace ?? '');
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    await eventually(async () => ((await es.count({ index: topic }).catch(() => ({ count: 0 }))).count >= IDS / 3 ? true : undefined), 'some documents indexed', 120_000);
    const rejected = await writeRejections();
    process.stdout.write(`# write queue rejections before the restart: ${rejected}\n`);
    assert.ok(rejected > 0, 'the tiny write queue rejected bulk work (429s reached the sink)');
    stackCommandWith(env, 'down', 'elasticsearch');
    process.stdout.write('# Elasticsearch stopped mid-run\n');
    // The second half arrives while the node is down: the sink's bulk requests fail until it is back.
    await produce(fx.reference, topic, versions(VERSIONS / 2, VERSIONS));
    await new Promise((r) => setTimeout(r, 3000));
    stackCommandWith(env, 'up', 'elasticsearch');
    process.stdout.write('# Elasticsearch back\n');
    await eventually(async () => {
      await es.indices.refresh({ index: topic });
      const res = await es.search<{ id: number; v: number }>({ index: topic, size: IDS + 10, query: { range: { v: { gte: VERSIONS - 1 } } } });
      return res.hits.hits.length === IDS ? true : undefined;
    }, 'every id at its last version', 180_000);
  } finally {
    watching = false;
    await watch;
  }
  await es.indices.refresh({ index: topic });
  const all = await es.search<{ id: number; v: number }>({ index: topic, size: IDS + 10, query: { match_all: {} } });
  assert.equal(all.hits.hits.length, IDS, 'one document per id');
  for (const h of all.hits.hits) {
    assert.equal(h._id, `id-${h._source?.id}`);
    assert.equal(h._source?.v, VERSIONS - 1, `${h._id} holds its last version`);
  }
  assert.deepEqual([...states].filter((s) => s !== 'RUNNING' && s !== 'UNASSIGNED'), [], `never FAILED or restarted${traces.length > 0 ? `: ${traces.join('\n')}` : ''}`);
});
