import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDdl } from '../../../../plugins/mysql-cdc/src/ddl/parser.ts';
import type { TableDef } from '../../../../plugins/mysql-cdc/src/schema/table.ts';
import { SchemaHistory } from '../../../../plugins/mysql-cdc/src/schema/history.ts';
import { ALL_TYPES_DDL } from './fixtures.ts';

const cols = (t: TableDef | undefined) => t?.columns.map((c) => c.name);

test('ddl: SHOW CREATE TABLE output with every type', () => {
  const tables = new Map<string, TableDef>();
  const [change] = applyDdl(ALL_TYPES_DDL, 'inv', tables);
  assert.equal(change?.type, 'CREATE');
  const t = tables.get('inv.all_types')!;
  assert.deepEqual(t.primaryKey, ['id']);
  assert.equal(t.columns.length, 37);
  const by = (n: string) => t.columns.find((c) => c.name === n)!;
  assert.equal(by('id').optional, false);
  assert.deepEqual([by('biu').typeName, by('biu').unsigned], ['BIGINT', true]);
  assert.deepEqual([by('deu').length, by('deu').scale], [30, 10]);
  assert.equal(by('b1').typeName, 'BOOLEAN');
  assert.deepEqual(by('e').enumValues, ['a', 'b', 'c']);
  assert.deepEqual(by('s').enumValues, ['x', 'y', 'z']);
  assert.equal(by('j').typeName, 'LONGTEXT', 'MariaDB JSON (longtext with a json_valid check) stays LONGTEXT, as in Debezium 3.5');
  assert.equal(by('tm6').length, 6);
  assert.equal(by('bt').length, 10);
  assert.equal(by('vc').defaultExpression, 'x');
  assert.equal(by('ts0').optional, false);
  assert.equal(by('ts0').defaultExpression, 'current_timestamp()');
  assert.equal(by('ts0').defaultKind, 'expression');
  assert.equal(by('vc').defaultKind, 'string');
  assert.equal(t.charset, 'latin1');
});

test('ddl: ALTER TABLE add/drop/modify/change/rename column, primary keys, RENAME and DROP TABLE', () => {
  const tables = new Map<string, TableDef>();
  applyDdl('CREATE TABLE IF NOT EXISTS `db`.t (a INT, b VARCHAR(5), c INT) -- comment', 'other', tables);
  applyDdl('ALTER TABLE db.t ADD COLUMN d DATETIME(6) NOT NULL AFTER a, DROP COLUMN b, MODIFY c BIGINT UNSIGNED, ADD PRIMARY KEY (a)', 'x', tables);
  const t = tables.get('db.t');
  assert.deepEqual(cols(t), ['a', 'd', 'c']);
  assert.deepEqual(t?.primaryKey, ['a']);
  assert.equal(t?.columns[0]?.optional, false);
  assert.equal(t?.columns[2]?.typeName, 'BIGINT');
  applyDdl('alter table t change column c cc decimal(5,2) first, rename column d to dd, add (e int, f text)', 'db', tables);
  assert.deepEqual(cols(tables.get('db.t')), ['cc', 'a', 'dd', 'e', 'f']);
  const [rename] = applyDdl('ALTER TABLE t RENAME TO t2', 'db', tables);
  assert.deepEqual([rename?.type, rename?.table, rename?.previousId], ['ALTER', 't2', 'db.t']);
  const renamed = applyDdl('RENAME TABLE db.t2 TO db.t3, db.missing TO db.gone', 'db', tables);
  assert.equal(renamed.length, 1);
  assert.deepEqual([...tables.keys()], ['db.t3']);
  applyDdl('CREATE TABLE t4 LIKE t3', 'db', tables);
  assert.deepEqual(cols(tables.get('db.t4')), ['cc', 'a', 'dd', 'e', 'f']);
  applyDdl('ALTER TABLE t4 DROP PRIMARY KEY', 'db', tables);
  assert.deepEqual(tables.get('db.t4')?.primaryKey, []);
  const dropped = applyDdl('DROP TABLE IF EXISTS db.t3, t4', 'db', tables);
  assert.deepEqual(dropped.map((d) => d.type), ['DROP', 'DROP']);
  assert.equal(tables.size, 0);
  assert.deepEqual(applyDdl("INSERT INTO t VALUES (1, 'x')", 'db', tables), []);
});

test('ddl: composite primary keys, quoted names, executable comments, DROP DATABASE', () => {
  const tables = new Map<string, TableDef>();
  applyDdl('CREATE TABLE `we``ird` (`order` INT, `key` CHAR(2) NOT NULL, /*!50100 x int,*/ CONSTRAINT pk PRIMARY KEY (`order`, `key`), KEY idx (`key`)) ENGINE=InnoDB', 'd', tables);
  const t = tables.get('d.we`ird')!;
  assert.deepEqual(cols(t), ['order', 'key', 'x']);
  assert.deepEqual(t.primaryKey, ['order', 'key']);
  applyDdl('DROP DATABASE d', '', tables);
  assert.equal(tables.size, 0);
});

test('schema history: restore replays only records at or before the resume position', () => {
  const h = new SchemaHistory('shop');
  const r1 = h.apply('CREATE TABLE t (a INT)', 'db', { file: 'bin.000001', pos: 100 }, 1)!.record;
  const r2 = h.apply('ALTER TABLE t ADD b INT', 'db', { file: 'bin.000002', pos: 50, gtids: '0-1-5' }, 2)!.record;
  assert.equal(h.apply('BEGIN', 'db', { file: 'bin.000002', pos: 60 }, 3), null);
  const [change] = r2.tableChanges as { type: string; id: string; table: { columns: { name: string }[] } }[];
  assert.deepEqual([change?.type, change?.id, change?.table.columns.map((c) => c.name)], ['ALTER', '"db"."t"', ['a', 'b']]);
  assert.deepEqual(cols(SchemaHistory.restore('shop', [r1, r2], { file: 'bin.000001', pos: 999 }).table('db', 't')), ['a']);
  assert.deepEqual(cols(SchemaHistory.restore('shop', [r1, r2], { file: 'bin.000002', pos: 50 }).table('db', 't')), ['a', 'b']);
  assert.deepEqual(JSON.parse(JSON.stringify(r2)), r2, 'records are plain JSON');
});
