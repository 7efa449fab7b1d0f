import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBootstrapServers } from '../../../host/kafka/client.ts';
import { parseSubscription } from '../../../host/kafka/sink-records.ts';
import { parseCompression } from '../../../host/kafka/producer.ts';

void test('compression.type: every Kafka codec; anything else is refused up front with the accepted values', () => {
  assert.equal(parseCompression(undefined), 'none');
  assert.equal(parseCompression('GZIP'), 'gzip');
  for (const c of ['snappy', 'lz4', 'zstd']) assert.equal(parseCompression(c), c);
  assert.throws(() => parseCompression('brotli'), {
    code: 'CONVEYOR_CONFIG_INVALID',
    message: 'Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd',
  });
});

void test('topics and topics.regex: exactly one, regex matches whole names', () => {
  assert.deepEqual(parseSubscription({ topics: 'a, b ,,c' }), { topics: ['a', 'b', 'c'] });
  const r = parseSubscription({ 'topics.regex': 'orders-.*' });
  assert.ok('topicsRegex' in r && r.topicsRegex.test('orders-eu') && !r.topicsRegex.test('x-orders-eu'));
  assert.throws(() => parseSubscription({ topics: 'a', 'topics.regex': 'b' }), { code: 'CONVEYOR_CONFIG_INVALID' });
  assert.throws(() => parseSubscription({}), { code: 'CONVEYOR_CONFIG_INVALID' });
  assert.throws(() => parseSubscription({ 'topics.regex': '(' }), { code: 'CONVEYOR_CONFIG_INVALID' });
});

void test('bootstrap.servers accepts a comma list', () => {
  assert.deepEqual(parseBootstrapServers(' h1:9092, h2:9092 '), ['h1:9092', 'h2:9092']);
  assert.throws(() => parseBootstrapServers(' , '), { code: 'CONVEYOR_CONFIG_INVALID' });
});
