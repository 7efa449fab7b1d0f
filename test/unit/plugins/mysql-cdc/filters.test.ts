import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFilter, unmatchedIncludes } from '../../../../plugins/mysql-cdc/src/filters.ts';

const none = { databaseInclude: [], databaseExclude: [], tableInclude: [], tableExclude: [], columnExclude: [] };

test('filters: patterns are anchored regexes over the whole name, case-insensitive', () => {
  const f = tableFilter({ ...none, tableInclude: ['shop\\.orders', 'shop\\.line_.*'] });
  assert.equal(f.includeTable('shop', 'orders'), true);
  assert.equal(f.includeTable('SHOP', 'Orders'), true);
  assert.equal(f.includeTable('shop', 'orders_archive'), false, 'anchored at the end');
  assert.equal(f.includeTable('myshop', 'orders'), false, 'anchored at the start');
  assert.equal(f.includeTable('shop', 'line_items'), true);
});

test('filters: database lists, exclusions, system databases and columns', () => {
  const f = tableFilter({ ...none, databaseInclude: ['shop', 'crm_.*'], columnExclude: ['shop\\.users\\.(password|ssn)'] });
  assert.equal(f.includeTable('shop', 'x'), true);
  assert.equal(f.includeTable('crm_eu', 'x'), true);
  assert.equal(f.includeTable('other', 'x'), false);
  assert.equal(f.includeColumn('shop', 'users', 'password'), false);
  assert.equal(f.includeColumn('shop', 'users', 'email'), true);
  const g = tableFilter({ ...none, databaseExclude: ['tmp.*'], tableExclude: ['shop\\.audit'] });
  assert.equal(g.includeTable('tmp1', 'x'), false);
  assert.equal(g.includeTable('shop', 'audit'), false);
  assert.equal(g.includeTable('shop', 'orders'), true);
  assert.equal(g.includeTable('mysql', 'user'), false);
  assert.equal(g.includeDatabase('performance_schema'), false);
});

test('filters: include entries matching no table are reported', () => {
  assert.deepEqual(unmatchedIncludes(['shop\\.orders', 'shop\\.nope', 'crm\\..*'], ['shop.orders', 'crm.leads']), ['shop\\.nope']);
});

test('snapshot order: by the first table.include.list entry a table matches, as Debezium reads them', async () => {
  const { snapshotOrder } = await import('../../../../plugins/mysql-cdc/src/task/source-task.ts');
  const tables = ['decs', 'done', 'ints', 'strs', 'times'].map((table) => ({ db: 'd', table }));
  const order = (include: string[]): string[] => snapshotOrder(tables, include).map((t) => t.table);
  assert.deepEqual(order(['d\\.decs', 'd\\.ints', 'd\\.times', 'd\\.strs', 'd\\.done']), ['decs', 'ints', 'times', 'strs', 'done']);
  assert.deepEqual(order(['d\\.t.*', 'd\\..*']), ['times', 'decs', 'done', 'ints', 'strs']);
  assert.deepEqual(order([]), ['decs', 'done', 'ints', 'strs', 'times']);
});
