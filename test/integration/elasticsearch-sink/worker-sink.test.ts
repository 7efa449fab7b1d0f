/**
 * Kafka → Elasticsearch through a standalone worker process and the sandboxed built-in sink (no plugin.path):
 * a replay by a second connector leaves each document once with its latest value; an Elasticsearch outage
 * (a TCP proxy in front of the shared node, cut and restored) is retried and nothing is lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import { stack } from '../../helpers/stack.ts';
import { cuttableProxy, produce, workerProcess } from '../../helpers/standalone-worker.ts';

const CLASS = 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector';

async function indexed(es: Client, index: string): Promise<Map<string, Record<string, unknown>>> {
  const exists = await es.indices.exists({ index });
  if (!exists) return new Map();
  await es.indices.refresh({ index });
  const res = await es.search<Record<string, unknown>>({ index, size: 10_000, query: { match_all: {} } });
  return new Map(res.hits.hits.map((h) => [h._id ?? '', h._source ?? {}]));
}

void test('Kafka → ES through a worker: replay, and an ES outage mid-run', { timeout: 90_000 }, async (t) => {
  const fx = await kafkaFixture();
  const es = new Client({ node: stack.elasticsearchUrl });
  const w = await workerProcess();
  const proxyTarget = new URL(stack.elasticsearchUrl);
  const proxy = await cuttableProxy(proxyTarget.hostname, Number(proxyTarget.port || 9200));
  const topic = (await fx.topic('es-sink', 2)).toLowerCase();
  const outageTopic = (await fx.topic('es-outage', 1)).toLowerCase();
  const first = uniqueName('essink-a');
  const second = uniqueName('essink-b');
  const third = uniqueName('essink-c');
  fx.groups.push(`connect-${first}`, `connect-${second}`, `connect-${third}`);
  t.after(async () => {
    await w.close();
    await proxy.close();
    await fx.cleanup();
    await es.indices.delete({ index: [topic, outageTopic], ignore_unavailable: true }).catch(() => undefined);
    await es.close();
  });
  await w.start();
  const sink = (name: string, topics: string, url: string) =>
    w.rest('PUT', `/connectors/${name}/config`, { 'connector.class': CLASS, topics, 'connection.url': url, 'key.ignore': 'false', 'schema.ignore': 'true', 'tasks.max': '2', 'max.retries': '100', 'retry.backoff.ms': '50' });

  // 300 keys, written twice: the second value of each key has the higher offset.
  const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
  await produce(fx.reference, topic, keys.map((k) => ({ key: k, value: { id: k, v: 1 } })));
  await produce(fx.reference, topic, keys.map((k) => ({ key: k, value: { id: k, v: 2 } })));
  const created = await sink(first, topic, stack.elasticsearchUrl);
  assert.ok(created.status === 201 || created.status === 200, JSON.stringify(created.body));
  const latest = (docs: Map<string, Record<string, unknown>>) => docs.size === keys.length && keys.every((k) => docs.get(k)?.['v'] === 2);
  await eventually(async () => (latest(await indexed(es, topic)) ? true : undefined), 'every key indexed with its latest value', 40_000);

  // A second connector replays the whole topic into the same index: older offsets lose to the stored versions.
  assert.ok([200, 201].includes((await sink(second, topic, stack.elasticsearchUrl)).status));
  await eventually(async () => {
    const s = (await w.rest('GET', `/connectors/${second}/status`)).body as { tasks?: { state: string }[] };
    return s.tasks?.length === 2 && s.tasks.every((x) => x.state === 'RUNNING') ? true : undefined;
  }, 'the replaying connector running');
  await eventually(async () => {
    const offsets = await fx.admin.groupOffsets(`connect-${second}`, [topic]);
    const committed = [...(offsets.get(topic)?.values() ?? [])].reduce((a, b) => a + Number(b), 0);
    return committed === keys.length * 2 ? true : undefined;
  }, 'the replay committed every record', 40_000);
  const replayed = await indexed(es, topic);
  assert.equal(replayed.size, keys.length);
  assert.ok(latest(replayed), 'every document still holds the latest value after the replay');
  await w.rest('DELETE', `/connectors/${first}`);
  await w.rest('DELETE', `/connectors/${second}`);

  // Elasticsearch unavailable mid-run: the sink retries and catches up.
  assert.ok([200, 201].includes((await sink(third, outageTopic, `http://127.0.0.1:${proxy.port}`)).status));
  await produce(fx.reference, outageTopic, Array.from({ length: 200 }, (_, i) => ({ key: `a${i}`, value: { n: i } })));
  await eventually(async () => ((await indexed(es, outageTopic)).size === 200 ? true : undefined), 'the first batch indexed through the proxy', 30_000);
  // The outage lasts 30 s, as when Elasticsearch is stopped and started again; the sink keeps retrying.
  const OUTAGE_MS = 30_000;
  const cutAt = Date.now();
  proxy.cut();
  await produce(fx.reference, outageTopic, Array.from({ length: 300 }, (_, i) => ({ key: `b${i}`, value: { n: i } })));
  await eventually(() => (proxy.refused >= 3 ? true : undefined), 'the sink retrying against the cut proxy', 30_000);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));
  const refusedDuringOutage = proxy.refused;
  proxy.restore();
  const after = await eventually(async () => {
    const d = await indexed(es, outageTopic);
    return d.size === 500 ? d : undefined;
  }, 'every record indexed after Elasticsearch came back', 40_000);
  assert.equal([...after.keys()].filter((k) => k.startsWith('b')).length, 300);
  assert.ok(refusedDuringOutage > 3, `the sink kept retrying through the whole outage (${refusedDuringOutage} refused connections)`);
  const status = (await w.rest('GET', `/connectors/${third}/status`)).body as { tasks: { state: string }[] };
  assert.ok(status.tasks.every((x) => x.state === 'RUNNING'), JSON.stringify(status));
});
