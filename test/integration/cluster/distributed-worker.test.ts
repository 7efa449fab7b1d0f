/**
 * Distributed workers (DistributedHerder + REST) on the real etcd and Kafka, in this process: writes forwarded to
 * the leader, tasks spread over the workers, target states, config updates and restarts reaching each unit's owner,
 * and a graceful leave handing tasks over without waiting for the lease.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FORWARDED_HEADER } from '../../../host/rest/request-signing.ts';
import { call, deleteCluster, leaderAndFollower as pickLeader, startDistributedNode, stopNode, until } from '../../helpers/distributed-nodes.ts';
import type { DistributedNode as Node } from '../../helpers/distributed-nodes.ts';
import { uniqueName } from '../../helpers/stack.ts';

interface TaskView {
  id: number;
  state: string;
  worker_id: string;
}

const cluster = uniqueName('dw');
const topic = uniqueName('dw-topic');
const nodes: Node[] = [];

async function startNode(id: string, leaseTtlSeconds: number): Promise<Node> {
  const node = await startDistributedNode({ cluster, id, leaseTtlSeconds });
  nodes.push(node);
  return node;
}

async function tasksIn(node: Node, name: string, state: string, count: number): Promise<TaskView[]> {
  return until(`${count} tasks of ${name} ${state}`, async () => {
    const res = await call(node, 'GET', `/connectors/${name}/status`);
    const tasks = (res.body as { tasks?: TaskView[] }).tasks ?? [];
    return tasks.length === count && tasks.every((t) => t.state === state) ? tasks : undefined;
  });
}

const leaderAndFollower = (): ReturnType<typeof pickLeader> => pickLeader(nodes);

const datagen = (rate: string): Record<string, string> => ({
  'connector.class': 'DatagenSource',
  'tasks.max': '4',
  topic,
  rate,
  'topic.creation.default.replication.factor': '1',
  'topic.creation.default.partitions': '4',
});

before(async () => {
  await startNode('dw-1', 5);
  await startNode('dw-2', 30);
});

after(async () => {
  for (const n of nodes) await stopNode(n);
  await deleteCluster(cluster);
});

test('a write sent to a follower is forwarded to the leader; tasks spread over both workers and run', async () => {
  const { follower, leader } = await leaderAndFollower();
  const created = await call(follower, 'POST', '/connectors', { name: 'gen', config: datagen('20') });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.ok(leader.lines.some((l) => l.includes('"POST"') || l.includes('connector created')), 'the leader wrote the config');
  const tasks = await tasksIn(follower, 'gen', 'RUNNING', 4);
  assert.deepEqual(new Set(tasks.map((t) => t.worker_id)), new Set(['dw-1', 'dw-2']), 'both workers hold tasks');
  const [a, b] = await Promise.all(nodes.map((n) => call(n, 'GET', '/connectors/gen')));
  assert.deepEqual(a?.body, b?.body, 'every worker answers reads alike');
  const topics = await until('active topics', async () => {
    const res = await call(leader, 'GET', '/connectors/gen/topics');
    const list = (res.body as Record<string, { topics: string[] }>)['gen']?.topics ?? [];
    return list.length > 0 ? list : undefined;
  });
  assert.deepEqual(topics, [topic]);
});

test('a duplicate create is 409; unknown connectors and tasks are 404; a forged forwarding is 403', async () => {
  const { follower } = await leaderAndFollower();
  assert.equal((await call(follower, 'POST', '/connectors', { name: 'gen', config: datagen('20') })).status, 409);
  assert.equal((await call(follower, 'GET', '/connectors/nope/status')).status, 404);
  assert.equal((await call(follower, 'POST', '/connectors/gen/tasks/9/restart')).status, 404);
  const forged = await call(follower, 'PUT', '/connectors/gen/pause', undefined, { [FORWARDED_HEADER]: 'elsewhere' });
  assert.equal(forged.status, 403, 'a forwarding header without the cluster\'s signature is refused');
  assert.match(String((forged.body as { message: string }).message), /not signed/);
});

test('pause, resume, stop and resume again reach every task owner through etcd', async () => {
  const { follower } = await leaderAndFollower();
  assert.equal((await call(follower, 'PUT', '/connectors/gen/pause')).status, 202);
  await tasksIn(follower, 'gen', 'PAUSED', 4);
  assert.equal((await call(follower, 'PUT', '/connectors/gen/resume')).status, 202);
  await tasksIn(follower, 'gen', 'RUNNING', 4);
  assert.equal((await call(follower, 'PUT', '/connectors/gen/stop')).status, 204);
  await until('no tasks while stopped', async () => {
    const res = (await call(follower, 'GET', '/connectors/gen/status')).body as { connector: { state: string }; tasks: unknown[] };
    return res.connector.state === 'STOPPED' && res.tasks.length === 0 ? true : undefined;
  });
  assert.equal((await call(follower, 'PUT', '/connectors/gen/resume')).status, 202);
  await tasksIn(follower, 'gen', 'RUNNING', 4);
});

test('a config update restarts the tasks with the new config; restart requests reach the owners', async () => {
  const { follower } = await leaderAndFollower();
  const put = await call(follower, 'PUT', '/connectors/gen/config', datagen('30'));
  assert.equal(put.status, 200);
  await until('task configs with the new rate', async () => {
    const res = (await call(follower, 'GET', '/connectors/gen/tasks')).body as { config: Record<string, string> }[];
    return res.length === 4 && res.every((t) => t.config['rate'] === '30') ? true : undefined;
  });
  await tasksIn(follower, 'gen', 'RUNNING', 4);
  const restart = await call(follower, 'POST', '/connectors/gen/restart?includeTasks=true');
  assert.equal(restart.status, 202);
  assert.ok((restart.body as { tasks: TaskView[] }).tasks.every((t) => t.state === 'RESTARTING'));
  await until('every unit restarted', () => {
    const restarted = nodes.flatMap((n) => n.lines.filter((l) => l.includes('restarting unit') && l.includes('restart requested')));
    return Promise.resolve(restarted.length >= 5 ? restarted : undefined);
  });
  await tasksIn(follower, 'gen', 'RUNNING', 4);
});

test('a graceful leave hands the tasks over at once, long before the leaving worker lease (30 s) could expire', async () => {
  const leaving = nodes.find((n) => n.herder.workerId === 'dw-2');
  const staying = nodes.find((n) => n.herder.workerId === 'dw-1');
  assert.ok(leaving !== undefined && staying !== undefined);
  await tasksIn(staying, 'gen', 'RUNNING', 4);
  nodes.splice(nodes.indexOf(leaving), 1);
  await stopNode(leaving);
  const tasks = await until(
    'all tasks on dw-1',
    async () => {
      const res = (await call(staying, 'GET', '/connectors/gen/status')).body as { tasks: TaskView[] };
      return res.tasks.length === 4 && res.tasks.every((t) => t.state === 'RUNNING' && t.worker_id === 'dw-1') ? res.tasks : undefined;
    },
    15_000,
  );
  assert.equal(tasks.length, 4);
});

test('delete removes the connector everywhere and stops its tasks', async () => {
  const staying = nodes[0];
  assert.ok(staying !== undefined);
  assert.equal((await call(staying, 'DELETE', '/connectors/gen')).status, 204);
  await until('connector gone', async () => ((await call(staying, 'GET', '/connectors')).body as string[]).length === 0 ? true : undefined);
  assert.equal((await call(staying, 'GET', '/connectors/gen/status')).status, 404);
  await until('tasks stopped', () => Promise.resolve(staying.lines.filter((l) => l.includes('"unit stopped"') && l.includes('task/gen/')).length >= 4 ? true : undefined));
});
