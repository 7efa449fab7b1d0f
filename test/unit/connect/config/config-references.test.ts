import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeReference, findReferences, hasReferences, reverseTransform, scrubResolved, substitute } from '../../../../host/connect/config/config-references.ts';

void test('references: ${provider:path:key}, ${provider:key} and ${provider::key}, several in one value', () => {
  const refs = findReferences({
    a: '${file:/etc/secrets.properties:db.password}',
    b: '${env:HOME}',
    c: '${env::USER}',
    d: 'jdbc://${file:/s.properties:host}:${file:/s.properties:port}/x',
    e: 'plain ${value} and $notone',
  });
  assert.deepEqual(refs, [
    { configKey: 'a', provider: 'file', path: '/etc/secrets.properties', key: 'db.password' },
    { configKey: 'b', provider: 'env', path: '', key: 'HOME' },
    { configKey: 'c', provider: 'env', path: '', key: 'USER' },
    { configKey: 'd', provider: 'file', path: '/s.properties', key: 'host' },
    { configKey: 'd', provider: 'file', path: '/s.properties', key: 'port' },
  ]);
  assert.equal(hasReferences('x ${dir:/run/secrets:pw} y'), true);
  assert.equal(hasReferences('${nocolon}'), false);
  assert.equal(describeReference(refs[0] as (typeof refs)[number]), 'config "a" (provider file, path /etc/secrets.properties, key db.password)');
  assert.equal(describeReference(refs[1] as (typeof refs)[number]), 'config "b" (provider env, key HOME)');
});

void test('substitute: found keys replaced in place; unknown providers and missing keys left as they are', () => {
  const lookups = new Map([['file', new Map([['/s.properties', new Map([['host', 'db1'], ['port', '3307']])]])]]);
  const out = substitute({ d: 'jdbc://${file:/s.properties:host}:${file:/s.properties:port}/x', m: '${file:/s.properties:missing}', u: '${vault:/x:y}', p: 'plain' }, lookups);
  assert.deepEqual(out, { d: 'jdbc://db1:3307/x', m: '${file:/s.properties:missing}', u: '${vault:/x:y}', p: 'plain' });
});

void test('reverseTransform puts the references back under every key of the raw config that holds one', () => {
  const raw = { 'database.password': '${file:/s:pw}', topic: 't', url: 'http://${env:HOST}:9200' };
  const derived: Record<string, string>[] = [
    { 'database.password': 'hunter2', topic: 't', url: 'http://es:9200', 'task.id': '0' },
    { topic: 't', 'task.id': '1' },
  ];
  assert.deepEqual(reverseTransform(raw, derived), [
    { 'database.password': '${file:/s:pw}', topic: 't', url: 'http://${env:HOST}:9200', 'task.id': '0' },
    { topic: 't', 'task.id': '1' },
  ]);
});

void test('scrubResolved replaces resolved values in messages with their reference text', () => {
  const raw = { file: '${file:/s:path}', port: '${env:PORT}', name: 'x' };
  const resolved = { file: 'relative/secret-path', port: 'abc', name: 'x' };
  assert.deepEqual(scrubResolved(['Invalid value relative/secret-path for configuration file', 'Invalid value abc for port', 'name x'], raw, resolved), [
    'Invalid value ${file:/s:path} for configuration file',
    'Invalid value ${env:PORT} for port',
    'name x',
  ]);
});
