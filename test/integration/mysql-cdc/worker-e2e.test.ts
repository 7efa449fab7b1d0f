/**
 * End to end: the seed config created over REST on a worker with the real Kafka; the built-in
 * io.debezium.connector.mysql.MySqlConnector snapshots and streams into <prefix>.<db>.<table> topics in Debezium's
 * JSON (JsonConverter with schemas).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { startRestServer } from '../../../host/rest/server.ts';
import type { RestServer } from '../../../host/rest/server.ts';
import { Worker } from '../../../host/worker/worker.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';
import { BOOTSTRAP, eventually, kafkaFixture } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { readTopic } from '../pipeline/helpers.ts';
import { createTestDb, serverId } from '../binlog/helpers.ts';
import type { TestDb } from '../binlog/helpers.ts';
import { http } from '../worker/worker-fixture.ts';

let db: TestDb;
let fx: KafkaFixture;
let worker: Worker;
let rest: RestServer;
let dir: string;
let url: string;

before(async () => {
  db = await createTestDb('inventory');
  await db.admin.query(`CREATE TABLE \`${db.name}\`.customers (id INT PRIMARY KEY, first_name VARCHAR(64) NOT NULL, email VARCHAR(128) NOT NULL)`);
  await db.admin.query(`INSERT INTO \`${db.name}\`.customers VALUES (1001, 'Sally', 'sally@example.com'), (1002, 'George', 'gbailey@example.com'), (1003, 'Edward', 'ed@walker.com')`);
  fx = await kafkaFixture();
  dir = await mkdtemp(join(tmpdir(), 'conveyor-cdc-e2e-'));
  const log = createJsonLogger({ level: 'info', write: (line) => { if (process.env.CDC_E2E_LOG === '1') process.stderr.write(line + '\n'); } });
  worker = await Worker.create(workerConfig({
    workerId: `cdc-e2e-${process.pid}`, restPort: 0, pluginPath: [dir], sandboxProcesses: 1, limits: {},
    policies: { '*': { mysqlHosts: [`${stack.mariadb.host}:${stack.mariadb.port}`] } }, pluginRescanMs: 60_000,
    bootstrapServers: BOOTSTRAP, offsetStorageFile: join(dir, 'offsets.json'),
    connectProperties: { 'offset.flush.interval.ms': '500' },
  }), log);
  rest = await startRestServer(worker, { host: '127.0.0.1', port: 0, log });
  url = `http://127.0.0.1:${rest.port}`;
});

after(async () => {
  await rest?.close();
  await worker?.close();
  await fx?.cleanup();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Reads n records once the connector has created the topic. */
async function read(topic: string, n: number): Promise<Awaited<ReturnType<typeof readTopic>>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await readTopic(fx, topic, n);
    } catch (err) {
      if (attempt >= 50 || !/does not host this topic-partition|UNKNOWN_TOPIC/i.test(String((err as Error).message))) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

interface Envelope { schema: { name: string }; payload: { op: string; before: unknown; after: Record<string, unknown> | null; source: Record<string, unknown> } }

/** Creates a CDC connector of the given class over REST on the test database; its topics are cleaned up afterwards. */
async function createCdcConnector(connectorClass: string, base: string): Promise<{ prefix: string; topic: string; name: string }> {
  const prefix = uniqueName(base).replace(/_/g, '-');
  const topic = `${prefix}.${db.name}.customers`;
  fx.topics.push(topic, prefix, `schemahistory.${prefix}`);
  const name = uniqueName(`${base}-connector`);
  const created = await http(`${url}/connectors`, 'POST', {
    name,
    config: {
      'connector.class': connectorClass,
      'database.hostname': stack.mariadb.host, 'database.port': String(stack.mariadb.port),
      'database.user': stack.mariadb.cdcUser, 'database.password': stack.mariadb.cdcPassword,
      'database.server.id': String(serverId()), 'topic.prefix': prefix, 'database.include.list': db.name,
      'schema.history.internal.kafka.topic': `schemahistory.${prefix}`, 'schema.history.internal.kafka.bootstrap.servers': BOOTSTRAP,
      'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1',
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { prefix, topic, name };
}

test('seed config over REST: snapshot and changes land in <prefix>.<db>.customers in Debezium JSON', async () => {
  const { prefix, topic, name } = await createCdcConnector('io.debezium.connector.mysql.MySqlConnector', 'dbserver1');
  await eventually(async () => {
    const s = await http(`${url}/connectors/${name}/status`);
    const tasks = (s.body as { tasks?: { state: string; trace?: string }[] }).tasks ?? [];
    if (tasks[0]?.state === 'FAILED') throw new Error(`task failed: ${tasks[0].trace ?? ''}`);
    return tasks[0]?.state === 'RUNNING' ? true : undefined;
  }, 'the task RUNNING', 30_000);

  const snapshot = (await read(topic, 3)).map((r) => ({ key: JSON.parse(r.key ?? 'null') as { payload: { id: number } }, value: JSON.parse(r.value ?? 'null') as Envelope }));
  assert.deepEqual(snapshot.map((r) => r.key.payload.id), [1001, 1002, 1003]);
  const first = snapshot[0]!.value;
  assert.equal(first.schema.name, `${prefix}.${db.name}.customers.Envelope`);
  assert.equal(first.payload.op, 'r');
  assert.deepEqual(first.payload.after, { id: 1001, first_name: 'Sally', email: 'sally@example.com' });
  assert.equal(first.payload.source['name'], prefix);
  assert.equal(first.payload.source['db'], db.name);
  assert.equal(first.payload.source['table'], 'customers');

  await db.admin.query(`INSERT INTO \`${db.name}\`.customers VALUES (1004, 'Anne', 'annek@noanswer.org')`);
  await db.admin.query(`UPDATE \`${db.name}\`.customers SET first_name = 'Anne Marie' WHERE id = 1004`);
  const all = (await read(topic, 5)).map((r) => JSON.parse(r.value ?? 'null') as Envelope);
  assert.deepEqual(all.slice(3).map((v) => [v.payload.op, v.payload.after?.['first_name']]), [['c', 'Anne'], ['u', 'Anne Marie']]);
  // Debezium's snapshot preamble comes first.
  const schemaChanges = await read(prefix, 1);
  assert.match(String((JSON.parse(schemaChanges[0]?.value ?? 'null') as { payload: { ddl: string } }).payload.ddl), /^SET character_set_server=/);
  // The schema history holds Debezium's JSON text, not the worker's converter envelope.
  const [history] = await read(`schemahistory.${prefix}`, 1);
  assert.equal(history?.key, null);
  const h = JSON.parse(history?.value ?? 'null') as { position: Record<string, unknown>; databaseName: string; ddl: string };
  assert.deepEqual(Object.keys(h), ['source', 'position', 'ts_ms', 'databaseName', 'ddl', 'tableChanges']);
  assert.deepEqual([h.position['snapshot'], h.databaseName, h.ddl.split('=')[0]], ['INITIAL', '', 'SET character_set_server']);
  assert.equal((await http(`${url}/connectors/${name}`, 'DELETE')).status, 204);
});

test('io.debezium.connector.mariadb.MariaDbConnector over REST: the MariaDB connector\'s names, context headers and exact ts_ns in Kafka', async () => {
  const { prefix, topic, name } = await createCdcConnector('io.debezium.connector.mariadb.MariaDbConnector', 'mariadb1');
  try {
    const [first] = await read(topic, 1);
    const text = first?.value ?? '';
    const value = JSON.parse(text) as Envelope & { payload: { ts_ms: number } };
    assert.equal(value.payload.source['connector'], 'mariadb');
    assert.equal(value.payload.source['server_id'], 0);
    // The int64 digits as JsonConverter writes a Java long: exact, no float rounding.
    const ms = value.payload.ts_ms;
    assert.ok(text.includes(`"ts_ms":${ms},"ts_us":${ms}000,"ts_ns":${ms}000000}`), text.slice(-100));
    const sourceMs = value.payload.source['ts_ms'] as number;
    assert.ok(text.includes(`"ts_us":${sourceMs}000,"ts_ns":${sourceMs}000000,`), 'source ts_ns exact');
    assert.equal(first?.headers['__debezium.context.connectorName'], 'mariadb');
    assert.equal(first?.headers['__debezium.context.connectorLogicalName'], prefix);
    assert.equal(first?.headers['__debezium.context.taskId'], '0');
  } finally {
    assert.equal((await http(`${url}/connectors/${name}`, 'DELETE')).status, 204);
  }
});
