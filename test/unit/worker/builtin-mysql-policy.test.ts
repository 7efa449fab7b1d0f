import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILTIN_PLUGINS_ROOT } from '../../../host/plugins/builtin.ts';
import type { PluginVersion } from '../../../host/plugins/plugin-version.ts';
import { withMysqlGrant } from '../../../host/worker/builtin-mysql-policy.ts';

const plugin = (name: string, dir: string): PluginVersion => ({ manifest: { name }, dir }) as unknown as PluginVersion;
const builtin = plugin('mysql-cdc', join(BUILTIN_PLUGINS_ROOT, 'mysql-cdc'));

test('the built-in CDC source is granted exactly the database its config names, on top of the policy', () => {
  const book = { '*': { mysqlHosts: ['db0:3306'] } };
  const granted = withMysqlGrant(book, 'inventory', builtin, { 'database.hostname': 'db1', 'database.port': '3307' });
  assert.deepEqual(granted['inventory']?.mysqlHosts, ['db0:3306', 'db1:3307']);
  assert.deepEqual(book['*'].mysqlHosts, ['db0:3306'], 'the worker policy itself is unchanged');
  assert.deepEqual(withMysqlGrant({}, 'c', builtin, { 'database.hostname': 'db1' })['c']?.mysqlHosts, ['db1:3306'], 'default port 3306');
});

test('third-party bundles, even one named mysql-cdc, and configs without a host get nothing extra', () => {
  const book = {};
  assert.equal(withMysqlGrant(book, 'c', plugin('mysql-cdc', '/plugins/mysql-cdc'), { 'database.hostname': 'db1' }), book);
  assert.equal(withMysqlGrant(book, 'c', builtin, {}), book);
});
