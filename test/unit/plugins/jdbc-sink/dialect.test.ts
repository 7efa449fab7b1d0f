import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SinkRecord } from '../../../../sdk/index.ts';
import { createTaskHarness } from '../../../../sdk/testing.ts';
import { parseJdbcUrl } from '../../../../plugins/jdbc-sink/src/config.ts';
import { alterTable, createTable, decimalText, insertStatement, sqlValue, updateStatement } from '../../../../plugins/jdbc-sink/src/dialect.ts';
import type { Column } from '../../../../plugins/jdbc-sink/src/fields.ts';
import { tableFor } from '../../../../plugins/jdbc-sink/src/writer.ts';
import jdbcSink from '../../../../plugins/jdbc-sink/src/index.ts';

const col = (name: string, schema: Column['schema'], key = false): Column => ({ name, schema, key });

void test('Connect Decimal bytes become decimal text, negatives and scale 0 included', () => {
  const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');
  assert.equal(decimalText(b64([0x04, 0x0a]), 2), '10.34');
  assert.equal(decimalText(b64([0xf8, 0x31]), 2), '-19.99');
  assert.equal(decimalText(b64([0x05]), 3), '0.005');
  assert.equal(decimalText(b64([0xff]), 0), '-1');
});

void test('column types, CREATE TABLE with the key, ALTER for optional fields only, and logical values', () => {
  const columns = [col('id', { type: 'int32' }, true), col('name', { type: 'string', optional: true }), col('at', { type: 'int64', name: 'org.apache.kafka.connect.data.Timestamp' }), col('raw', { type: 'bytes', optional: true })];
  assert.equal(createTable('`t`', columns), 'CREATE TABLE `t` (\n  `id` INT NOT NULL,\n  `name` TEXT NULL,\n  `at` DATETIME(3) NOT NULL,\n  `raw` BLOB NULL,\n  PRIMARY KEY(`id`))');
  assert.equal(alterTable('`t`', [col('n', { type: 'int16', optional: false, default: 7 })]), 'ALTER TABLE `t` ADD `n` SMALLINT NOT NULL DEFAULT 7');
  assert.throws(() => alterTable('`t`', [col('m', { type: 'string' })]), /Cannot ALTER TABLE `t` to add missing field m, as the field is not optional and does not have a default value/);
  assert.equal(insertStatement('`db`.`t`', columns, 2, 'upsert'), 'INSERT INTO `db`.`t`(`id`,`name`,`at`,`raw`) VALUES (?,?,?,FROM_BASE64(?)),(?,?,?,FROM_BASE64(?)) ON DUPLICATE KEY UPDATE `name`=VALUES(`name`),`at`=VALUES(`at`),`raw`=VALUES(`raw`)');
  assert.equal(updateStatement('`t`', columns), 'UPDATE `t` SET `name` = ?, `at` = ?, `raw` = FROM_BASE64(?) WHERE `id` = ?');
  assert.equal(sqlValue(Date.UTC(2026, 1, 3, 4, 5, 6, 7), columns[2] as Column), '2026-02-03 04:05:06.007');
  assert.equal(sqlValue(20_000, col('d', { type: 'int32', name: 'org.apache.kafka.connect.data.Date' })), '2024-10-04');
  assert.equal(sqlValue(true, col('b', { type: 'boolean' })), 1);
  assert.throws(() => sqlValue({ a: 1 }, col('s', { type: 'struct' })), /field s holds a object/);
});

void test('JDBC URLs and table names; the config checks Confluent makes', async () => {
  assert.deepEqual(parseJdbcUrl('jdbc:mariadb://db.local:3307/shop?useSSL=false'), { host: 'db.local', port: 3307, database: 'shop' });
  assert.deepEqual(parseJdbcUrl('jdbc:mysql://10.0.0.1/shop'), { host: '10.0.0.1', port: 3306, database: 'shop' });
  assert.throws(() => parseJdbcUrl('jdbc:postgresql://h/db'), /connection.url/);
  assert.equal(tableFor('${topic}', 'orders').sql, '`orders`');
  assert.equal(tableFor('${topic}', 'server.inventory.customers').sql, '`inventory`.`customers`');
  assert.equal(tableFor('kafka_${topic}', 'a`b').sql, '`kafka_a``b`');
  const h = createTaskHarness(jdbcSink, { config: {} });
  const errors = await h.validate({ topics: 't', 'connection.url': 'jdbc:oracle:thin:@h:1521/x', 'delete.enabled': 'true', 'pk.mode': 'none', 'insert.mode': 'upsert' });
  assert.deepEqual(Object.keys(errors).sort(), ['connection.url', 'delete.enabled', 'pk.mode']);
});

void test('a record without a struct value fails with Confluent\'s message; a database error is retried after retry.backoff.ms', async () => {
  let failNext = 1;
  const queries: string[] = [];
  const h = createTaskHarness(jdbcSink, {
    config: { topics: 't', 'connection.url': 'jdbc:mysql://db/shop', 'retry.backoff.ms': '1234', 'auto.create': 'true' },
    capabilities: {
      mysql: {
        connect: () => Promise.resolve('c1'),
        close: () => Promise.resolve(),
        query: (_c: string, sql: string) => {
          queries.push(sql.split(' ')[0] as string);
          if (sql.startsWith('INSERT') && failNext-- > 0) return Promise.reject(new Error('Lock wait timeout exceeded'));
          return Promise.resolve({ rows: [] });
        },
      } as never,
    },
  });
  await h.start();
  const record = (value: unknown): SinkRecord => ({ topic: 't', partition: 0, offset: 0, key: null, value: value as SinkRecord['value'], valueSchema: { type: 'struct', fields: [{ field: 'a', type: 'int32' }] }, headers: {}, timestamp: 5 });
  const retry = await h.put([record({ a: 1 })]);
  assert.equal(retry?.timeoutMs, 1234);
  assert.match(retry?.retry?.message ?? '', /Lock wait timeout exceeded .*attempt 1 of 11/);
  assert.ok(queries.includes('ROLLBACK'));
  assert.equal(await h.put([record({ a: 1 })]), null);
  await assert.rejects(h.put([{ ...record(null), valueSchema: null }]), /requires records with a non-null Struct value and non-null Struct schema, but found record at \(topic='t',partition=0,offset=0,timestamp=5\) with a null value/);
});

void test('under Debezium\'s class and keys, change events are applied by op into a table named with underscores', async () => {
  const sql: { text: string; params: unknown[] }[] = [];
  const h = createTaskHarness(jdbcSink, {
    config: {
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', topics: 'srv.shop.customers', 'connection.url': 'jdbc:mysql://db/replica',
      'connection.username': 'copier', 'primary.key.mode': 'record_key', 'insert.mode': 'upsert', 'delete.enabled': 'true', 'schema.evolution': 'basic',
    },
    capabilities: {
      mysql: {
        connect: (o: { user: string }) => Promise.resolve(`c-${o.user}`),
        close: () => Promise.resolve(),
        query: (_c: string, text: string, params: unknown[] = []) => {
          sql.push({ text, params });
          return Promise.resolve({ rows: [] });
        },
      } as never,
    },
  });
  await h.start();
  const row = { type: 'struct', optional: true, name: 'srv.shop.customers.Value', fields: [{ field: 'id', type: 'int32' }, { field: 'email', type: 'string' }] } as const;
  const envelopeSchema = { type: 'struct', name: 'srv.shop.customers.Envelope', fields: [{ ...row, field: 'before' }, { ...row, field: 'after' }, { field: 'op', type: 'string' }] } as const;
  const keySchema = { type: 'struct', fields: [{ field: 'id', type: 'int32' }] } as const;
  const event = (offset: number, op: string, after: unknown): SinkRecord => ({
    topic: 'srv.shop.customers', partition: 0, offset, key: { id: 7 }, keySchema, value: { before: null, after, op } as SinkRecord['value'], valueSchema: envelopeSchema, headers: {}, timestamp: 0,
  });
  assert.equal(await h.put([event(0, 'c', { id: 7, email: 'a@x' }), event(1, 't', null), event(2, 'd', null)]), null);
  const writes = sql.filter((q) => /^(INSERT|DELETE|CREATE)/.test(q.text));
  assert.match(writes[0]?.text ?? '', /^CREATE TABLE `srv_shop_customers` \(\n {2}`id` INT NOT NULL,\n {2}`email` TEXT NOT NULL,\n {2}PRIMARY KEY\(`id`\)\)$/);
  assert.deepEqual(writes.slice(1).map((q) => [q.text, q.params]), [
    ['INSERT INTO `srv_shop_customers`(`id`,`email`) VALUES (?,?) ON DUPLICATE KEY UPDATE `email`=VALUES(`email`)', [7, 'a@x']],
    ['DELETE FROM `srv_shop_customers` WHERE `id` = ?', [7]],
  ]);
});
