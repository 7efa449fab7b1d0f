/**
 * GET /metrics on distributed workers (real etcd and Kafka): each worker counts what it runs itself, and serves
 * connect-worker-rebalance-metrics for the assignments it applied.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, deleteCluster, startDistributedNode, stopNode, until } from '../../helpers/distributed-nodes.ts';
import type { DistributedNode } from '../../helpers/distributed-nodes.ts';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus.ts';
import type { Sample } from '../../helpers/prometheus.ts';
import { uniqueName } from '../../helpers/stack.ts';

const cluster = uniqueName('dm');
const topic = uniqueName('dm-topic');
const nodes: DistributedNode[] = [];

before(async () => {
  nodes.push(await startDistributedNode({ cluster, id: 'dm-1', leaseTtlSeconds: 5 }));
  nodes.push(await startDistributedNode({ cluster, id: 'dm-2', leaseTtlSeconds: 5 }));
});

after(async () => {
  for (const n of nodes) await stopNode(n);
  await deleteCluster(cluster);
});

async function scrape(node: DistributedNode): Promise<Sample[]> {
  const res = await fetch(`${node.url}/metrics`);
  assert.equal(res.status, 200);
  return parsePrometheus(await res.text());
}

const sum = (all: readonly Sample[][], name: string): number => all.reduce((n, s) => n + (sampleValue(s, name) ?? 0), 0);

void test('every worker serves its own share: task counts add up across workers, rebalances and polls are counted', { timeout: 120_000 }, async () => {
  const [first] = nodes;
  assert.ok(first !== undefined);
  const config = { 'connector.class': 'DatagenSource', 'tasks.max': '2', topic, rate: '50', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '2' };
  const created = await call(first, 'POST', '/connectors', { name: 'gen', config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const scrapes = await until('both tasks polling, as the workers report them', async () => {
    const all = await Promise.all(nodes.map(scrape));
    const polled = [0, 1].every((task) => all.some((s) => (sampleValue(s, 'kafka_connect_source_task_metrics_source_record_poll_total', { connector: 'gen', task: String(task) }) ?? 0) > 0));
    return polled ? all : undefined;
  }, 60_000);
  assert.equal(sum(scrapes, 'kafka_connect_connect_worker_metrics_task_count'), 2);
  assert.equal(sum(scrapes, 'kafka_connect_connect_worker_metrics_connector_count'), 1);
  for (const s of scrapes) {
    assert.ok((sampleValue(s, 'kafka_connect_connect_worker_rebalance_metrics_epoch') ?? 0) >= 1, 'the assignment generation');
    assert.ok((sampleValue(s, 'kafka_connect_connect_worker_rebalance_metrics_completed_rebalances_total') ?? 0) >= 1);
    assert.ok(Number.isFinite(sampleValue(s, 'kafka_connect_connect_worker_rebalance_metrics_time_since_last_rebalance_ms')));
    assert.equal(sampleValue(s, 'kafka_connect_connect_worker_rebalance_metrics_rebalancing'), 0);
  }
});
