import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILTIN_PLUGINS_ROOT } from '../../../host/plugins/builtin.ts';
import type { PluginVersion } from '../../../host/plugins/plugin-version.ts';
import { withJdbcGrant } from '../../../host/worker/builtin-jdbc-policy.ts';

const plugin = (name: string, dir: string): PluginVersion => ({ manifest: { name }, dir }) as unknown as PluginVersion;
const builtin = plugin('jdbc-sink', join(BUILTIN_PLUGINS_ROOT, 'jdbc-sink'));

test('the built-in JDBC sink is granted the server of its connection.url (default port 3306)', () => {
  const book = { '*': { mysqlHosts: ['db0:3306'] } };
  assert.deepEqual(withJdbcGrant(book, 'copy', builtin, { 'connection.url': 'jdbc:mariadb://db1:3307/shop?x=1' })['copy']?.mysqlHosts, ['db0:3306', 'db1:3307']);
  assert.deepEqual(withJdbcGrant({}, 'copy', builtin, { 'connection.url': 'jdbc:mysql://db2/shop' })['copy']?.mysqlHosts, ['db2:3306']);
  assert.deepEqual(book['*'].mysqlHosts, ['db0:3306']);
});

test('third-party bundles and other JDBC URLs get nothing extra', () => {
  const book = {};
  assert.equal(withJdbcGrant(book, 'c', plugin('jdbc-sink', '/plugins/jdbc-sink'), { 'connection.url': 'jdbc:mysql://db/shop' }), book);
  assert.equal(withJdbcGrant(book, 'c', builtin, { 'connection.url': 'jdbc:postgresql://db/shop' }), book);
});
