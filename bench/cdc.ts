/**
 * CDC benchmark: the built-in MySQL CDC connector on a Conveyor worker with the real Kafka and MariaDB.
 * - snapshot: a table of N rows (default 100,000), timed from the connector's creation over the worker API until
 *   every op=r record is in Kafka (end offset of the table's topic);
 * - latency: rows inserted at 1,000 and 5,000 changes/s (multi-row INSERTs every 10 ms, each row carrying the
 *   wall-clock time its statement was sent), measured to the moment a consumer receives the change from Kafka
 *   (so it includes the commit, binlog, sandbox, converter, produce and consume), p50/p99.
 * - the same work through Debezium's MariaDB connector (io.debezium:debezium-connector-mariadb from Maven Central,
 *   bench/reference/debezium.ts) in Apache Kafka Connect standalone, against the same MariaDB and broker: a copy of
 *   the table in its own database, the connector created over Kafka Connect's REST API once the JVM is up (so
 *   start-up is not counted), then the same latency runs. If it cannot run, its figures are null and the reason goes to stderr.
 */
import { parseArgs } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { Kafka } from 'kafkajs';
import { createJsonLogger } from '../host/core/logger.ts';
import { runDebezium } from './reference/debezium.ts';
import { TopicAdmin } from '../host/kafka/admin.ts';
import { createKafka } from '../host/kafka/client.ts';
import { createKafkajs } from '../test/helpers/kafkajs-client.ts';
import { Worker } from '../host/worker/worker.ts';
import { workerConfig } from '../host/worker/worker-config.ts';

const BOOTSTRAP = process.env.CONVEYOR_KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const DB = { host: process.env.CONVEYOR_MARIADB_HOST ?? '127.0.0.1', port: Number(process.env.CONVEYOR_MARIADB_PORT ?? 3307) };
const log = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(l + '\n') });

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rows: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '10' } } });
  const rows = Number(values.rows);
  const seconds = Number(values.seconds);
  const tag = `${Date.now().toString(36)}`;
  const dbName = `cdcbench_${tag}`;
  const prefix = `cdcbench-${tag}`;
  const topic = `${prefix}.${dbName}.items`;
  const admin = await mysql.createConnection({ ...DB, user: 'root', password: '' });
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-cdc-bench-'));
  const kafka = createKafka({ bootstrapServers: BOOTSTRAP, clientId: `cdc-bench-${tag}`, logger: log });
  const topics = await TopicAdmin.create(kafka, log);
  // The latency probe reads with kafkajs, a client independent of the host's.
  const reader = createKafkajs({ bootstrapServers: BOOTSTRAP, clientId: `cdc-bench-reader-${tag}`, logger: log });
  let worker: Worker | null = null;
  try {
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.query(`CREATE TABLE ${dbName}.items (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, qty INT NOT NULL, sent_ms BIGINT NOT NULL)`);
    for (let start = 0; start < rows; start += 5000) {
      const chunk = Array.from({ length: Math.min(5000, rows - start) }, (_, k) => [start + k + 1, `item-${start + k + 1}`, (start + k) % 1000, 0]);
      await admin.query(`INSERT INTO ${dbName}.items VALUES ?`, [chunk]);
    }
    worker = await Worker.create(workerConfig({
      workerId: `cdc-bench-${tag}`, restPort: 0, pluginPath: [dir], sandboxProcesses: 1, limits: {},
      policies: { '*': { mysqlHosts: [`${DB.host}:${DB.port}`] } }, pluginRescanMs: 600_000,
      bootstrapServers: BOOTSTRAP, offsetStorageFile: join(dir, 'offsets.json'), connectProperties: { 'offset.flush.interval.ms': '1000' },
    }), log);
    const started = performance.now();
    await worker.createConnector(prefix, {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'database.hostname': DB.host, 'database.port': String(DB.port),
      'database.user': 'conveyor', 'database.password': 'conveyor', 'database.server.id': String(200_000 + Math.floor(Math.random() * 100_000)),
      'topic.prefix': prefix, 'database.include.list': dbName, 'schema.history.internal.kafka.topic': `schemahistory.${prefix}`,
      'schema.history.internal.kafka.bootstrap.servers': BOOTSTRAP, 'snapshot.fetch.size': '5000', 'max.batch.size': '2048', 'poll.interval.ms': '10',
      'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1',
    });
    const high = async (): Promise<number> => Number((await topics.endOffsets(topic).catch(() => new Map<number, { high: bigint }>())).get(0)?.high ?? 0n);
    while ((await high()) < rows) {
      if (performance.now() - started > 180_000) throw new Error('snapshot did not finish in 3 minutes (see the worker log on stderr)');
      await sleep(20);
    }
    const snapshotMs = performance.now() - started;
    const snapshotRps = Math.round(rows / (snapshotMs / 1000));
    process.stdout.write(`snapshot: ${rows} rows in ${(snapshotMs / 1000).toFixed(2)} s = ${snapshotRps} rows/s\n`);

    const results = await measureLatency({ kafka: reader, db: admin, dbName, topic, firstId: rows + 1, seconds, group: `cdc-bench-${tag}`, label: 'conveyor' });
    await worker.deleteConnector(prefix).catch(() => undefined);
    await worker.close();
    worker = null;
    let dbz: Awaited<ReturnType<typeof runDebezium>> = null;
    try {
      dbz = await runDebezium({ db: admin, dbHost: DB.host, dbPort: DB.port, bootstrap: BOOTSTRAP, rows, tag, topics, measure: (o) => measureLatency({ kafka: reader, db: admin, seconds, ...o }) });
    } catch (e) {
      process.stderr.write(`debezium reference failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    const ratio = (a: number | undefined, b: number | undefined): number | null => (a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 100) / 100);
    if (dbz !== null) {
      process.stdout.write(`debezium: snapshot ${dbz.snapshotRps} rows/s; p99 ${dbz.latency[1000]?.p99} ms at 1,000/s, ${dbz.latency[5000]?.p99} ms at 5,000/s\n`);
      process.stdout.write(`conveyor / debezium: snapshot rows/s ${ratio(snapshotRps, dbz.snapshotRps)}x; p99 latency ${ratio(results[1000]?.p99, dbz.latency[1000]?.p99)}x at 1,000/s, ${ratio(results[5000]?.p99, dbz.latency[5000]?.p99)}x at 5,000/s\n`);
    }
    process.stdout.write(JSON.stringify({
      bench: 'cdc', snapshot_rps: snapshotRps, debezium_snapshot_rps: dbz?.snapshotRps ?? null, snapshot_ratio: ratio(snapshotRps, dbz?.snapshotRps),
      p50_ms_1k: results[1000]?.p50 ?? null, p99_ms_1k: results[1000]?.p99 ?? null, debezium_p99_ms_1k: dbz?.latency[1000]?.p99 ?? null,
      p99_ms_5k: results[5000]?.p99 ?? null, debezium_p99_ms_5k: dbz?.latency[5000]?.p99 ?? null,
    }) + '\n');
  } finally {
    await worker?.deleteConnector(prefix).catch(() => undefined);
    await worker?.close();
    await topics.deleteTopics([topic, prefix, `schemahistory.${prefix}`]).catch(() => undefined);
    await topics.deleteGroups([`cdc-bench-${tag}`]).catch(() => undefined);
    await topics.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`).catch(() => undefined);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface LatencyRun {
  kafka: Kafka;
  db: mysql.Connection;
  dbName: string;
  topic: string;
  firstId: number;
  seconds: number;
  group: string;
  label: string;
}

/** Inserts at 1,000 then 5,000 rows/s, each row carrying its send time; p50/p99 of send → consumed from Kafka. */
export async function measureLatency(o: LatencyRun): Promise<Record<number, { p50: number; p99: number; n: number }>> {
  const latencies = new Map<number, number[]>();
  const consumer = o.kafka.consumer({ groupId: o.group, allowAutoTopicCreation: false, maxWaitTimeInMs: 5 });
  await consumer.connect();
  await consumer.subscribe({ topics: [o.topic], fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachMessage: ({ message }) => {
      const now = Date.now();
      const v = JSON.parse(message.value?.toString('utf8') ?? 'null') as { payload?: { op?: string; after?: { sent_ms?: number; qty?: number } } } | null;
      const after = v?.payload?.after;
      if (v?.payload?.op === 'c' && after?.sent_ms) latencies.get(after.qty ?? 0)?.push(now - after.sent_ms);
      return Promise.resolve();
    },
  });
  await sleep(3000);
  let nextId = o.firstId;
  const results: Record<number, { p50: number; p99: number; n: number }> = {};
  for (const rate of [1000, 5000]) {
    latencies.set(rate, []);
    const perTick = rate / 100;
    const t0 = performance.now();
    let sent = 0;
    for (let tick = 0; tick < o.seconds * 100; tick++) {
      const due = t0 + tick * 10;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const now = Date.now();
      const chunk = Array.from({ length: perTick }, () => [nextId, `live-${nextId++}`, rate, now]);
      await o.db.query(`INSERT INTO ${o.dbName}.items VALUES ?`, [chunk]);
      sent += perTick;
    }
    const deadline = Date.now() + 60_000;
    while ((latencies.get(rate)?.length ?? 0) < sent && Date.now() < deadline) await sleep(50);
    const l = latencies.get(rate) ?? [];
    if (l.length < sent) throw new Error(`only ${l.length} of ${sent} changes arrived at ${rate}/s`);
    const achieved = Math.round(sent / ((performance.now() - t0) / 1000));
    results[rate] = { p50: pct(l, 50), p99: pct(l, 99), n: l.length };
    process.stdout.write(`${o.label}: latency at ${rate} changes/s (achieved ${achieved}/s incl. drain, ${l.length} changes): p50 ${pct(l, 50)} ms, p99 ${pct(l, 99)} ms\n`);
  }
  await consumer.disconnect();
  return results;
}
