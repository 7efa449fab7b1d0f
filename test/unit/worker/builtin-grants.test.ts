import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILTIN_PLUGINS_ROOT } from '../../../host/plugins/builtin.ts';
import type { PluginVersion } from '../../../host/plugins/plugin-version.ts';
import { withHttpGrant, withJdbcGrant, withMysqlGrant } from '../../../host/worker/builtin-grants.ts';

const plugin = (name: string, dir: string): PluginVersion => ({ manifest: { name }, dir }) as unknown as PluginVersion;

const mysqlBuiltin = plugin('mysql-cdc', join(BUILTIN_PLUGINS_ROOT, 'mysql-cdc'));

test('the built-in CDC source is granted exactly the database its config names, on top of the policy', () => {
  const book = { '*': { mysqlHosts: ['db0:3306'] } };
  const granted = withMysqlGrant(book, 'inventory', mysqlBuiltin, { 'database.hostname': 'db1', 'database.port': '3307' });
  assert.deepEqual(granted['inventory']?.mysqlHosts, ['db0:3306', 'db1:3307']);
  assert.deepEqual(book['*'].mysqlHosts, ['db0:3306'], 'the worker policy itself is unchanged');
  assert.deepEqual(withMysqlGrant({}, 'c', mysqlBuiltin, { 'database.hostname': 'db1' })['c']?.mysqlHosts, ['db1:3306'], 'default port 3306');
});

test('third-party bundles, even one named mysql-cdc, and configs without a host get nothing extra', () => {
  const book = {};
  assert.equal(withMysqlGrant(book, 'c', plugin('mysql-cdc', '/plugins/mysql-cdc'), { 'database.hostname': 'db1' }), book);
  assert.equal(withMysqlGrant(book, 'c', mysqlBuiltin, {}), book);
});

const httpBuiltin = plugin('http-sink', join(BUILTIN_PLUGINS_ROOT, 'http-sink'));

test('the built-in HTTP sink is granted the origin of its http.api.url, on top of the policy', () => {
  const book = { '*': { httpOrigins: ['http://other:80'] } };
  const granted = withHttpGrant(book, 'hooks', httpBuiltin, { 'http.api.url': 'https://user:pw@api.example:8443/in/${topic}?k=${key}' });
  assert.deepEqual(granted['hooks']?.httpOrigins, ['http://other:80', 'https://api.example:8443']);
  assert.deepEqual(book['*'].httpOrigins, ['http://other:80'], 'the worker policy itself is unchanged');
});

test('a templated host, a third-party bundle named http-sink, or no URL get nothing extra', () => {
  const book = {};
  assert.equal(withHttpGrant(book, 'c', httpBuiltin, { 'http.api.url': 'http://${topic}.example/in' }), book);
  assert.equal(withHttpGrant(book, 'c', plugin('http-sink', '/plugins/http-sink'), { 'http.api.url': 'http://api.example/in' }), book);
  assert.equal(withHttpGrant(book, 'c', httpBuiltin, {}), book);
});

const jdbcBuiltin = plugin('jdbc-sink', join(BUILTIN_PLUGINS_ROOT, 'jdbc-sink'));

test('the built-in JDBC sink is granted the server of its connection.url (default port 3306)', () => {
  const book = { '*': { mysqlHosts: ['db0:3306'] } };
  assert.deepEqual(withJdbcGrant(book, 'copy', jdbcBuiltin, { 'connection.url': 'jdbc:mariadb://db1:3307/shop?x=1' })['copy']?.mysqlHosts, ['db0:3306', 'db1:3307']);
  assert.deepEqual(withJdbcGrant({}, 'copy', jdbcBuiltin, { 'connection.url': 'jdbc:mysql://db2/shop' })['copy']?.mysqlHosts, ['db2:3306']);
  assert.deepEqual(book['*'].mysqlHosts, ['db0:3306']);
});

test('third-party bundles and other JDBC URLs get nothing extra', () => {
  const book = {};
  assert.equal(withJdbcGrant(book, 'c', plugin('jdbc-sink', '/plugins/jdbc-sink'), { 'connection.url': 'jdbc:mysql://db/shop' }), book);
  assert.equal(withJdbcGrant(book, 'c', jdbcBuiltin, { 'connection.url': 'jdbc:postgresql://db/shop' }), book);
});
