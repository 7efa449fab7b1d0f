import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILTIN_PLUGINS_ROOT } from '../../../host/plugins/builtin.ts';
import type { PluginVersion } from '../../../host/plugins/plugin-version.ts';
import { withHttpGrant } from '../../../host/worker/builtin-http-policy.ts';

const plugin = (name: string, dir: string): PluginVersion => ({ manifest: { name }, dir }) as unknown as PluginVersion;
const builtin = plugin('http-sink', join(BUILTIN_PLUGINS_ROOT, 'http-sink'));

test('the built-in HTTP sink is granted the origin of its http.api.url, on top of the policy', () => {
  const book = { '*': { httpOrigins: ['http://other:80'] } };
  const granted = withHttpGrant(book, 'hooks', builtin, { 'http.api.url': 'https://user:pw@api.example:8443/in/${topic}?k=${key}' });
  assert.deepEqual(granted['hooks']?.httpOrigins, ['http://other:80', 'https://api.example:8443']);
  assert.deepEqual(book['*'].httpOrigins, ['http://other:80'], 'the worker policy itself is unchanged');
});

test('a templated host, a third-party bundle named http-sink, or no URL get nothing extra', () => {
  const book = {};
  assert.equal(withHttpGrant(book, 'c', builtin, { 'http.api.url': 'http://${topic}.example/in' }), book);
  assert.equal(withHttpGrant(book, 'c', plugin('http-sink', '/plugins/http-sink'), { 'http.api.url': 'http://api.example/in' }), book);
  assert.equal(withHttpGrant(book, 'c', builtin, {}), book);
});
