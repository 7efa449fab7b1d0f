/**
 * The Elasticsearch sink under 429s from the real node, through a standalone worker: the index carries the
 * read-only-allow-delete block (Elasticsearch answers every write with 429 TOO_MANY_REQUESTS, as at the disk
 * flood stage). Once max.retries runs out, put throws a RetriableError and the worker redelivers the batch after a
 * backoff: the task stays RUNNING, nothing is committed past what is indexed, and everything lands once the block
 * is lifted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import { stack } from '../../helpers/stack.ts';
import { produce, workerProcess } from '../../helpers/standalone-worker.ts';

const CLASS = 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector';
const BLOCK = 'index.blocks.read_only_allow_delete';

void test('429s outlasting max.retries redeliver the batch instead of failing the task', { timeout: 120_000 }, async (t) => {
  const fx = await kafkaFixture();
  const es = new Client({ node: stack.elasticsearchUrl });
  const w = await workerProcess();
  const topic = (await fx.topic('es-429', 1)).toLowerCase();
  const name = uniqueName('es429');
  fx.groups.push(`connect-${name}`);
  t.after(async () => {
    await w.close();
    await fx.cleanup();
    await es.indices.delete({ index: topic, ignore_unavailable: true }).catch(() => undefined);
    await es.close();
  });
  await es.indices.create({ index: topic, settings: { [BLOCK]: true } });
  await w.start();
  await produce(fx.reference, topic, Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: { n: i } })));
  const created = await w.rest('PUT', `/connectors/${name}/config`, {
    'connector.class': CLASS, topics: topic, 'connection.url': stack.elasticsearchUrl, 'key.ignore': 'false', 'schema.ignore': 'true',
    'max.retries': '1', 'retry.backoff.ms': '20', 'linger.ms': '10', 'errors.retry.delay.max.ms': '1000',
  });
  assert.ok([200, 201].includes(created.status), JSON.stringify(created.body));

  const states: string[] = [];
  const taskState = async (): Promise<string> => {
    const s = (await w.rest('GET', `/connectors/${name}/status`)).body as { tasks?: { state: string; trace?: string }[] };
    const state = s.tasks?.[0]?.state ?? 'NONE';
    states.push(state);
    assert.notEqual(state, 'FAILED', `the task failed: ${s.tasks?.[0]?.trace ?? ''}`);
    return state;
  };
  await eventually(async () => ((await taskState()) === 'RUNNING' ? true : undefined), 'the task running');
  // Ten seconds of 429s, far past max.retries=1; records keep coming, so puts meet the parked operations and throw.
  const until = Date.now() + 10_000;
  let more = 0;
  while (Date.now() < until) {
    if (more < 3) await produce(fx.reference, topic, Array.from({ length: 10 }, (_, i) => ({ key: `m${more}-${i}`, value: { more, i } })));
    more++;
    await taskState();
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal((await es.count({ index: topic })).count, 0, 'the block held every write back');
  // -1: the group has no committed offset for the partition.
  const committed = (await fx.admin.groupOffsets(`connect-${name}`, [topic])).get(topic)?.get(0) ?? -1n;
  assert.ok(committed <= 0n, `nothing committed past what Elasticsearch holds (committed ${committed})`);

  await es.indices.putSettings({ index: topic, settings: { [BLOCK]: null } });
  await eventually(async () => {
    await taskState();
    await es.indices.refresh({ index: topic });
    return (await es.count({ index: topic })).count === 80 ? true : undefined;
  }, 'every record indexed once the block is lifted', 40_000);
  await eventually(async () => ((await fx.admin.groupOffsets(`connect-${name}`, [topic])).get(topic)?.get(0) === 80n ? true : undefined), 'offset 80 committed', 20_000);
  assert.equal(await taskState(), 'RUNNING');
  assert.ok(!states.includes('FAILED'));

  await w.kill('SIGTERM');
  // The helper writes the worker's output once it exited.
  const log = await eventually(async () => {
    const text = await readFile(join(w.dir, 'worker-1.log'), 'utf8').catch(() => '');
    return text === '' ? undefined : text;
  }, "the worker's log");
  assert.match(log, /put asked for the batch again \(RetriableError\)/);
  assert.match(log, /operations still wait for Elasticsearch/);
});
