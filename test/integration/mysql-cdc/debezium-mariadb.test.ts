/**
 * The task configured as io.debezium.connector.mariadb.MariaDbConnector against the real MariaDB, asserting what
 * Debezium 3.5.0.Final's MariaDB connector emitted for the same tables and statements (run with
 * bench/reference/debezium.ts's Kafka Connect set-up; the expected field schemas below are copied from its records):
 * column defaults, LONGTEXT JSON as a plain string, snapshot source server_id 0, exact ts_ns, the context headers,
 * the key headers on a primary-key change, nothing at all for TRUNCATE, and a streamed JSON column typed Json.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SourceOffset, SourceRecord } from '../../../sdk/records.ts';
import { JsonConverter } from '../../../host/connect/converters/json-converter.ts';
import { sourceRecordToConnect } from '../../../host/pipeline/records.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { createTestDb } from '../binlog/helpers.ts';
import type { TestDb } from '../binlog/helpers.ts';
import { cdcConfig, envelope, startTask } from './helpers.ts';

/** t's value fields as Debezium 3.5 wrote them, except ub's default: Debezium's is the int64 9223372036854775807. */
const DEBEZIUM_T_FIELDS = [
  { type: 'int32', optional: false, field: 'id' },
  { type: 'string', optional: false, default: 'anon', field: 'name' },
  { type: 'int32', optional: true, default: 5, field: 'qty' },
  { type: 'int32', optional: false, default: -7, field: 'neg' },
  { type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' }, default: 'AJY=', field: 'price' },
  { type: 'int16', optional: true, default: 1, field: 'flag' },
  { type: 'int64', optional: true, name: 'io.debezium.time.Timestamp', version: 1, default: 1577934245000, field: 'created' },
  { type: 'string', optional: true, name: 'io.debezium.time.ZonedTimestamp', version: 1, field: 'ts' },
  { type: 'string', optional: true, field: 'doc' },
  { type: 'int64', optional: true, default: -3, field: 'big' },
  { type: 'float', optional: true, default: 1.5, field: 'f' },
  { type: 'double', optional: true, default: 2.25, field: 'dd' },
  { type: 'string', optional: true, name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'a,b' }, default: 'b', field: 'e' },
  { type: 'int32', optional: true, name: 'io.debezium.time.Date', version: 1, default: 18661, field: 'd' },
  { type: 'int64', optional: true, name: 'io.debezium.time.MicroTime', version: 1, default: 3723000000, field: 'tm' },
  { type: 'bytes', optional: true, default: 'YWI=', field: 'vb' },
  { type: 'bytes', optional: true, name: 'io.debezium.data.Bits', version: 1, parameters: { length: '3' }, default: 'BQ==', field: 'bits' },
  { type: 'int32', optional: true, name: 'io.debezium.time.Year', version: 1, default: 2020, field: 'yr' },
  { type: 'string', optional: true, field: 'nn' },
  { type: 'int64', optional: true, default: '9223372036854775807', field: 'ub' },
  { type: 'int16', optional: true, default: 1, field: 'bo' },
];

const DEBEZIUM_C_FIELDS = [
  { type: 'int32', optional: false, field: 'id' },
  { type: 'string', optional: false, name: 'io.debezium.time.ZonedTimestamp', version: 1, default: '1970-01-01T00:00:00Z', field: 'ts0' },
  { type: 'int64', optional: false, name: 'io.debezium.time.Timestamp', version: 1, default: 0, field: 'dt0' },
  { type: 'string', optional: true, name: 'io.debezium.time.ZonedTimestamp', version: 1, default: '2020-01-02T03:04:05Z', field: 'tsl' },
  { type: 'string', optional: false, name: 'io.debezium.time.ZonedTimestamp', version: 1, default: '1970-01-01T00:00:00Z', field: 'z' },
  { type: 'int64', optional: false, name: 'io.debezium.time.Timestamp', version: 1, default: 0, field: 'zd' },
  { type: 'bytes', optional: true, default: 'YWI=', field: 'vb2' },
  { type: 'string', optional: true, field: 'u' },
  { type: 'int32', optional: false, field: 'nnd' },
  { type: 'boolean', optional: true, default: true, field: 'bt1' },
  { type: 'string', optional: true, name: 'io.debezium.data.EnumSet', version: 1, parameters: { allowed: 'x,y' }, default: 'x,y', field: 'st' },
  { type: 'string', optional: true, default: 'hello', field: 'tx' },
  { type: 'int32', optional: true, field: 'ex' },
  { type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '0', 'connect.decimal.precision': '5' }, default: 'DA==', field: 'dcs' },
  { type: 'string', optional: true, default: '', field: 'ch' },
  { type: 'int16', optional: false, default: 0, field: 'bo2' },
  { type: 'int32', optional: true, default: 65535, field: 'sm' },
];

let db: TestDb;
before(async () => {
  db = await createTestDb('cdc_dbz');
  const d = db.name;
  await db.admin.query(`CREATE TABLE \`${d}\`.t (id INT PRIMARY KEY, name VARCHAR(32) NOT NULL DEFAULT 'anon', qty INT DEFAULT 5, neg INT NOT NULL DEFAULT -7,
    price DECIMAL(10,2) DEFAULT 1.50, flag TINYINT(1) DEFAULT 1, created DATETIME DEFAULT '2020-01-02 03:04:05', ts TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
    doc JSON, big BIGINT DEFAULT -3, f FLOAT DEFAULT 1.5, dd DOUBLE DEFAULT 2.25, e ENUM('a','b') DEFAULT 'b', d DATE DEFAULT '2021-02-03', tm TIME DEFAULT '01:02:03',
    vb VARBINARY(4) DEFAULT 'ab', bits BIT(3) DEFAULT b'101', yr YEAR DEFAULT 2020, nn VARCHAR(8) NULL, ub BIGINT UNSIGNED DEFAULT 18446744073709551615, bo BOOLEAN DEFAULT TRUE)`);
  await db.admin.query(`INSERT INTO \`${d}\`.t (id, doc) VALUES (1, '{"a": 1}')`);
  await db.admin.query(`SET SESSION sql_mode = ''`);
  await db.admin.query(`CREATE TABLE \`${d}\`.c (id INT PRIMARY KEY, ts0 TIMESTAMP NOT NULL DEFAULT current_timestamp(), dt0 DATETIME NOT NULL DEFAULT current_timestamp(),
    tsl TIMESTAMP NULL DEFAULT '2020-01-02 03:04:05', z TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00', zd DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00', vb2 VARBINARY(4) DEFAULT 0x6162,
    u VARCHAR(36) DEFAULT uuid(), nnd INT NOT NULL, bt1 BIT(1) DEFAULT b'1', st SET('x','y') DEFAULT 'x,y', tx TEXT DEFAULT 'hello', ex INT DEFAULT (1+2), dcs DECIMAL(5,0) DEFAULT '12',
    ch CHAR(3) DEFAULT '', bo2 BOOLEAN NOT NULL DEFAULT FALSE, sm SMALLINT UNSIGNED DEFAULT 65535)`);
  await db.admin.query(`SET SESSION sql_mode = DEFAULT`);
  await db.admin.query(`INSERT INTO \`${d}\`.c (id, nnd) VALUES (1, 1)`);
  await db.admin.query(`CREATE TABLE \`${d}\`.k (code VARCHAR(8) NOT NULL DEFAULT 'x' PRIMARY KEY, n INT)`);
});
after(async () => {
  await db.drop();
});

const fieldsOf = (r: SourceRecord, name: 'before' | 'after'): unknown => r.valueSchema?.fields?.find((f) => f.field === name)?.fields;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('MariaDbConnector: events as Debezium 3.5 MariaDB writes them (snapshot, key change, TRUNCATE, streamed DDL)', async () => {
  const prefix = uniqueName('dbz');
  const d = db.name;
  const config = cdcConfig(d, prefix, { 'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector' });
  const run = await startTask(config, new Map<string, SourceOffset>());
  try {
    const snap = await run.pollUntil((rs) => rs.some((r) => r.value !== null && (r.value as { source?: { snapshot?: string } }).source?.snapshot === 'last'));
    const t1 = snap.find((r) => r.topic === `${prefix}.${d}.t`)!;
    const c1 = snap.find((r) => r.topic === `${prefix}.${d}.c`)!;
    // Defaults, LONGTEXT JSON as a plain string, TINYINT(1) as int16: the field schemas Debezium wrote.
    assert.deepEqual(fieldsOf(t1, 'after'), DEBEZIUM_T_FIELDS);
    assert.deepEqual(fieldsOf(c1, 'after'), DEBEZIUM_C_FIELDS);
    assert.deepEqual(t1.valueSchema?.fields?.find((f) => f.field === 'source')?.name, 'io.debezium.connector.mariadb.Source');
    assert.equal(t1.valueSchema?.fields?.find((f) => f.field === 'source')?.version, 1);
    const v1 = t1.value as { after: Record<string, unknown>; source: Record<string, unknown>; ts_ms: number; ts_us: number; ts_ns: string };
    assert.deepEqual(v1.after, {
      id: 1, name: 'anon', qty: 5, neg: -7, price: 'AJY=', flag: 1, created: 1577934245000, ts: v1.after['ts'], doc: '{"a": 1}', big: -3, f: 1.5, dd: 2.25,
      e: 'b', d: 18661, tm: 3723000000, vb: 'YWI=', bits: 'BQ==', yr: 2020, nn: null, ub: -1, bo: 1,
    });
    // Snapshot source: no server (server_id 0), the read time in whole seconds, Debezium's connector name and version.
    const s1 = v1.source;
    assert.deepEqual([s1['connector'], s1['version'], s1['server_id'], s1['gtid'], (s1['ts_ms'] as number) % 1000], ['mariadb', '3.5.0.Final', 0, null, 0]);
    assert.deepEqual([s1['ts_us'], s1['ts_ns']], [(s1['ts_ms'] as number) * 1000, `${s1['ts_ms'] as number}000000`]);
    assert.deepEqual([v1.ts_us, v1.ts_ns], [v1.ts_ms * 1000, `${v1.ts_ms}000000`], 'ts_ns exact, as an int64 digit string');
    // Through the host's converter the digit string is the exact int64 JsonConverter writes.
    const json = new JsonConverter();
    json.configure({ 'converter.type': 'value' });
    const bytes = json.fromConnectData(t1.topic, sourceRecordToConnect(t1).valueSchema, sourceRecordToConnect(t1).value)!.toString('utf8');
    assert.ok(bytes.includes(`"ts_ms":${v1.ts_ms},"ts_us":${v1.ts_ms}000,"ts_ns":${v1.ts_ms}000000}`), bytes.slice(-120));
    // Context headers on data and schema-change records; one run id for the task's run.
    const headers = t1.headers ?? {};
    assert.equal(headers['__debezium.context.connectorLogicalName'], prefix);
    assert.equal(headers['__debezium.context.connectorName'], 'mariadb');
    assert.equal(headers['__debezium.context.taskId'], '0');
    assert.match(headers['__debezium.context.runId'] ?? '', UUID_V7);
    const ddl = snap.filter((r) => r.topic === prefix);
    assert.ok(ddl.length > 0);
    for (const r of ddl) {
      assert.equal(r.keySchema?.name, 'io.debezium.connector.mariadb.SchemaChangeKey');
      assert.equal(r.valueSchema?.name, 'io.debezium.connector.mariadb.SchemaChangeValue');
      assert.equal((r.value as { source: { server_id: number } }).source.server_id, 0);
      assert.equal(r.headers?.['__debezium.context.runId'], headers['__debezium.context.runId']);
    }
    const kSchema = ddl.length > 0 ? snap.find((r) => r.topic === `${prefix}.${d}.k`) : undefined;
    assert.equal(kSchema, undefined, 'k has no rows');

    await db.admin.query(`INSERT INTO \`${d}\`.t (id, name, doc) VALUES (2, 'two', '[1,2]')`);
    await db.admin.query(`UPDATE \`${d}\`.t SET id = 20 WHERE id = 2`);
    await db.admin.query(`TRUNCATE TABLE \`${d}\`.t`);
    await db.admin.query(`INSERT INTO \`${d}\`.t (id) VALUES (5)`);
    await db.admin.query(`CREATE TABLE \`${d}\`.j (id INT PRIMARY KEY, doc JSON, n INT DEFAULT 3)`);
    await db.admin.query(`INSERT INTO \`${d}\`.j (id, doc) VALUES (1, '{"b": [1, 2]}')`);
    await db.admin.query(`ALTER TABLE \`${d}\`.j ADD COLUMN m VARCHAR(4) DEFAULT 'zz'`);
    await db.admin.query(`INSERT INTO \`${d}\`.j (id) VALUES (2)`);
    await db.admin.query(`INSERT INTO \`${d}\`.k (n) VALUES (1)`);
    const streamed = await run.pollUntil((rs) => rs.some((r) => r.topic === `${prefix}.${d}.k`));
    const data = streamed.filter((r) => r.topic.startsWith(`${prefix}.${d}.`));
    const summary = data.map((r) => [r.topic.split('.').at(-1), r.value === null ? 'tombstone' : envelope(r).op, r.key, r.headers?.['__debezium.newkey'] ?? r.headers?.['__debezium.oldkey'] ?? null]);
    // As Debezium: the key change's delete and tombstone carry the new key, the create the old; TRUNCATE emits nothing.
    assert.deepEqual(summary, [
      ['t', 'c', { id: 2 }, null],
      ['t', 'd', { id: 2 }, '{"id":20}'],
      ['t', 'tombstone', { id: 2 }, '{"id":20}'],
      ['t', 'c', { id: 20 }, '{"id":2}'],
      ['t', 'c', { id: 5 }, null],
      ['j', 'c', { id: 1 }, null],
      ['j', 'c', { id: 2 }, null],
      ['k', 'c', { code: 'x' }, null],
    ]);
    for (const r of data) assert.equal(r.headers?.['__debezium.context.connectorName'], 'mariadb');
    const changes = streamed.filter((r) => r.topic === prefix).map((r) => (r.value as { ddl: string }).ddl);
    assert.equal(changes.length, 2, `schema changes: ${changes.join(' | ')}`);
    assert.ok(changes.every((ddlText) => !/TRUNCATE/i.test(ddlText)));
    assert.equal(streamed.filter((r) => r.topic === `schemahistory.${prefix}`).length, 2, 'TRUNCATE is not in the schema history');
    // A JSON type in the DDL (not LONGTEXT) is io.debezium.data.Json; defaults follow ALTER TABLE.
    const [j1, j2] = data.filter((r) => r.topic.endsWith('.j'));
    assert.deepEqual(fieldsOf(j1!, 'after'), [
      { type: 'int32', optional: false, field: 'id' },
      { type: 'string', optional: true, name: 'io.debezium.data.Json', version: 1, field: 'doc' },
      { type: 'int32', optional: true, default: 3, field: 'n' },
    ]);
    assert.deepEqual(envelope(j1!).after, { id: 1, doc: '{"b": [1, 2]}', n: 3 });
    assert.deepEqual((fieldsOf(j2!, 'after') as unknown[]).at(-1), { type: 'string', optional: true, default: 'zz', field: 'm' });
    // Key fields carry their defaults too.
    const k = data.find((r) => r.topic.endsWith('.k'))!;
    assert.deepEqual(k.keySchema?.fields, [{ type: 'string', optional: false, default: 'x', field: 'code' }]);
    // Streamed source: the server's id and the binlog time.
    const sc = (data[0]!.value as { source: Record<string, unknown> }).source;
    assert.notEqual(sc['server_id'], 0);
    assert.equal(sc['ts_ns'], `${sc['ts_ms'] as number}000000`);
  } finally {
    await run.stop();
  }
});

test('MySqlConnector keeps the MySQL connector\'s names and no context headers', async () => {
  const prefix = uniqueName('dbzmy');
  const run = await startTask(cdcConfig(db.name, prefix), new Map<string, SourceOffset>());
  try {
    const snap = await run.pollUntil((rs) => rs.some((r) => r.value !== null && (r.value as { source?: { snapshot?: string } }).source?.snapshot === 'last'));
    const t1 = snap.find((r) => r.topic === `${prefix}.${db.name}.t`)!;
    const s = (t1.value as { source: Record<string, unknown> }).source;
    assert.deepEqual([s['connector'], s['server_id']], ['mysql', 0]);
    assert.equal(t1.valueSchema?.fields?.find((f) => f.field === 'source')?.name, 'io.debezium.connector.mysql.Source');
    assert.equal(t1.headers, undefined);
    assert.equal(snap.find((r) => r.topic === prefix)?.valueSchema?.name, 'io.debezium.connector.mysql.SchemaChangeValue');
  } finally {
    await run.stop();
  }
});

test('provide.transaction.metadata: transaction blocks and BEGIN/END events as Debezium 3.5 MariaDB writes them', async () => {
  const prefix = uniqueName('dbztx');
  const d = db.name;
  const config = cdcConfig(d, prefix, { 'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'provide.transaction.metadata': 'true', 'table.include.list': `${d}\\.t` });
  const run = await startTask(config, new Map<string, SourceOffset>());
  try {
    const snap = await run.pollUntil((rs) => rs.some((r) => r.value !== null && (r.value as { source?: { snapshot?: string } }).source?.snapshot === 'last'));
    assert.ok(snap.filter((r) => r.topic.startsWith(`${prefix}.${d}.`)).every((r) => (r.value as { transaction: unknown }).transaction === null), 'snapshot events have no transaction');
    await db.admin.query(`DELETE FROM \`${d}\`.t`);
    const cleared = await run.pollUntil((rs) => rs.some((r) => r.topic === `${prefix}.transaction` && (r.value as { status: string }).status === 'END'));
    assert.ok(cleared.length > 0);
    await db.admin.query(`INSERT INTO \`${d}\`.t (id, name) VALUES (2, 'two')`);
    await db.admin.query(`UPDATE \`${d}\`.t SET id = 20 WHERE id = 2`);
    await db.admin.beginTransaction();
    await db.admin.query(`INSERT INTO \`${d}\`.t (id) VALUES (3)`);
    await db.admin.query(`INSERT INTO \`${d}\`.t (id) VALUES (4)`);
    await db.admin.query(`UPDATE \`${d}\`.t SET qty = 9 WHERE id = 3`);
    await db.admin.commit();
    await db.admin.query(`DELETE FROM \`${d}\`.t WHERE id = 4`);
    await db.admin.query(`TRUNCATE TABLE \`${d}\`.t`);
    await db.admin.query(`INSERT INTO \`${d}\`.t (id) VALUES (5)`);
    const out = await run.pollUntil((rs) => rs.some((r) => r.topic === `${prefix}.${d}.t` && (r.key as { id: number }).id === 5)
      && rs.filter((r) => r.topic === `${prefix}.transaction`).length >= 11);
    const tx = out.filter((r) => r.topic === `${prefix}.transaction`);
    const data = out.filter((r) => r.topic === `${prefix}.${d}.t`);
    type Block = { id: string; total_order: number; data_collection_order: number } | null;
    const blocks = data.map((r) => [r.value === null ? 'tombstone' : envelope(r).op, r.value === null ? null : (r.value as { transaction: Block }).transaction]);
    const ids = [...new Set(blocks.map(([, b]) => (b as Block)?.id).filter((x): x is string => x !== undefined))];
    assert.equal(ids.length, 5, JSON.stringify(blocks));
    const [x1, x2, x3, x4, x6] = ids;
    const at = (id: string | undefined, n: number, m: number) => ({ id, total_order: n, data_collection_order: m });
    assert.deepEqual(blocks, [
      ['c', at(x1, 1, 1)],
      ['d', at(x2, 1, 1)], ['tombstone', null], ['c', at(x2, 2, 2)],
      ['c', at(x3, 1, 1)], ['c', at(x3, 2, 2)], ['u', at(x3, 3, 3)],
      ['d', at(x4, 1, 1)], ['tombstone', null],
      ['c', at(x6, 1, 1)],
    ]);
    for (const r of data.filter((x) => x.value !== null)) assert.equal((r.value as { transaction: { id: string }; source: { gtid: string } }).transaction.id, (r.value as { source: { gtid: string } }).source.gtid);
    const events = tx.map((r) => {
      const v = r.value as { status: string; id: string; event_count: number | null; data_collections: unknown };
      assert.deepEqual(r.key, { id: v.id });
      assert.equal(r.headers, undefined, 'transaction events carry no headers');
      return [v.status, v.id, v.event_count, v.data_collections];
    });
    const coll = (n: number) => [{ data_collection: `${d}.t`, event_count: n }];
    const x5 = events[8]?.[1] as string;
    // The TRUNCATE (its own GTID, between x4 and x6) gets a BEGIN and no END, as in Debezium.
    assert.match(x5, /^\d+-\d+-\d+$/);
    assert.deepEqual(events, [
      ['BEGIN', x1, null, null], ['END', x1, 1, coll(1)],
      ['BEGIN', x2, null, null], ['END', x2, 2, coll(2)],
      ['BEGIN', x3, null, null], ['END', x3, 3, coll(3)],
      ['BEGIN', x4, null, null], ['END', x4, 1, coll(1)],
      ['BEGIN', x5, null, null],
      ['BEGIN', x6, null, null], ['END', x6, 1, coll(1)],
    ]);
    assert.equal(tx[0]?.keySchema?.name, 'io.debezium.connector.common.TransactionMetadataKey');
    assert.equal(tx[0]?.valueSchema?.name, 'io.debezium.connector.common.TransactionMetadataValue');
    // BEGIN precedes its transaction's first data event in the record stream.
    assert.ok(out.indexOf(tx[0]) < out.indexOf(data[0]!), 'BEGIN first');
  } finally {
    await run.stop();
  }
});
