/**
 * The sink consumer across broker faults on the real broker: a Kafka restart while the consumer runs, and a broker
 * frozen with SIGSTOP past the consumer's stall bound. In both, every offset declared durable ends up committed
 * within a bound derived from the consumer's settings, and records produced afterwards are delivered.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { SinkConsumer } from '../../../host/kafka/consumer.ts';
import type { SinkConsumerOptions } from '../../../host/kafka/consumer.ts';
import { stallBoundMs } from '../../../host/kafka/progress-guard.ts';
import { kafkaPid, stackCommand } from '../../helpers/stack-control.ts';
import { eventually, producingFixture, uniqueName } from './helpers.ts';
import type { ProducingFixture } from './helpers.ts';

let fx: ProducingFixture;

before(async () => {
  fx = await producingFixture();
});

after(() => fx.cleanup());

const SESSION_MS = 6000;
const REBALANCE_MS = 6000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A consumer that records what it got and the log lines it wrote (to see crashes and stalls). */
async function startConsumer(topic: string, extra: Partial<SinkConsumerOptions> = {}): Promise<{ consumer: SinkConsumer; seen: Set<bigint>; lines: Record<string, unknown>[] }> {
  const connector = uniqueName('faults');
  fx.groups.push(`connect-${connector}`);
  const seen = new Set<bigint>();
  const lines: Record<string, unknown>[] = [];
  const log = createJsonLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const consumer = await SinkConsumer.create({
    kafka: fx.kafka,
    connector,
    logger: log,
    subscription: { topics: [topic] },
    commitOnDurable: false,
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    heartbeatIntervalMs: 1000,
    onBatch: (b) => {
      for (const m of b.messages) seen.add(m.offset);
      return Promise.resolve();
    },
    ...extra,
  });
  return { consumer, seen, lines };
}

async function produce(topic: string, n: number): Promise<void> {
  await fx.producer.send(Array.from({ length: n }, (_, i) => ({ topic, partition: 0, key: `k${i}`, value: `v${i}` })));
}

async function committed(consumer: SinkConsumer, topic: string): Promise<bigint | undefined> {
  return (await fx.admin.groupOffsets(consumer.groupId, [topic])).get(topic)?.get(0);
}

/**
 * What a sink task does every flush: declare everything it was handed durable and commit; a failed commit is
 * retried on the next flush. Returns once the broker has the offset, or throws after timeoutMs.
 */
async function commitUntilStored(consumer: SinkConsumer, topic: string, offset: bigint, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    // Declared again on every flush: a consumer recreated meanwhile forgot what its lost partitions had durable.
    consumer.markDurable([{ topic, partition: 0, offset }]);
    await consumer.commit().catch(() => undefined);
    const c = await committed(consumer, topic).catch(() => undefined);
    if (c === offset) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`committed offset ${String(c)} did not reach ${offset} within ${timeoutMs} ms`);
    await sleep(500);
  }
}

void test('a Kafka restart under a running sink: what it declared durable while the consumer re-joined is committed, and it consumes on', { timeout: 240_000 }, async () => {
  const topic = await fx.topic('faults-restart');
  await produce(topic, 20);
  const { consumer, seen, lines } = await startConsumer(topic);
  try {
    await eventually(() => (seen.size === 20 ? true : undefined), '20 records before the restart');
    await commitUntilStored(consumer, topic, 10n, 10_000);
    stackCommand('down', 'kafka');
    try {
      // Wait until the consumer noticed: its stream fails, or it fetches nothing past its stall bound, and it keeps
      // trying to recreate itself while the broker is away.
      const noticed = new Set(['consumer crashed', 'consumer stalled; recreating it']);
      await eventually(() => (lines.some((l) => noticed.has(String(l['msg']))) ? true : undefined), 'the consumer to notice the broker is gone', 60_000);
    } finally {
      stackCommand('up', 'kafka');
    }
    // Declared durable at once, while the recreated consumer is still re-joining its group. Bound: the consumer's own
    // stall bound, past which it would recreate itself.
    const bound = stallBoundMs(SESSION_MS, REBALANCE_MS);
    const took = await commitUntilStored(consumer, topic, 20n, 2 * bound).catch((e: unknown) => {
      throw new Error(`${String(e)}; the consumer logged: ${lines.map((l) => `${String(l['msg'])}${l['error'] === undefined ? '' : ` (${JSON.stringify(l['error']).slice(0, 200)})`}`).join(' | ')}`);
    });
    process.stderr.write(`restart: durable offset 20 committed ${took} ms after the broker was back (bound ${2 * bound} ms)\n`);
    await produce(topic, 5);
    await eventually(() => (seen.size === 25 ? true : undefined), 'records produced after the restart', 60_000);
    await commitUntilStored(consumer, topic, 25n, bound);
  } finally {
    await consumer.close().catch(() => undefined);
  }
});

void test('a broker frozen past the stall bound: the consumer says it stalled, recreates itself and goes on', { timeout: 240_000 }, async () => {
  const topic = await fx.topic('faults-freeze');
  await produce(topic, 10);
  const stallMs = 4000;
  const { consumer, seen, lines } = await startConsumer(topic, { stallTimeoutMs: stallMs, maxRecoveries: 10 });
  try {
    await eventually(() => (seen.size === 10 ? true : undefined), '10 records before the freeze');
    const pid = kafkaPid();
    process.kill(pid, 'SIGSTOP');
    try {
      await eventually(() => (lines.some((l) => l['msg'] === 'consumer stalled; recreating it') ? true : undefined), 'the stall to be reported', 60_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const stall = lines.find((l) => l['msg'] === 'consumer stalled; recreating it');
    assert.match(String(stall?.['reason']), new RegExp(`^the consumer of group ${consumer.groupId} completed no fetch for \\d+ ms \\(bound ${stallMs} ms`));
    await produce(topic, 5);
    await eventually(() => (seen.size === 15 ? true : undefined), 'records produced after the freeze', 120_000);
    await commitUntilStored(consumer, topic, 15n, 60_000);
    assert.ok(lines.some((l) => l['msg'] === 'consumer recreated'), 'the consumer was recreated');
  } finally {
    await consumer.close().catch(() => undefined);
  }
});

void test('a consumer closed while the broker is away leaves no member behind to hold partitions', { timeout: 240_000 }, async () => {
  const topic = await fx.topic('faults-zombie', 2);
  await fx.producer.send([0, 1].map((partition) => ({ topic, partition, key: `k${partition}`, value: 'v' })));
  const connector = uniqueName('faults');
  fx.groups.push(`connect-${connector}`);
  const lines: Record<string, unknown>[] = [];
  const log = createJsonLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const seen = new Set<string>();
  const options = (): SinkConsumerOptions => ({
    kafka: fx.kafka,
    connector,
    logger: log,
    subscription: { topics: [topic] },
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    heartbeatIntervalMs: 1000,
    onBatch: (b) => {
      for (const m of b.messages) seen.add(`${b.partition}/${m.offset}`);
      return Promise.resolve();
    },
  });
  const doomed = await SinkConsumer.create(options());
  await eventually(() => (seen.size === 2 ? true : undefined), 'both records');
  let closedAt = 0;
  stackCommand('down', 'kafka');
  try {
    // Closed while its client fails and tries to recreate itself: what a worker does when it stops a task then.
    await eventually(() => (lines.some((l) => l['msg'] === 'consumer crashed' || l['msg'] === 'consumer recreation failed; trying again') ? true : undefined), 'the consumer to notice the broker is gone', 60_000);
    await doomed.close().catch(() => undefined);
    closedAt = lines.length;
  } finally {
    stackCommand('up', 'kafka');
  }
  const next = await SinkConsumer.create(options());
  try {
    // A lone member of the group gets every partition once the rebalance settled (a dead member's session expired).
    await eventually(() => (next.assignment().length === 2 ? true : undefined), 'the new consumer to hold both partitions', 2 * stallBoundMs(SESSION_MS, REBALANCE_MS));
  } finally {
    await next.close();
  }
  const revived = lines.slice(closedAt).filter((l) => l['msg'] === 'consumer recreated');
  assert.equal(revived.length, 0, 'the closed consumer was not recreated behind our back');
});
