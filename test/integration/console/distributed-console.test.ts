/**
 * The web console of a distributed cluster: every worker serves it, and its Workers view shows who holds what — two
 * real worker processes on etcd and Kafka, a connector whose two tasks the leader spreads over both, and the page,
 * read through either worker, naming each task under the worker its status names. Screenshots: .tmp/screenshots/console-distributed/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../../helpers/browser.ts';
import type { TestBrowser } from '../../helpers/browser.ts';
import { WorkerCluster } from '../../helpers/worker-procs.ts';
import { kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';

const cluster = new WorkerCluster();
// Assigned in before(); after() closes whatever before() got as far as starting.
let fx: KafkaFixture;
let b: TestBrowser;

before(async () => {
  fx = await kafkaFixture();
  await cluster.start('console-w1');
  await cluster.start('console-w2');
  b = await launchBrowser('console-distributed');
});

after(async () => {
  await b?.close();
  await cluster.close();
  await fx?.cleanup();
});

void test('each worker serves the console; the Workers view shows the tasks each worker holds', { timeout: 180_000 }, async () => {
  const topic = await fx.topic('console-dist', 2);
  const name = uniqueName('console-dist-gen');
  const created = await cluster.request('POST', '/connectors', { name, config: { 'connector.class': 'DatagenSource', 'tasks.max': '2', topic, rate: '20' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  // The leader balances the two tasks over the two workers.
  const statuses = await cluster.allRunning([name], 90_000, (s) => new Set(s.get(name)?.tasks.map((t) => t.worker_id)).size === 2);
  const status = statuses.get(name);
  assert.ok(status !== undefined);

  for (const via of ['console-w1', 'console-w2']) {
    const w = cluster.workers.get(via);
    assert.ok(w !== undefined);
    await b.page.goto(`${w.url}/ui/#/workers`);
    for (const t of status.tasks) {
      await b.page.locator(`.worker[data-worker="${t.worker_id}"]`).getByText(`${name}-${t.id}`, { exact: true }).waitFor({ timeout: 30_000 });
    }
    await b.page.locator(`.worker[data-worker="${status.connector.worker_id}"]`).getByText(name, { exact: true }).waitFor();
    assert.equal(await b.page.locator('.worker').count(), 2);
    await b.screenshot(`workers-via-${via}`);
  }
});
