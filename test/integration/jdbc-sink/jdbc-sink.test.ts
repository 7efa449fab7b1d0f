/**
 * The JDBC sink (io.confluent.connect.jdbc.JdbcSinkConnector keys) on the real MariaDB of the stack, in an
 * in-process worker on the real broker: records with Connect schemas upserted by key into a table it creates, a
 * tombstone deleting its row, a new optional field evolving the table; and MariaDB → Debezium CDC → Kafka → unwrap
 * SMT → JDBC sink replicating a table into another database, deletes included.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb } from '../binlog/helpers.ts';
import type { TestDb } from '../binlog/helpers.ts';
import { startCdcWorker } from '../../helpers/cdc-worker.ts';
import type { CdcWorker } from '../../helpers/cdc-worker.ts';
import { produceRaw } from '../../helpers/standalone-worker.ts';
import { stack, uniqueName } from '../../helpers/stack.ts';
import { eventually } from '../kafka/helpers.ts';
import { http } from '../worker/worker-fixture.ts';

let w: CdcWorker;
let target: TestDb;

before(async () => {
  w = await startCdcWorker('jdbc_src');
  target = await createTestDb('jdbc_dst');
});

after(async () => {
  await w.close();
  await target.drop();
});

const jdbcUrl = (): string => `jdbc:mariadb://${stack.mariadb.host}:${stack.mariadb.port}/${target.name}`;

async function createSink(topic: string, extra: Record<string, string>): Promise<string> {
  const name = uniqueName('jdbc-sink');
  w.fx.groups.push(`connect-${name}`);
  const res = await http(`${w.url}/connectors`, 'POST', {
    name,
    config: { 'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', topics: topic, 'connection.url': jdbcUrl(), 'connection.user': stack.mariadb.adminUser, 'connection.password': stack.mariadb.adminPassword, ...extra },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return name;
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const [result] = await target.admin.query(sql);
  return result as Record<string, unknown>[];
}

/** Polls the query until `ok` holds; fails at once with the task's trace if the sink's task failed. */
async function waitRows(sink: string, sql: string, ok: (got: Record<string, unknown>[]) => boolean, what: string, timeoutMs = 60_000): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  let got: Record<string, unknown>[] = [];
  for (;;) {
    got = await rows(sql).catch(() => []);
    if (ok(got)) return got;
    const status = (await http(`${w.url}/connectors/${sink}/status`, 'GET')).body as { tasks: { state: string; trace?: string }[] };
    const failed = status.tasks.find((t) => t.state === 'FAILED');
    if (failed !== undefined) assert.fail(`the sink task failed while waiting for ${what}: ${failed.trace ?? ''}`);
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last rows ${JSON.stringify(got)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const KEY_SCHEMA = { type: 'struct', optional: false, fields: [{ field: 'id', type: 'int32', optional: false }] };
const VALUE_FIELDS = [
  { field: 'id', type: 'int32', optional: false },
  { field: 'name', type: 'string', optional: false },
  { field: 'price', type: 'bytes', optional: false, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' } },
  { field: 'active', type: 'boolean', optional: false },
  { field: 'created', type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 },
];

/** Kafka Connect's Decimal bytes (two's complement, big-endian) of an unscaled integer, base64. */
function decimal(unscaled: number): string {
  let hex = BigInt.asUintN(32, BigInt(unscaled)).toString(16).padStart(8, '0');
  while (hex.length > 2 && ((hex.startsWith('00') && parseInt(hex.slice(2, 3), 16) < 8) || (hex.startsWith('ff') && parseInt(hex.slice(2, 3), 16) >= 8))) hex = hex.slice(2);
  return Buffer.from(hex, 'hex').toString('base64');
}

function envelope(schema: unknown, payload: unknown): string {
  return JSON.stringify({ schema, payload });
}

void test('upserts by record key into a table it creates, deletes on a tombstone, adds a column for a new optional field', { timeout: 120_000 }, async () => {
  const topic = await w.fx.topic('jdbc_products');
  const value = (id: number, name: string, cents: number, extra?: { note: string }) =>
    envelope(
      { type: 'struct', optional: false, name: 'product', fields: [...VALUE_FIELDS, ...(extra === undefined ? [] : [{ field: 'note', type: 'string', optional: true }])] },
      { id, name, price: decimal(cents), active: id % 2 === 0, created: Date.UTC(2026, 0, id, 12, 30, 15, 250), ...(extra ?? {}) },
    );
  const key = (id: number): string => envelope(KEY_SCHEMA, { id });
  await produceRaw(w.fx.reference, topic, [
    ...[1, 2, 3, 4, 5].map((id) => ({ key: key(id), value: value(id, `product ${id}`, id * 1000 + 34) })),
    { key: key(2), value: value(2, 'product 2, renamed', -1999) },
    { key: key(3), value: null },
  ]);
  const name = await createSink(topic, { 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'id', 'delete.enabled': 'true', 'auto.create': 'true', 'auto.evolve': 'true', 'batch.size': '2' });
  const table = `\`${target.name}\`.\`${topic}\``;
  const first = await waitRows(name, `SELECT * FROM ${table} ORDER BY id`, (got) => got.length === 4 && got.some((r) => r['name'] === 'product 2, renamed'), 'the rows in MariaDB');
  assert.deepEqual(first.map((r) => r['id']), [1, 2, 4, 5], 'row 3 deleted by its tombstone');
  assert.equal(first[1]?.['price'], '-19.99');
  assert.equal(first[0]?.['price'], '10.34');
  assert.equal(first[1]?.['active'], 1);
  assert.equal((first[0]?.['created'] as Date).toISOString(), '2026-01-01T12:30:15.250Z');
  const columns = await rows(`SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, IS_NULLABLE AS n, COLUMN_KEY AS k FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='${target.name}' AND TABLE_NAME='${topic}' ORDER BY ORDINAL_POSITION`);
  assert.deepEqual(columns.map((c) => [c['c'], c['t'], c['n'], c['k']]), [
    ['id', 'int(11)', 'NO', 'PRI'], ['name', 'text', 'NO', ''], ['price', 'decimal(65,2)', 'NO', ''], ['active', 'tinyint(4)', 'NO', ''], ['created', 'datetime(3)', 'NO', ''],
  ]);

  await produceRaw(w.fx.reference, topic, [{ key: key(6), value: value(6, 'product 6', 600, { note: 'new field' }) }]);
  const evolved = await waitRows(name, `SELECT * FROM ${table} ORDER BY id`, (got) => got.length === 5, 'row 6 with its note');
  assert.equal(evolved[4]?.['note'], 'new field');
  assert.equal(evolved[0]?.['note'], null, 'the added column is nullable');
  const status = (await http(`${w.url}/connectors/${name}/status`, 'GET')).body as { tasks: { state: string }[] };
  assert.ok(status.tasks.every((t) => t.state === 'RUNNING'), JSON.stringify(status));
});

void test('MariaDB → Debezium CDC → Kafka → unwrap → JDBC sink replicates inserts, updates and deletes into another database', { timeout: 180_000 }, async () => {
  await w.db.admin.query(`CREATE TABLE \`${w.db.name}\`.customers (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, score DOUBLE NULL)`);
  await w.db.admin.query(`INSERT INTO \`${w.db.name}\`.customers VALUES (1, 'a@example.com', 1.5), (2, 'b@example.com', NULL), (3, 'c@example.com', 3)`);
  const { prefix } = await w.createCdc('jdbc-cdc', ['customers']);
  const topic = `${prefix}.${w.db.name}.customers`;
  await eventually(async () => {
    const ends = await w.fx.admin.endOffsets(topic).catch(() => undefined);
    return (ends?.get(0)?.high ?? 0n) >= 3n ? true : undefined;
  }, 'the snapshot in Kafka', 60_000);
  const sink = await createSink(topic, {
    'table.name.format': 'customers_copy',
    'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true', 'auto.create': 'true',
    transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState', 'transforms.unwrap.delete.tombstone.handling.mode': 'tombstone',
  });
  await w.db.admin.query(`UPDATE \`${w.db.name}\`.customers SET email = 'b2@example.com', score = 2.25 WHERE id = 2`);
  await w.db.admin.query(`DELETE FROM \`${w.db.name}\`.customers WHERE id = 3`);
  await w.db.admin.query(`INSERT INTO \`${w.db.name}\`.customers VALUES (4, 'd@example.com', 4)`);
  const copy = await waitRows(sink, `SELECT id, email, score FROM \`${target.name}\`.customers_copy ORDER BY id`, (got) => got.length === 3 && got.some((r) => r['id'] === 4) && got.some((r) => r['email'] === 'b2@example.com'), 'the replicated table', 90_000);
  assert.deepEqual(copy, [
    { id: 1, email: 'a@example.com', score: 1.5 },
    { id: 2, email: 'b2@example.com', score: 2.25 },
    { id: 4, email: 'd@example.com', score: 4 },
  ]);
});

void test('under Debezium\'s class, change events are applied without the unwrap SMT into a table named with underscores', { timeout: 180_000 }, async () => {
  await w.db.admin.query(`CREATE TABLE \`${w.db.name}\`.orders (id INT PRIMARY KEY, item VARCHAR(50) NOT NULL, qty INT NOT NULL)`);
  await w.db.admin.query(`INSERT INTO \`${w.db.name}\`.orders VALUES (1, 'pen', 2), (2, 'ink', 1)`);
  const { prefix } = await w.createCdc('jdbc-dbz', ['orders']);
  const topic = `${prefix}.${w.db.name}.orders`;
  const table = topic.replaceAll('.', '_');
  const sink = uniqueName('jdbc-dbz-sink');
  w.fx.groups.push(`connect-${sink}`);
  const res = await http(`${w.url}/connectors`, 'POST', {
    name: sink,
    config: {
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', topics: topic, 'connection.url': jdbcUrl(),
      'connection.username': stack.mariadb.adminUser, 'connection.password': stack.mariadb.adminPassword,
      'insert.mode': 'upsert', 'primary.key.mode': 'record_key', 'delete.enabled': 'true', 'schema.evolution': 'basic',
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await w.db.admin.query(`UPDATE \`${w.db.name}\`.orders SET qty = 5 WHERE id = 1`);
  await w.db.admin.query(`DELETE FROM \`${w.db.name}\`.orders WHERE id = 2`);
  const copy = await waitRows(sink, `SELECT id, item, qty FROM \`${target.name}\`.\`${table}\` ORDER BY id`, (got) => got.length === 1 && got[0]?.['qty'] === 5, 'the replicated orders', 90_000);
  assert.deepEqual(copy, [{ id: 1, item: 'pen', qty: 5 }]);
});
