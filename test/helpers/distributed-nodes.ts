/**
 * In-process distributed workers (DistributedHerder + REST server) on the real etcd and Kafka, each logging into its
 * own array of lines, and the REST client the distributed tests share: 409s for a rebalance or a missing leader are
 * retried as a Kafka Connect client would.
 */
import { createEtcdClient } from '../../host/cluster/client.ts';
import { clusterKeys } from '../../host/cluster/keys.ts';
import { createJsonLogger } from '../../host/core/logger.ts';
import { DistributedHerder } from '../../host/distributed/herder.ts';
import { restSecurity } from '../../host/rest/security-settings.ts';
import { startRestServer } from '../../host/rest/server.ts';
import type { RestServer } from '../../host/rest/server.ts';
import { workerConfig } from '../../host/worker/worker-config.ts';
import { BOOTSTRAP, kafkaFixture } from '../integration/kafka/helpers.ts';
import { stack } from './stack.ts';
import { until } from './until.ts';

export { until };

export interface DistributedNode {
  herder: DistributedHerder;
  rest: RestServer;
  url: string;
  lines: string[];
}

export interface NodeOptions {
  cluster: string;
  id: string;
  leaseTtlSeconds: number;
  /** Extra worker properties (conveyor.tenants.file, ...). */
  properties?: Readonly<Record<string, string>>;
}

export interface Reply {
  status: number;
  body: unknown;
  /** The body as received. */
  text: string;
}

export async function startDistributedNode(o: NodeOptions): Promise<DistributedNode> {
  const lines: string[] = [];
  const log = createJsonLogger({ level: 'info', write: (l) => void lines.push(l) });
  const config = workerConfig({
    workerId: o.id,
    restPort: 0,
    sandboxProcesses: 1,
    bootstrapServers: BOOTSTRAP,
    offsetStorageTopic: `${o.cluster}-offsets`,
    connectProperties: {
      'offset.flush.interval.ms': '200',
      'offset.storage.partitions': '1',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      ...o.properties,
    },
  });
  const settings = { clusterId: o.cluster, etcdEndpoints: stack.etcdHosts, leaseTtlSeconds: o.leaseTtlSeconds, advertisedUrl: '', exactlyOnceSource: false };
  const herder = await DistributedHerder.create({ config, settings, log });
  const rest = await startRestServer(herder, { ...restSecurity(config.connectProperties, log, herder.tenants), host: '127.0.0.1', port: 0, log, routing: herder });
  const url = `${o.properties?.['listeners']?.startsWith('https') === true ? 'https' : 'http'}://127.0.0.1:${rest.port}`;
  await herder.join(url);
  return { herder, rest, url, lines };
}

export async function stopNode(node: DistributedNode): Promise<void> {
  await node.herder.close();
  await node.rest.close();
}

/** After a test: stops the nodes, deletes the cluster's etcd keys and its offsets topic. */
export async function removeCluster(nodes: DistributedNode[], cluster: string): Promise<void> {
  for (const n of nodes.splice(0)) await stopNode(n);
  await deleteCluster(cluster);
  const kafka = await kafkaFixture();
  kafka.topics.push(`${cluster}-offsets`);
  await kafka.cleanup();
}

/** Deletes everything the cluster kept in etcd. */
export async function deleteCluster(cluster: string): Promise<void> {
  const client = createEtcdClient({ hosts: stack.etcdHosts });
  try {
    await client.delete().prefix(clusterKeys(cluster).root).exec();
  } finally {
    client.close();
  }
}

/** One request; a 409 for a rebalance or a missing leader is retried, as a Kafka Connect client would. */
export async function call(node: DistributedNode, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  for (let attempt = 0; ; attempt++) {
    const res = await once(node, method, path, body, headers);
    const m = (res.body as { message?: unknown } | null)?.message;
    const message = typeof m === 'string' ? m : '';
    if (res.status !== 409 || !/rebalance|no leader/.test(message) || attempt >= 50) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function once(node: DistributedNode, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(node.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    // left as text
  }
  return { status: res.status, body: parsed, text };
}

export async function leaderAndFollower(nodes: readonly DistributedNode[]): Promise<{ leader: DistributedNode; follower: DistributedNode }> {
  return until('a leader', () => {
    const leader = nodes.find((n) => n.herder.isLeader());
    const follower = nodes.find((n) => !n.herder.isLeader());
    return Promise.resolve(leader !== undefined && follower !== undefined ? { leader, follower } : undefined);
  });
}
