/**
 * Every compression codec against Kafka's own Java client on the real broker: batches the Java producer wrote with
 * each compression.type are consumed by a sink consumer, and batches our source producer wrote with each codec are
 * read back by the Java consumer; the broker keeps them compressed (the log segment is smaller than uncompressed).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { SinkConsumer } from '../../../host/kafka/consumer.ts';
import { SourceProducer, SUPPORTED_COMPRESSION } from '../../../host/kafka/producer.ts';
import { javaConsume, javaProduce } from '../../helpers/java-kafka.ts';
import { BOOTSTRAP, eventually, kafkaFixture, logger, uniqueName } from './helpers.ts';
import type { KafkaFixture } from './helpers.ts';

let fx: KafkaFixture;
const ROOT = new URL('../../../', import.meta.url).pathname;
const N = 200;
const VALUE = 'x'.repeat(1000);

before(async () => {
  fx = await kafkaFixture();
});

after(async () => {
  await fx.cleanup();
});

/** Bytes of the topic's partition-0 log segments in the stack's Kafka data directory. */
function segmentBytes(topic: string): number {
  const dir = `${ROOT}.stack/kafka/data/${topic}-0`;
  return readdirSync(dir).filter((f) => f.endsWith('.log')).reduce((n, f) => n + statSync(`${dir}/${f}`).size, 0);
}

for (const codec of SUPPORTED_COMPRESSION) {
  void test(`${codec}: batches the Java producer wrote are consumed; batches we wrote are read by the Java consumer`, { timeout: 180_000 }, async () => {
    const fromJava = await fx.topic(`codec-java-${codec}`);
    await javaProduce(BOOTSTRAP, fromJava, codec, N, VALUE);
    const connector = uniqueName('codec');
    fx.groups.push(`connect-${connector}`);
    const values: string[] = [];
    const consumer = await SinkConsumer.create({
      kafka: fx.kafka,
      connector,
      logger,
      subscription: { topics: [fromJava] },
      onBatch: (b) => {
        for (const m of b.messages) values.push(m.value?.toString() ?? '');
        return Promise.resolve();
      },
    });
    try {
      await eventually(() => (values.length >= N ? true : undefined), `${N} records from the Java producer`, 60_000);
    } finally {
      await consumer.close();
    }
    assert.deepEqual(values, Array.from({ length: N }, (_, i) => `${VALUE}${i}`));

    const toJava = await fx.topic(`codec-ours-${codec}`);
    const producer = await SourceProducer.create({ kafka: fx.kafka, admin: fx.admin, logger, compression: codec });
    try {
      await producer.send(Array.from({ length: N }, (_, i) => ({ topic: toJava, partition: 0, key: `k${i}`, value: `${VALUE}${i}` })));
    } finally {
      await producer.close();
    }
    assert.deepEqual(await javaConsume(BOOTSTRAP, toJava, N), Array.from({ length: N }, (_, i) => `${VALUE}${i}`));
    const stored = segmentBytes(toJava);
    if (codec === 'none') assert.ok(stored > N * VALUE.length, `uncompressed: ${stored} bytes`);
    else assert.ok(stored < (N * VALUE.length) / 10, `${codec} batches stay compressed on the broker: ${stored} bytes for ${N * VALUE.length} bytes of values`);
  });
}
