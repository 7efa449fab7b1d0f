/**
 * The topic reader behind the Kafka offset store across a Kafka restart: its stream fails while the broker is away,
 * and it must not stay failed (every source task started on the worker afterwards would fail reading its offsets).
 * It reopens from the positions it had reached, so nothing is handed over twice, and reads what is written afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { TopicLog } from '../../../host/kafka/topic-log.ts';
import type { LogRecord } from '../../../host/kafka/topic-log.ts';
import { stackCommand } from '../../helpers/stack-control.ts';
import { eventually, producingFixture } from './helpers.ts';
import type { ProducingFixture } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

async function produce(topic: string, from: number, n: number): Promise<void> {
  await fx.producer.send(Array.from({ length: n }, (_, i) => ({ topic, partition: (from + i) % 3, key: `k${from + i}`, value: `v${from + i}` })));
}

/** readToEnd, asked again while it answers that the reader is still reopening (as a source task's restart would). */
async function readToEndOnceBack(log: TopicLog, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await log.readToEnd();
      return;
    } catch (e) {
      if (Date.now() > deadline || (e as { retriable?: unknown }).retriable !== true) throw e;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

void test('a Kafka restart fails the reader for a while; it reopens where it was and hands each record over once', { timeout: 240_000 }, async () => {
  const topic = await fx.topic('topic-log-restart', 3);
  await produce(topic, 0, 30);
  const records: LogRecord[] = [];
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const log = new TopicLog({ kafka: fx.kafka, admin: fx.admin, topic, logger, onRecord: (r) => records.push(r), readTimeoutMs: 5000 });
  await log.start();
  try {
    assert.equal(records.length, 30);
    stackCommand('down', 'kafka');
    try {
      await eventually(() => (lines.some((l) => l['msg'] === 'topic reader failed; reopening it from the positions read') ? true : undefined), 'the reader to fail', 120_000);
      await assert.rejects(log.readToEnd(), (e: unknown) => (e as { retriable?: unknown }).retriable === true, 'while the broker is away, readToEnd fails retriably');
    } finally {
      stackCommand('up', 'kafka');
    }
    await produce(topic, 30, 30);
    await readToEndOnceBack(log, 120_000);
    assert.ok(lines.some((l) => l['msg'] === 'topic reader reopened'), 'the reader was reopened');
    const values = records.map((r) => r.value?.toString());
    assert.equal(new Set(values).size, values.length, 'no record was handed over twice');
    assert.deepEqual(new Set(values), new Set(Array.from({ length: 60 }, (_, i) => `v${i}`)));
    for (const p of [0, 1, 2]) {
      const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
      assert.deepEqual(offsets, offsets.toSorted((a, b) => (a < b ? -1 : a > b ? 1 : 0)), `partition ${p} in order`);
    }
  } finally {
    await log.stop();
  }
});
