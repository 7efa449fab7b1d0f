import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseConfig, validateCdcConfig } from '../../../../plugins/mysql-cdc/src/config-normalise.ts';
import { configDefinition } from '../../../../plugins/mysql-cdc/src/config.ts';
import { validateConfig } from '../../../../sdk/config.ts';

const base = { 'database.hostname': 'db', 'database.user': 'u', 'database.server.id': '5400', 'topic.prefix': 'shop', 'schema.history.internal.kafka.topic': 'h' };

test('config: defaults follow Debezium', () => {
  const r = normaliseConfig(base);
  assert.ok(r.ok);
  assert.equal(r.config.port, 3306);
  assert.equal(r.config.snapshotMode, 'initial');
  assert.equal(r.config.decimalHandlingMode, 'precise');
  assert.equal(r.config.timePrecisionMode, 'adaptive_time_microseconds');
  assert.equal(r.config.bigintUnsignedHandlingMode, 'long');
  assert.equal(r.config.includeSchemaChanges, true);
  assert.equal(r.config.tombstonesOnDelete, true);
  assert.equal(r.config.maxBatchSize, 2048);
  assert.equal(r.config.pollIntervalMs, 500);
  assert.equal(r.config.heartbeatIntervalMs, 0);
  assert.ok(Object.isFrozen(r.config));
});

test('config: older key names and snapshot modes are accepted', () => {
  const { 'topic.prefix': _p, 'schema.history.internal.kafka.topic': _h, ...rest } = base;
  const r = normaliseConfig({ ...rest, 'database.server.name': 'legacy', 'database.history.kafka.topic': 'hist', 'database.history.kafka.bootstrap.servers': 'k:9092', 'table.whitelist': 'a\\.b', 'snapshot.mode': 'schema_only' });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.equal(r.config.topicPrefix, 'legacy');
  assert.equal(r.config.historyTopic, 'hist');
  assert.equal(r.config.historyBootstrapServers, 'k:9092');
  assert.deepEqual(r.config.tableInclude, ['a\\.b']);
  assert.equal(r.config.snapshotMode, 'no_data');
});

test('config: every problem is named with its key', () => {
  const errors = validateCdcConfig({ 'database.port': 'x', 'snapshot.mode': 'sometimes', 'decimal.handling.mode': 'exact', 'table.include.list': 'a', 'table.exclude.list': 'b', 'column.exclude.list': '(' });
  assert.match(errors['topic.prefix']![0]!, /Missing required configuration "topic.prefix".*database.server.name/);
  assert.match(errors['database.hostname']![0]!, /Missing required/);
  assert.match(errors['database.server.id']![0]!, /Missing required/);
  assert.match(errors['database.port']![0]!, /not an integer/);
  assert.match(errors['snapshot.mode']![0]!, /must be one of initial, initial_only, no_data, when_needed, always, recovery/);
  assert.match(errors['decimal.handling.mode']![0]!, /precise, double, string/);
  assert.match(errors['table.exclude.list']![0]!, /cannot both be set/);
  assert.match(errors['column.exclude.list']![0]!, /Invalid regular expression/);
  assert.match(errors['schema.history.internal.kafka.topic']![0]!, /database.history.kafka.topic/);
  assert.deepEqual(validateCdcConfig({ ...base, 'database.server.name': 'other' })['topic.prefix'], ['topic.prefix and its older name database.server.name are both set, to different values; remove database.server.name']);
});

test('config: the definition validates through the SDK with every key documented', () => {
  const reports = validateConfig(configDefinition, base);
  assert.deepEqual(reports.flatMap((r) => r.errors), []);
  for (const key of configDefinition) assert.ok(key.documentation.length > 10, key.name);
  for (const k of ['database.include.list', 'table.exclude.list', 'column.exclude.list', 'include.schema.changes', 'tombstones.on.delete', 'heartbeat.interval.ms', 'database.whitelist', 'database.history.kafka.topic']) {
    assert.ok(configDefinition.some((d) => d.name === k), k);
  }
});
