import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopicCreationRules } from '../../../host/kafka/topic-creation.ts';

const base = { 'topic.creation.default.replication.factor': '3', 'topic.creation.default.partitions': '5' };

void test('no default replication factor or partitions: the connector creates no topics', () => {
  assert.equal(parseTopicCreationRules({ 'topic.creation.default.partitions': '5' }).enabled, false);
  assert.equal(parseTopicCreationRules({}).specFor('t'), undefined);
  assert.equal(parseTopicCreationRules(base, false).enabled, false);
});

void test('the default group takes every topic, with its other topic configs', () => {
  const rules = parseTopicCreationRules({ ...base, 'topic.creation.default.cleanup.policy': 'compact' });
  assert.deepEqual(rules.specFor('orders'), { topic: 'orders', partitions: 5, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } });
});

void test('groups are tried in listed order; exclude beats include; the whole name must match', () => {
  const rules = parseTopicCreationRules({
    ...base,
    'topic.creation.groups': 'inorder, compacted',
    'topic.creation.inorder.include': 'status, orders.*',
    'topic.creation.inorder.exclude': 'orders\\.internal',
    'topic.creation.inorder.partitions': '1',
    'topic.creation.compacted.include': 'orders.*',
    'topic.creation.compacted.replication.factor': '-1',
    'topic.creation.compacted.cleanup.policy': 'compact',
  });
  assert.deepEqual(rules.specFor('status'), { topic: 'status', partitions: 1, replicationFactor: 3, configs: {} });
  assert.equal(rules.specFor('orders.eu')?.partitions, 1);
  assert.deepEqual(rules.specFor('orders.internal'), { topic: 'orders.internal', partitions: 5, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } });
  assert.equal(rules.specFor('mystatus')?.partitions, 5, 'include must match the whole topic name');
  assert.deepEqual(rules.groups.map((g) => g.name), ['inorder', 'compacted', 'default']);
});

void test('a group without include matches nothing', () => {
  const rules = parseTopicCreationRules({ ...base, 'topic.creation.groups': 'g', 'topic.creation.g.partitions': '9' });
  assert.equal(rules.specFor('x')?.partitions, 5);
});

void test('invalid counts and regexes are config errors', () => {
  assert.throws(() => parseTopicCreationRules({ ...base, 'topic.creation.default.partitions': '0' }), { code: 'CONVEYOR_CONFIG_INVALID' });
  assert.throws(() => parseTopicCreationRules({ ...base, 'topic.creation.default.replication.factor': 'three' }), { code: 'CONVEYOR_CONFIG_INVALID' });
  assert.throws(
    () => parseTopicCreationRules({ ...base, 'topic.creation.groups': 'g', 'topic.creation.g.include': '(' }),
    { code: 'CONVEYOR_CONFIG_INVALID' },
  );
});
