/**
 * npm run bench -- soak [--minutes N] (default 10): three distributed workers on the local stack run the seed
 * pipeline — MariaDB rows (inserted at a fixed rate) → the MySQL CDC source → Kafka → the Elasticsearch sink
 * (unwrapped, one document per row) — and a datagen connector writing sequence-numbered records at a fixed rate,
 * while a chaos loop kill -9s a random worker every 30 s and starts it again. At the end every row must be a
 * document and every datagen sequence number must be in its topic. Prints one JSON line:
 * {"bench":"soak","minutes":N,"produced":N,"delivered":N,"lost":N,"duplicates":N,"max_failover_ms":N,"rss_growth_mb":N}
 * (duplicates: datagen records seen more than once — at-least-once replays after kills; rss: the workers and their
 * sandbox processes together, after a warm-up and at the end).
 */
import { execFileSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import { Client } from '@elastic/elasticsearch';
import { readSequences } from '../test/helpers/sequence-check.ts';
import { stack, uniqueName } from '../test/helpers/stack.ts';
import { until } from '../test/helpers/until.ts';
import { sleep, WorkerCluster } from '../test/helpers/worker-procs.ts';

const IDS = ['w1', 'w2', 'w3'];
const GEN_TASKS = 2;
const GEN_RATE = 100;
const ROWS_PER_SECOND = 50;
const KILL_EVERY_MS = 30_000;
const MB = 1024 * 1024;

/** Resident memory of a process and its descendants (the worker and its sandbox processes), in bytes. */
function treeRss(pid: number): number {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number)) as [number, number, number][];
  const kids = new Map<number, number[]>();
  for (const [p, pp] of rows) kids.set(pp, [...(kids.get(pp) ?? []), p]);
  const rss = new Map(rows.map(([p, , r]) => [p, r]));
  let total = 0;
  const stackOf = [pid];
  while (stackOf.length > 0) {
    const p = stackOf.pop()!;
    total += (rss.get(p) ?? 0) * 1024;
    stackOf.push(...(kids.get(p) ?? []));
  }
  return total;
}

function clusterRss(cluster: WorkerCluster): number {
  return [...cluster.workers.values()].reduce((n, w) => n + (w.child.pid === undefined ? 0 : treeRss(w.child.pid)), 0);
}

export async function main(args: string[]): Promise<void> {
  const i = args.indexOf('--minutes');
  const minutes = i >= 0 ? Number(args[i + 1]) : 10;
  if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
  const cluster = new WorkerCluster();
  const db = `soak_${Date.now().toString(36)}`;
  const prefix = uniqueName('soak');
  const genTopic = uniqueName('soak-gen');
  const rowsTopic = `${prefix}.${db}.t`;
  const index = rowsTopic.toLowerCase();
  const root = await mysql.createConnection({ host: '127.0.0.1', port: stack.mariadb.port, user: 'root', password: '' });
  const es = new Client({ node: stack.elasticsearchUrl });
  const kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: 'soak-verify', logLevel: logLevel.NOTHING });
  try {
    await root.query(`CREATE DATABASE ${db}`);
    await root.query(`CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(64))`);
    for (const id of IDS) await cluster.start(id);
    const json = { 'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter' };
    const connectors: [string, Record<string, string>][] = [
      ['soak-gen', { 'connector.class': 'DatagenSource', 'tasks.max': String(GEN_TASKS), topic: genTopic, rate: String(GEN_RATE), 'value.sequence': 'true', 'record.size': '100', 'batch.size': '50', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': String(GEN_TASKS) }],
      ['soak-cdc', {
        'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'database.hostname': '127.0.0.1', 'database.port': String(stack.mariadb.port),
        'database.user': stack.mariadb.cdcUser, 'database.password': stack.mariadb.cdcPassword, 'database.server.id': String(5000 + Math.floor(Math.random() * 1000)),
        'topic.prefix': prefix, 'database.include.list': db, 'schema.history.internal.kafka.topic': `${prefix}.history`,
        'schema.history.internal.kafka.bootstrap.servers': stack.kafkaBrokers.join(','), 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1', ...json,
      }],
      ['soak-es', {
        'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', topics: rowsTopic, 'connection.url': stack.elasticsearchUrl,
        'key.ignore': 'false', 'schema.ignore': 'true', 'behavior.on.null.values': 'delete', transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState', ...json,
      }],
    ];
    for (const [name, config] of connectors) {
      const r = await cluster.request('POST', '/connectors', { name, config });
      if (r.status !== 201) throw new Error(`creating ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const names = connectors.map(([n]) => n);
    await cluster.allRunning(names, 120_000);

    let inserted = 0;
    let inserting = true;
    const inserter = (async () => {
      while (inserting) {
        const batch = Array.from({ length: ROWS_PER_SECOND / 10 }, () => ++inserted);
        await root.query(`INSERT INTO ${db}.t (id, v) VALUES ${batch.map(() => '(?, ?)').join(', ')}`, batch.flatMap((id) => [id, `row-${id}`]));
        await sleep(100);
      }
    })();
    await sleep(20_000);
    const rssStart = clusterRss(cluster);
    const failovers: number[] = [];
    const end = Date.now() + minutes * 60_000;
    let kills = 0;
    while (Date.now() + KILL_EVERY_MS < end) {
      await sleep(KILL_EVERY_MS);
      const victim = IDS[Math.floor(Math.random() * IDS.length)]!;
      const killedAt = await cluster.kill(victim);
      kills++;
      await cluster.allRunning(names, 120_000);
      failovers.push(Date.now() - killedAt);
      process.stderr.write(`soak: killed ${victim} (${kills}), everything RUNNING again after ${failovers.at(-1)} ms\n`);
      await cluster.start(victim);
    }
    await sleep(Math.max(0, end - Date.now()));
    await cluster.allRunning(names, 120_000);
    const rssEnd = clusterRss(cluster);
    inserting = false;
    await inserter;

    await until(`all ${inserted} rows in Elasticsearch`, async () => {
      await es.indices.refresh({ index });
      return (await es.count({ index })).count >= inserted ? true : undefined;
    }, 180_000, 1000);
    const docs = (await es.count({ index })).count;
    const stopped = await cluster.request('PUT', '/connectors/soak-gen/stop');
    if (stopped.status !== 204) throw new Error(`stopping soak-gen: ${stopped.status}`);
    await until('datagen stopped', async () => ((await cluster.status('soak-gen')).tasks.length === 0 ? true : undefined), 60_000);
    const report = await readSequences(kafka, genTopic);
    const missing = [...report.missing.values()].reduce((n, m) => n + m.length, 0);
    const result = {
      bench: 'soak', minutes, produced: report.distinct + missing + inserted, delivered: report.distinct + docs, lost: missing + Math.max(0, inserted - docs),
      duplicates: report.duplicates, max_failover_ms: failovers.length > 0 ? Math.max(...failovers) : null, rss_growth_mb: Math.round(((rssEnd - rssStart) / MB) * 10) / 10,
    };
    process.stdout.write(`soak: ${kills} kills; rows ${inserted} → documents ${docs}; datagen ${report.distinct} distinct, ${missing} missing, ${report.duplicates} duplicates; workers' RSS ${Math.round(rssStart / MB)} → ${Math.round(rssEnd / MB)} MB\n`);
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await cluster.close();
    await root.query(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
    await root.end();
    await es.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
    await es.close();
  }
}
