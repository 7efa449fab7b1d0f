import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressMatcher, splitHostPort } from '../../../host/capabilities/address-match.ts';

const dns: Record<string, string[]> = {
  'localhost': ['127.0.0.1', '::1'],
  'db.internal': ['10.0.0.5'],
  'alias.example': ['10.0.0.5'],
  'evil.example': ['10.0.0.9'],
  'mapped.example': ['::ffff:10.0.0.5'],
};
let lookups = 0;
const matcher = new AddressMatcher((h) => {
  lookups++;
  const a = dns[h];
  return a === undefined ? Promise.reject(new Error(`ENOTFOUND ${h}`)) : Promise.resolve(a);
});

void test('an exact entry keeps the name; aliases match by address and are pinned to it', async () => {
  assert.equal(await matcher.allowed('db.internal', 3306, ['db.internal:3306']), 'db.internal');
  assert.equal(await matcher.allowed('localhost', 3307, ['127.0.0.1:3307']), '127.0.0.1');
  assert.equal(await matcher.allowed('127.0.0.1', 3307, ['localhost:3307']), '127.0.0.1');
  assert.equal(await matcher.allowed('alias.example', 3306, ['db.internal:3306']), '10.0.0.5');
  assert.equal(await matcher.allowed('mapped.example', 3306, ['10.0.0.5:3306']), '10.0.0.5', 'an IPv4-mapped IPv6 answer is the IPv4 address');
  assert.equal(await matcher.allowed('[::1]', 9200, ['localhost:9200']), '::1');
});

void test('another address, another port, an unresolvable host or an empty list: denied', async () => {
  assert.equal(await matcher.allowed('evil.example', 3306, ['db.internal:3306']), null);
  assert.equal(await matcher.allowed('db.internal', 3307, ['db.internal:3306']), null);
  assert.equal(await matcher.allowed('nowhere.example', 3306, ['db.internal:3306']), null);
  assert.equal(await matcher.allowed('db.internal', 3306, []), null);
  assert.equal(await matcher.allowed('DB.INTERNAL', 3306, ['db.internal:3306']), 'db.internal', 'names compare case-insensitively');
});

void test('allowlist entries are resolved once per cache period; the plugin\'s host every time', async () => {
  const before = lookups;
  await matcher.allowed('alias.example', 3306, ['db.internal:3306']);
  await matcher.allowed('alias.example', 3306, ['db.internal:3306']);
  assert.equal(lookups - before, 2, 'alias.example twice, db.internal from the cache');
  assert.deepEqual(splitHostPort('[::1]:80'), { host: '::1', port: 80 });
  assert.equal(splitHostPort('no-port'), null);
});
