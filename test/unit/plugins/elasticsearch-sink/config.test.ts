import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig, validateConfig } from '../../../../sdk/config.ts';
import { ES_SINK_CONFIG, normalizeConfig, validateEsSinkConfig } from '../../../../plugins/elasticsearch-sink/src/config.ts';
import { isEsSinkError } from '../../../../plugins/elasticsearch-sink/src/errors.ts';
import { config } from './fakes.ts';

const base = { 'connection.url': 'http://127.0.0.1:9200' };

test('defaults are Confluent\'s', () => {
  const c = config();
  assert.equal(c.batchSize, 2000);
  assert.equal(c.maxInFlightRequests, 5);
  assert.equal(c.maxBufferedRecords, 20000);
  assert.equal(c.lingerMs, 1);
  assert.equal(c.flushTimeoutMs, 180000);
  assert.equal(c.maxRetries, 5);
  assert.equal(c.retryBackoffMs, 100);
  assert.equal(c.bulkSizeBytes, 5242880);
  assert.equal(c.keyIgnore, false);
  assert.equal(c.schemaIgnore, false);
  assert.equal(c.compactMapEntries, true);
  assert.equal(c.dropInvalidMessage, false);
  assert.equal(c.behaviorOnNullValues, 'fail');
  assert.equal(c.behaviorOnMalformedDocuments, 'fail');
  assert.equal(c.writeMethod, 'insert');
  assert.equal(c.dataStream, null);
  assert.ok(Object.isFrozen(c));
});

test('enums are case-insensitive and normalised to lowercase', () => {
  const c = config({ 'behavior.on.null.values': 'DELETE', 'behavior.on.malformed.documents': 'warn', 'write.method': 'UPSERT' });
  assert.equal(c.behaviorOnNullValues, 'delete');
  assert.equal(c.behaviorOnMalformedDocuments, 'warn');
  assert.equal(c.writeMethod, 'upsert');
});

test('an unknown enum value is reported against its key by the SDK validation', () => {
  const report = validateConfig(ES_SINK_CONFIG, { ...base, 'behavior.on.null.values': 'explode' });
  const entry = report.find((r) => r.name === 'behavior.on.null.values');
  assert.match(entry?.errors[0] ?? '', /behavior\.on\.null\.values.*must be one of/);
});

test('connection.url is required', () => {
  assert.throws(() => parseConfig(ES_SINK_CONFIG, {}), /connection\.url/);
});

test('cross-key checks name the key and the fix', () => {
  const parsed = parseConfig(ES_SINK_CONFIG, { ...base, 'batch.size': '5000', 'max.buffered.records': '100', 'linger.ms': '200000', 'flush.timeout.ms': '1000', 'connection.username': 'u' });
  const errors = validateEsSinkConfig(parsed);
  assert.match(errors['max.buffered.records']?.[0] ?? '', /batch\.size \* max\.in\.flight\.requests \(25000\)/);
  assert.match(errors['linger.ms']?.[0] ?? '', /lower linger\.ms/);
  assert.match(errors['connection.password']?.[0] ?? '', /together with connection\.username/);
  assert.throws(() => normalizeConfig(parsed), (e) => isEsSinkError(e) && /max\.buffered\.records/.test(e.message));
});

test('data streams need type and dataset together and forbid upsert and delete', () => {
  const errors = validateEsSinkConfig(parseConfig(ES_SINK_CONFIG, { ...base, 'data.stream.type': 'logs', 'write.method': 'upsert', 'behavior.on.null.values': 'delete' }));
  assert.ok(errors['data.stream.dataset']?.some((m) => /must be set/.test(m)));
  assert.ok(errors['write.method']?.some((m) => /upsert/.test(m)));
  assert.ok(errors['behavior.on.null.values']?.some((m) => /delete/.test(m)));
  const bad = validateEsSinkConfig(parseConfig(ES_SINK_CONFIG, { ...base, 'data.stream.type': 'LOGS', 'data.stream.dataset': 'My-Set' }));
  assert.ok(bad['data.stream.dataset']?.some((m) => /lowercase/.test(m)));
  const ok = config({ 'data.stream.type': 'metrics', 'data.stream.dataset': 'shop' });
  assert.deepEqual(ok.dataStream, { type: 'metrics', dataset: 'shop', namespace: '${topic}', timestampFields: [] });
});

test('topic mapping pairs and url shapes are checked', () => {
  const errors = validateEsSinkConfig(parseConfig(ES_SINK_CONFIG, { 'connection.url': 'localhost:9200', 'topic.to.external.resource.mapping': 'a:b,broken' }));
  assert.match(errors['connection.url']?.[0] ?? '', /http:\/\/host:9200/);
  assert.match(errors['topic.to.external.resource.mapping']?.[0] ?? '', /"broken" must be topic:index/);
  assert.deepEqual([...config({ 'topic.to.external.resource.mapping': 'orders:orders-v2' }).topicToIndex], [['orders', 'orders-v2']]);
});
