/**
 * The Debezium side of `npm run bench -- cdc`: io.debezium:debezium-connector-mariadb (Maven Central) in Apache Kafka
 * Connect standalone against the same MariaDB and broker. A copy of the benchmark table is made in a database of
 * its own; the connector is created over Kafka Connect's REST API once the JVM answers, so JVM start-up is not
 * counted, and the snapshot is timed until every row is in Kafka; then the caller's latency runs are repeated.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import type { TopicAdmin } from '../../host/kafka/admin.ts';
import { startConnectStandalone } from './kafka-connect.ts';

/**
 * Debezium 3.x reads MariaDB with its own connector (the MySQL one refuses MariaDB 10.11: it issues MySQL 8.4's
 * SHOW BINARY LOG STATUS). 3.5.0.Final is the newest debezium-connector-mariadb this machine's Maven proxy serves.
 */
export const DEBEZIUM_VERSION = '3.5.0.Final';
export const DEBEZIUM_ARTIFACT = 'debezium-connector-mariadb';
export const DEBEZIUM_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector';

export interface DebeziumRun {
  db: mysql.Connection;
  dbHost: string;
  dbPort: number;
  bootstrap: string;
  rows: number;
  tag: string;
  topics: TopicAdmin;
  /** The caller's latency measurement, given this run's database, topic, first free id, group and label. */
  measure(o: { dbName: string; topic: string; firstId: number; group: string; label: string }): Promise<Record<number, { p50: number; p99: number; n: number }>>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runDebezium(o: DebeziumRun): Promise<{ snapshotRps: number; latency: Record<number, { p50: number; p99: number; n: number }> } | null> {
  const dbName = `cdcbench_dbz_${o.tag}`;
  const prefix = `dbzbench-${o.tag}`;
  const topic = `${prefix}.${dbName}.items`;
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-dbz-bench-'));
  const port = 18000 + Math.floor(Math.random() * 1000);
  await o.db.query(`CREATE DATABASE ${dbName}`);
  await o.db.query(`CREATE TABLE ${dbName}.items (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, qty INT NOT NULL, sent_ms BIGINT NOT NULL)`);
  for (let start = 0; start < o.rows; start += 5000) {
    const chunk = Array.from({ length: Math.min(5000, o.rows - start) }, (_, k) => [start + k + 1, `item-${start + k + 1}`, (start + k) % 1000, 0]);
    await o.db.query(`INSERT INTO ${dbName}.items VALUES ?`, [chunk]);
  }
  const connect = await startConnectStandalone({
    dir,
    cacheDir: join(process.cwd(), '.stack', 'reference', `${DEBEZIUM_ARTIFACT}-${DEBEZIUM_VERSION}`),
    extraArtifacts: [{ groupId: 'io.debezium', artifactId: DEBEZIUM_ARTIFACT, version: DEBEZIUM_VERSION }],
    worker: {
      'bootstrap.servers': o.bootstrap,
      listeners: `http://127.0.0.1:${port}`,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      // Conveyor's producer sends each poll's records (up to 2,048) in one request; Kafka Connect's default 16 KB
      // batches with one request in flight would halve Debezium's snapshot rate here, so it batches alike.
      'producer.batch.size': 1048576,
      'producer.linger.ms': 5,
    },
    connectors: {},
  });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (connect.process.exitCode !== null) throw new Error(`Kafka Connect exited (${String(connect.process.exitCode)}); see ${connect.logFile}`);
      if (await fetch(`${connect.restUrl}/connectors`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error(`Kafka Connect did not answer in 2 minutes; see ${connect.logFile}`);
      await sleep(250);
    }
    const config = {
          'connector.class': DEBEZIUM_CLASS, 'database.hostname': o.dbHost, 'database.port': String(o.dbPort),
          'database.user': 'conveyor', 'database.password': 'conveyor', 'database.server.id': String(300_000 + Math.floor(Math.random() * 100_000)),
          'database.ssl.mode': 'disable', 'topic.prefix': prefix, 'database.include.list': dbName, 'snapshot.locking.mode': 'none',
          'schema.history.internal.kafka.topic': `schemahistory.${prefix}`, 'schema.history.internal.kafka.bootstrap.servers': o.bootstrap,
          'snapshot.fetch.size': '5000', 'max.batch.size': '2048', 'poll.interval.ms': '10',
          'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1',
    };
    const started = performance.now();
    const res = await fetch(`${connect.restUrl}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: prefix, config }) });
    if (!res.ok) {
      // Kafka Connect 4.1 answers a failed validation with an NPE (KAFKA-20693); the validate endpoint names the errors.
      const report = (await fetch(`${connect.restUrl}/connector-plugins/MariaDbConnector/config/validate`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) })
        .then((r) => r.json(), () => null)) as { configs?: { value?: { name: string; errors: string[] } | null }[] } | null;
      const errors = (report?.configs ?? []).filter((c) => (c.value?.errors.length ?? 0) > 0).map((c) => `${c.value?.name ?? "?"}: ${(c.value?.errors ?? []).join("; ")}`);
      throw new Error(`creating the Debezium connector failed: ${res.status} ${await res.text()}; validation errors: ${errors.join(' | ') || 'none reported'}`);
    }
    const high = async (): Promise<number> => Number((await o.topics.endOffsets(topic).catch(() => new Map<number, { high: bigint }>())).get(0)?.high ?? 0n);
    while ((await high()) < o.rows) {
      const status = await fetch(`${connect.restUrl}/connectors/${prefix}/status`).then((r) => r.text(), () => '');
      if (/"FAILED"/.test(status)) throw new Error(`Debezium connector failed: ${status.slice(0, 600)}`);
      if (performance.now() - started > 300_000) throw new Error(`Debezium snapshot did not finish in 5 minutes; see ${connect.logFile}`);
      await sleep(20);
    }
    const snapshotMs = performance.now() - started;
    const snapshotRps = Math.round(o.rows / (snapshotMs / 1000));
    process.stdout.write(`debezium snapshot: ${o.rows} rows in ${(snapshotMs / 1000).toFixed(2)} s = ${snapshotRps} rows/s\n`);
    const latency = await o.measure({ dbName, topic, firstId: o.rows + 1, group: `dbz-bench-${o.tag}`, label: 'debezium' });
    return { snapshotRps, latency };
  } finally {
    await connect.stop();
    await o.topics.deleteTopics([topic, prefix, `schemahistory.${prefix}`]).catch(() => undefined);
    await o.topics.deleteGroups([`dbz-bench-${o.tag}`]).catch(() => undefined);
    await o.db.query(`DROP DATABASE IF EXISTS ${dbName}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
