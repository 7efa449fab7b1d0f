import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientConfigErrors, clientOverrideErrors, clientSettings, consumerOptions, parseOverridePolicy, producerOptions } from '../../../host/kafka/client-overrides.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';

void test('connector.client.config.override.policy: All by default; short names and Kafka class names; anything else refused', () => {
  assert.equal(parseOverridePolicy({}), 'All');
  assert.equal(parseOverridePolicy({ 'connector.client.config.override.policy': 'None' }), 'None');
  assert.equal(parseOverridePolicy({ 'connector.client.config.override.policy': 'org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy' }), 'Principal');
  assert.throws(() => parseOverridePolicy({ 'connector.client.config.override.policy': 'Some' }), { code: 'CONVEYOR_CONFIG_INVALID' });
});

void test('the None policy refuses every override, Principal all but the SASL/security ones, with Kafka Connect\'s message', () => {
  const config = { 'consumer.override.session.timeout.ms': '10000', 'producer.override.sasl.mechanism': 'PLAIN', name: 'c' };
  assert.deepEqual(clientOverrideErrors(config, 'None'), {
    'consumer.override.session.timeout.ms': ["The 'None' policy does not allow 'session.timeout.ms' to be overridden in the connector configuration."],
    'producer.override.sasl.mechanism': ["The 'None' policy does not allow 'sasl.mechanism' to be overridden in the connector configuration."],
  });
  assert.deepEqual(Object.keys(clientOverrideErrors(config, 'Principal')), ['consumer.override.session.timeout.ms']);
  assert.deepEqual(clientOverrideErrors(config, 'All'), {});
});

void test('override values a mapped setting refuses are validation errors too', () => {
  assert.deepEqual(clientConfigErrors({}, { 'consumer.override.session.timeout.ms': 'soon', 'producer.override.compression.type': 'zstd' }), {
    'consumer.override.session.timeout.ms': ['Invalid value soon for configuration consumer.override.session.timeout.ms: Not a number of type INT'],
  });
});

void test('worker consumer.* settings apply, a connector\'s consumer.override.* wins, and they map to the consumer\'s options', () => {
  const worker = { 'consumer.session.timeout.ms': '20000', 'consumer.fetch.max.wait.ms': '100', 'consumer.override.x': 'ignored' };
  const connector = { 'consumer.override.session.timeout.ms': '12000', 'consumer.override.max.poll.interval.ms': '45000', 'consumer.override.isolation.level': 'read_uncommitted' };
  assert.deepEqual([...clientSettings('consumer', worker, connector)], [['session.timeout.ms', '12000'], ['fetch.max.wait.ms', '100'], ['max.poll.interval.ms', '45000'], ['isolation.level', 'read_uncommitted']]);
  assert.deepEqual(consumerOptions(worker, connector), { sessionTimeoutMs: 12000, maxWaitTimeMs: 100, rebalanceTimeoutMs: 45000, readUncommitted: true });
  assert.deepEqual(producerOptions({ 'producer.compression.type': 'lz4' }, { 'producer.override.enable.idempotence': 'false' }), { compression: 'lz4', idempotent: false });
});

void test('settings this runtime cannot honour and keys that are no Kafka setting are reported, not dropped silently', () => {
  const lines: Record<string, unknown>[] = [];
  const log = createJsonLogger({ level: 'info', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  consumerOptions({ 'consumer.max.poll.records': '100' }, { 'consumer.override.no.such.setting': 'x' }, log);
  assert.deepEqual(lines.map((l) => [l['msg'], l['setting']]), [
    ['Kafka client setting not applied by this runtime', 'max.poll.records'],
    ["The configuration 'no.such.setting' was supplied but isn't a known config.", 'no.such.setting'],
  ]);
});
