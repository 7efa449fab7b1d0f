import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internalTopicError, internalTopics } from '../../../host/pipeline/internal-topics.ts';

void test('the worker\'s internal topics and Kafka\'s own are internal; Debezium heartbeat topics and others are not', () => {
  const check = internalTopics({ 'config.storage.topic': 'connect-configs', 'status.storage.topic': 'connect-status' }, 'connect-offsets');
  assert.equal(check('connect-offsets'), "the worker's source offsets topic");
  assert.equal(check('connect-configs'), "the worker's config topic");
  assert.equal(check('connect-status'), "the worker's status topic");
  assert.equal(check('__consumer_offsets'), 'a Kafka internal topic');
  assert.equal(check('__transaction_state'), 'a Kafka internal topic');
  assert.equal(check('__debezium-heartbeat.dbserver1'), undefined);
  assert.equal(check('orders'), undefined);
  assert.equal(internalTopics({ 'offset.storage.topic': 'my-offsets' }, undefined)('my-offsets'), "the worker's source offsets topic");
});

void test('a record aimed at an internal topic is refused with an error naming the connector and the topic', () => {
  const e = internalTopicError('gen', 'connect-offsets', "the worker's source offsets topic");
  assert.equal(e.code, 'CONVEYOR_CAPABILITY_DENIED');
  assert.equal(e.message, "connector gen may not write to topic connect-offsets: it is the worker's source offsets topic");
});
