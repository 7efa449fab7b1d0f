/**
 * The mysql-cdc task against the real MariaDB through the real mysql capability: a snapshot of several tables
 * (100,000 rows in all), then inserts, updates and deletes while streaming from exactly the snapshot position.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SourceOffset, SourceRecord } from '../../../sdk/records.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { createTestDb } from '../binlog/helpers.ts';
import type { TestDb } from '../binlog/helpers.ts';
import { cdcConfig, dataRecords, envelope, startTask } from './helpers.ts';

const TABLES = { customers: 20_000, orders: 50_000, products: 30_000 } as const;
let db: TestDb;

before(async () => {
  db = await createTestDb('cdc_snap');
  const d = db.name;
  await db.admin.query(`CREATE TABLE \`${d}\`.customers (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, email VARCHAR(128))`);
  await db.admin.query(`CREATE TABLE \`${d}\`.orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL, created DATETIME(3) NOT NULL)`);
  await db.admin.query(`CREATE TABLE \`${d}\`.products (sku VARCHAR(32) PRIMARY KEY, qty INT UNSIGNED NOT NULL, active TINYINT(1) NOT NULL)`);
  const bulk = async (table: string, n: number, row: (i: number) => unknown[]): Promise<void> => {
    for (let start = 1; start <= n; start += 5000) {
      const rows = Array.from({ length: Math.min(5000, n - start + 1) }, (_, k) => row(start + k));
      await db.admin.query(`INSERT INTO \`${d}\`.${table} VALUES ?`, [rows]);
    }
  };
  await bulk('customers', TABLES.customers, (i) => [i, `c${i}`, `c${i}@example.com`]);
  await bulk('orders', TABLES.orders, (i) => [i, (i % TABLES.customers) + 1, (i % 1000) + 0.25, '2026-01-02 03:04:05.678']);
  await bulk('products', TABLES.products, (i) => [`sku-${String(i).padStart(6, '0')}`, i, i % 2]);
});

after(async () => {
  await db.drop();
});

test('snapshot of three tables (100,000 rows), then changes streamed from exactly the snapshot position', async () => {
  const prefix = uniqueName('snap');
  const offsets = new Map<string, SourceOffset>();
  const run = await startTask(cdcConfig(db.name, prefix, { 'max.batch.size': '4096', 'snapshot.fetch.size': '5000' }), offsets);
  try {
    const total = Object.values(TABLES).reduce((a, b) => a + b, 0);
    // A change made while the snapshot runs (after the snapshot position was taken) must come from the binlog.
    const first = await run.poll();
    await db.admin.query(`UPDATE \`${db.name}\`.customers SET name = 'during-snapshot' WHERE id = 1`);
    const records: SourceRecord[] = [...first];
    records.push(...(await run.pollUntil((rs) => dataRecords([...first, ...rs], prefix, db.name).filter((r) => envelope(r).op === 'r').length >= total)));
    const reads = dataRecords(records, prefix, db.name).filter((r) => envelope(r).op === 'r');
    assert.equal(reads.length, total);
    for (const [table, n] of Object.entries(TABLES)) assert.equal(reads.filter((r) => r.topic === `${prefix}.${db.name}.${table}`).length, n, table);
    assert.equal(envelope(reads[0]!).source.snapshot, 'first');
    assert.equal(envelope(reads.at(-1)!).source.snapshot, 'last');
    assert.equal(reads.at(-1)!.sourceOffset['snapshot_completed'], true);
    assert.equal(new Set(reads.map((r) => JSON.stringify([r.sourceOffset["file"], r.sourceOffset["pos"]]))).size, 1, 'every snapshot event carries the one snapshot position');
    const c1 = reads.find((r) => r.topic.endsWith('.customers') && (r.key as { id: number }).id === 1)!;
    assert.equal(envelope(c1).after?.['name'], 'c1', 'the snapshot sees the table as of its position');
    assert.deepEqual(c1.keySchema?.fields?.map((f) => f.field), ['id']);
    const o = reads.find((r) => r.topic.endsWith('.orders'))!;
    assert.equal(envelope(o).after?.['created'], Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    // Debezium's snapshot schema changes precede the data: the preamble, then each table's CREATE TABLE; the history
    // holds the same statements, as JSON text records.
    const firstLine = (r: SourceRecord): string => ((r.value as { ddl: string }).ddl.split(/[\s(]/).slice(0, 3).join(' '));
    const expected = ['SET character_set_server=utf8mb4, collation_server=utf8mb4_unicode_ci', 'DROP TABLE IF', 'DROP TABLE IF', 'DROP TABLE IF',
      'DROP DATABASE IF', 'CREATE DATABASE `' + db.name + '`', 'USE `' + db.name + '`', 'CREATE TABLE `customers`', 'CREATE TABLE `orders`', 'CREATE TABLE `products`'];
    assert.deepEqual(records.filter((r) => r.topic === prefix).map(firstLine), expected);
    const history = records.filter((r) => r.topic === `schemahistory.${prefix}`);
    assert.deepEqual(history.map(firstLine), expected);
    assert.ok(history.every((r) => r.format === 'json-text' && r.key === null));

    // Streaming: the update made during the snapshot, then inserts, updates and deletes.
    await db.admin.query(`INSERT INTO \`${db.name}\`.customers VALUES (900001, 'new', NULL)`);
    await db.admin.query(`UPDATE \`${db.name}\`.orders SET amount = 99.99 WHERE id = 7`);
    await db.admin.query(`DELETE FROM \`${db.name}\`.products WHERE sku = 'sku-000003'`);
    const streamed = await run.pollUntil((rs) => rs.some((r) => r.topic.endsWith('.products') && r.value === null));
    const changes = streamed.filter((r) => r.topic.startsWith(`${prefix}.${db.name}.`));
    assert.deepEqual(changes.map((r) => [r.topic.split('.').at(-1), r.value === null ? 'tombstone' : envelope(r).op]), [
      ['customers', 'u'], ['customers', 'c'], ['orders', 'u'], ['products', 'd'], ['products', 'tombstone'],
    ]);
    const [during, inserted, updated, deleted] = changes.map((r) => r.value === null ? null : envelope(r));
    assert.deepEqual([during?.before?.['name'], during?.after?.['name']], ['c1', 'during-snapshot']);
    assert.equal(during?.source.snapshot, 'false');
    assert.deepEqual(inserted?.after, { id: 900001, name: 'new', email: null });
    assert.equal(updated?.after?.['amount'], 'Jw8=', 'Connect Decimal bytes of 99.99 (unscaled 9999 = 0x270f, scale 2)');
    assert.deepEqual(deleted?.before, { sku: 'sku-000003', qty: 3, active: 1 });
    assert.equal(changes[4]?.key && (changes[4].key as { sku: string }).sku, 'sku-000003');
  } finally {
    await run.stop();
  }
});
