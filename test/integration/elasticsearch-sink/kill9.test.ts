/**
 * 100,000 records over 20,000 keys (five rounds of values) into Elasticsearch through a standalone worker that is
 * killed with SIGKILL mid-way and started again: the index ends with one document per key, each holding the
 * last round's value (offsets are committed only over acknowledged documents; replays lose to newer versions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import { stack } from '../../helpers/stack.ts';
import { produce, workerProcess } from '../../helpers/standalone-worker.ts';

const KEYS = 20_000;
const ROUNDS = 5;

async function count(es: Client, index: string, query: object = { match_all: {} }): Promise<number> {
  if (!(await es.indices.exists({ index }))) return 0;
  await es.indices.refresh({ index });
  return (await es.count({ index, query })).count;
}

void test('kill -9 of the worker mid-way: index count equals the distinct keys, every value the latest', { timeout: 90_000 }, async (t) => {
  const fx = await kafkaFixture();
  const es = new Client({ node: stack.elasticsearchUrl });
  const w = await workerProcess();
  const topic = (await fx.topic('es-kill9', 2)).toLowerCase();
  const name = uniqueName('essink-kill9');
  fx.groups.push(`connect-${name}`);
  t.after(async () => {
    await w.close();
    await fx.cleanup();
    await es.indices.delete({ index: topic, ignore_unavailable: true }).catch(() => undefined);
    await es.close();
  });
  const records: { key: string; value: unknown }[] = [];
  for (let r = 0; r < ROUNDS; r++) for (let k = 0; k < KEYS; k++) records.push({ key: `key-${k}`, value: { k, round: r } });
  await produce(fx.reference, topic, records);

  await w.start();
  const res = await w.rest('PUT', `/connectors/${name}/config`, {
    'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector',
    topics: topic,
    'connection.url': stack.elasticsearchUrl,
    'key.ignore': 'false',
    'schema.ignore': 'true',
    'tasks.max': '2',
    'batch.size': '1000',
    // The killed worker's consumers stay in the group until their session times out (45 s by default, as in Java);
    // a shorter session lets the restarted worker's consumers take the partitions sooner.
    'consumer.override.session.timeout.ms': '10000',
  });
  assert.ok([200, 201].includes(res.status), JSON.stringify(res.body));
  // Mid-way: documents from the first rounds are in, the last round is not complete.
  await eventually(async () => ((await count(es, topic)) >= KEYS / 2 ? true : undefined), 'documents arriving', 60_000);
  await w.kill('SIGKILL');
  const atKill = await count(es, topic, { term: { round: ROUNDS - 1 } });
  assert.ok(atKill < KEYS, `the kill came before the last round was complete (${atKill} of ${KEYS})`);

  await w.start();
  await eventually(async () => ((await count(es, topic, { term: { round: ROUNDS - 1 } })) === KEYS ? true : undefined), 'every key at its last round after the restart', 70_000);
  assert.equal(await count(es, topic), KEYS);
  t.diagnostic(`at the kill ${atKill} of ${KEYS} keys held their last value`);
});
