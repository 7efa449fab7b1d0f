import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SinkConsumer } from '../../../host/kafka/consumer.ts';
import type { SinkMessage } from '../../../host/kafka/sink-records.ts';
import { DeadLetterQueueReporter } from '../../../host/errors/dead-letter-queue.ts';
import { parseErrorHandlingConfig } from '../../../host/errors/error-config.ts';
import { ToleranceOperator } from '../../../host/errors/tolerance.ts';
import { eventually, producingFixture, logger, uniqueName } from './helpers.ts';
import type { ProducingFixture } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

async function consumeAll(topic: string, n: number): Promise<SinkMessage[]> {
  const connector = uniqueName('dlq-reader');
  fx.groups.push(`connect-${connector}`);
  const got: SinkMessage[] = [];
  const c = await SinkConsumer.create({
    kafka: fx.kafka, connector, logger, subscription: { topics: [topic] }, commitOnDurable: false,
    onBatch: (b) => (got.push(...b.messages), Promise.resolve()),
  });
  try {
    await eventually(() => (got.length >= n ? true : undefined), `${n} records on ${topic}`);
  } finally {
    await c.close();
  }
  return got;
}

void test('a tolerated sink failure lands in the DLQ with the original record and __connect.errors.* headers', async () => {
  const input = await fx.topic('dlq-in', 2);
  const dlqTopic = uniqueName('dlq');
  fx.topics.push(dlqTopic);
  const config = parseErrorHandlingConfig({
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': dlqTopic,
    'errors.deadletterqueue.topic.replication.factor': '1',
    'errors.deadletterqueue.context.headers.enable': 'true',
  });
  const dlqConfig = config.deadLetterQueue;
  assert.ok(dlqConfig);
  const dlq = await DeadLetterQueueReporter.create({ admin: fx.admin, producer: fx.producer, logger, connector: 'orders-sink', taskId: 3, ...dlqConfig });
  assert.equal((await fx.admin.partitions(dlqTopic)).length, 1);
  const op = new ToleranceOperator({ config, reporters: [dlq], logger });

  const [ack] = await fx.producer.send([{ topic: input, key: 'order-7', value: 'not json', headers: { trace: 'abc' }, timestamp: 1_700_000_000_000 }]);
  assert.ok(ack);
  const [msg] = await consumeAll(input, 1);
  assert.ok(msg);
  const out = await op.execute('VALUE_CONVERTER', 'org.apache.kafka.connect.json.JsonConverter', () => JSON.parse(msg.value?.toString() ?? '') as unknown, {
    topic: input, partition: ack.partition, offset: msg.offset, key: msg.key, value: msg.value, headers: msg.headers, timestamp: msg.timestamp,
  });
  assert.equal(out.ok, false);
  assert.deepEqual([dlq.produceRequests, dlq.produceFailures], [1, 0], 'task-error-metrics deadletterqueue-produce-requests/-failures');

  const [dead] = await consumeAll(dlqTopic, 1);
  assert.ok(dead);
  assert.equal(dead.key?.toString(), 'order-7');
  assert.equal(dead.value?.toString(), 'not json');
  assert.equal(dead.timestamp, 1_700_000_000_000);
  const h = Object.fromEntries(Object.entries(dead.headers).map(([k, v]) => [k, String(v)]));
  assert.equal(h.trace, 'abc');
  assert.equal(h['__connect.errors.topic'], input);
  assert.equal(h['__connect.errors.partition'], String(ack.partition));
  assert.equal(h['__connect.errors.offset'], ack.offset.toString());
  assert.equal(h['__connect.errors.connector.name'], 'orders-sink');
  assert.equal(h['__connect.errors.task.id'], '3');
  assert.equal(h['__connect.errors.stage'], 'VALUE_CONVERTER');
  assert.equal(h['__connect.errors.class.name'], 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(h['__connect.errors.exception.class.name'], 'SyntaxError');
  assert.match(h['__connect.errors.exception.message'] ?? '', /not valid JSON|Unexpected token/);
  assert.match(h['__connect.errors.exception.stacktrace'] ?? '', /^SyntaxError: /);
});

void test('without context headers only the original headers are kept', async () => {
  const dlqTopic = uniqueName('dlq-plain');
  fx.topics.push(dlqTopic);
  const dlq = await DeadLetterQueueReporter.create({
    admin: fx.admin, producer: fx.producer, logger, connector: 'c', taskId: 0, topic: dlqTopic, replicationFactor: 1, contextHeadersEnable: false,
  });
  await dlq.report({
    stage: 'TASK_PUT', className: 'S', error: new Error('x'), attempts: 1,
    record: { topic: 't', partition: 0, offset: 5n, key: null, value: Buffer.from('v'), headers: { a: 'b' } },
  });
  const [dead] = await consumeAll(dlqTopic, 1);
  assert.deepEqual(Object.keys(dead?.headers ?? {}), ['a']);
});
