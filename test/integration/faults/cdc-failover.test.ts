/**
 * Database failover under the CDC source: a MariaDB primary with a GTID replica (both our own, beside the stack's),
 * a worker with exactly-once on streaming the primary's changes. The primary dies with kill -9 mid-stream, the
 * replica is promoted, and the connector is pointed at it: it resumes from its stored GTID position (the file and
 * position belong to the dead primary), and every row — snapshot, streamed before the switch, written on the new
 * primary after it — is in the topic exactly once, in order. Then the new primary restarts while rows are being
 * written around it: the connector reconnects on its own and nothing is lost or repeated.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { MariadbPair, rootQuery } from '../../helpers/mariadb-pair.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';
import { until } from '../../helpers/until.ts';
import { WorkerCluster } from '../../helpers/worker-procs.ts';

const pair = new MariadbPair();
const workers = new WorkerCluster({ exactlyOnce: true });
const db = uniqueName('fo');
const prefix = uniqueName('fo');
const name = uniqueName('cdc-fo');
const topic = `${prefix}.${db}.t`;

before(async () => {
  await pair.up();
  await workers.start('w');
});

after(async () => {
  await workers.close();
  pair.down();
});

async function insertRange(port: number, from: number, to: number, perTx = 10): Promise<void> {
  for (let start = from; start <= to; start += perTx) {
    const ids = Array.from({ length: Math.min(perTx, to - start + 1) }, (_, i) => start + i);
    await rootQuery(port, `INSERT INTO ${db}.t (id, v) VALUES ${ids.map(() => '(?, ?)').join(', ')}`, ids.flatMap((id) => [id, `v${id}`]));
  }
}

/** Every row id in the table's topic, in topic order, from committed transactions only; read until quiet. */
async function idsInTopic(topic: string): Promise<number[]> {
  const kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: 'cdc-failover', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('cdc-failover'), readUncommitted: false });
  const ids: number[] = [];
  let lastAt = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        lastAt = Date.now();
        if (message.value === null) return;
        const v = JSON.parse(message.value.toString()) as { after?: { id: number } | null; op?: string };
        if (v.after && (v.op === 'c' || v.op === 'r')) ids.push(v.after.id);
        await Promise.resolve();
      },
    });
    await until(`${topic} read`, () => Promise.resolve(ids.length > 0 && Date.now() - lastAt > 3000 ? true : undefined), 60_000);
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

void test('kill -9 of the primary mid-stream, the replica promoted: the connector resumes there by GTID and every row arrives exactly once', { timeout: 300_000 }, async () => {
  await rootQuery(pair.primary.port, `CREATE DATABASE ${db}; CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))`);
  await insertRange(pair.primary.port, 1, 50);
  const config = (port: number): Record<string, string> => ({
    'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
    'database.hostname': '127.0.0.1', 'database.port': String(port), 'database.user': stack.mariadb.cdcUser, 'database.password': stack.mariadb.cdcPassword,
    'database.server.id': '424242', 'topic.prefix': prefix, 'database.include.list': db, 'retriable.restart.connector.wait.ms': '1000',
    'schema.history.internal.kafka.topic': `schemahistory.${prefix}`, 'schema.history.internal.kafka.bootstrap.servers': stack.kafkaBrokers.join(','),
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': 'false',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
    'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1',
  });
  const created = await workers.request('POST', '/connectors', { name, config: config(pair.primary.port) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await workers.allRunning([name]);

  await insertRange(pair.primary.port, 51, 400);
  await pair.caughtUp();
  pair.killPrimary();
  await pair.promote();
  process.stdout.write('# primary killed mid-stream, replica promoted\n');

  const moved = await workers.request('PUT', `/connectors/${name}/config`, config(pair.replica.port));
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  await insertRange(pair.replica.port, 401, 500);
  await until('the connector RUNNING on the new primary', async () => {
    const s = await workers.status(name);
    const t = s.tasks[0];
    if (t?.state === 'FAILED') throw new Error(`task failed: ${t.trace ?? ''}`);
    return t?.state === 'RUNNING' ? true : undefined;
  }, 90_000, 250);

  await expectRows(500);
});

async function expectRows(n: number): Promise<void> {
  let ids: number[] = [];
  await until(`all ${n} rows in the topic`, async () => {
    ids = await idsInTopic(topic);
    return new Set(ids).size >= n ? true : undefined;
  }, 120_000, 1000);
  assert.deepEqual(ids, Array.from({ length: n }, (_, i) => i + 1), 'every row exactly once, in commit order');
}

void test('the database restarts mid-stream: the connector reconnects and every row arrives exactly once', { timeout: 300_000 }, async () => {
  const states = new Set<string>();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      states.add((await workers.status(name)).tasks[0]?.state ?? 'none');
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  await insertRange(pair.replica.port, 501, 550);
  pair.restart(pair.replica);
  process.stdout.write('# new primary restarted\n');
  await insertRange(pair.replica.port, 551, 600);
  await expectRows(600);
  watching = false;
  await watch;
  assert.deepEqual([...states], ['RUNNING'], 'the task reconnects on its own: it never failed or restarted');
});
