import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkerSettings, sinkTaskConfig, sourceTaskConfig } from '../../../host/pipeline/config.ts';

void test('worker settings default as Kafka Connect does and reject bad values', () => {
  assert.deepEqual(parseWorkerSettings({}), { offsetFlushIntervalMs: 60_000, topicCreationEnable: true, compression: 'none', overridePolicy: 'All' });
  assert.deepEqual(parseWorkerSettings({ 'offset.flush.interval.ms': '500', 'topic.creation.enable': 'false', 'producer.compression.type': 'gzip', 'connector.client.config.override.policy': 'None' }), {
    offsetFlushIntervalMs: 500,
    topicCreationEnable: false,
    compression: 'gzip',
    overridePolicy: 'None',
  });
  assert.throws(() => parseWorkerSettings({ 'offset.flush.interval.ms': '0' }), /offset.flush.interval.ms/);
  assert.throws(() => parseWorkerSettings({ 'topic.creation.enable': 'yes' }), /topic.creation.enable/);
  assert.throws(() => parseWorkerSettings({ 'producer.compression.type': 'brotli' }), /String must be one of: none, gzip, snappy, lz4, zstd/);
  assert.throws(() => parseWorkerSettings({ 'connector.client.config.override.policy': 'Most' }), /connector.client.config.override.policy/);
});

void test('a source task config honours topic.creation.* and producer.override.compression.type', () => {
  const settings = parseWorkerSettings({});
  const cfg = sourceTaskConfig(
    { 'connector.class': 'Datagen', 'topic.creation.default.partitions': '3', 'topic.creation.default.replication.factor': '1', 'producer.override.compression.type': 'gzip' },
    {},
    settings,
  );
  assert.equal(cfg.compression, 'gzip');
  assert.deepEqual(cfg.topicCreation.specFor('t'), { topic: 't', partitions: 3, replicationFactor: 1, configs: {} });
  const off = sourceTaskConfig({ 'topic.creation.default.partitions': '3', 'topic.creation.default.replication.factor': '1' }, {}, parseWorkerSettings({ 'topic.creation.enable': 'false' }));
  assert.equal(off.topicCreation.enabled, false);
});

void test('converters fall back to the worker properties, connector settings win', () => {
  const worker = { 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' };
  assert.equal(sinkTaskConfig({ topics: 'a' }, worker).converters.classes.value, 'org.apache.kafka.connect.storage.StringConverter');
  assert.equal(sinkTaskConfig({ topics: 'a', 'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter' }, worker).converters.classes.value, 'org.apache.kafka.connect.converters.ByteArrayConverter');
});

void test('bad connector configs are refused when the pipeline is built', () => {
  assert.throws(() => sinkTaskConfig({}, {}), /Must configure one of topics or topics.regex/);
  assert.throws(() => sinkTaskConfig({ topics: 'a', 'errors.tolerance': 'some' }, {}), /errors.tolerance/);
  assert.throws(() => sinkTaskConfig({ topics: 'a', transforms: 'x' }, {}), /transforms.x.type/);
  assert.throws(() => sourceTaskConfig({ 'key.converter': 'NoSuchConverter' }, {}, parseWorkerSettings({})), /NoSuchConverter/);
});
