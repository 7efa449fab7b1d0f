/**
 * The sink task runner's hooks on the in-memory topics (the worker without Kafka): open at start, redelivery after a
 * RetriableError with the backoff bounds, rewinds, close before stop. The real-Kafka side is
 * test/integration/pipeline/task-hooks.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { InMemoryTopics } from '../../helpers/in-memory-topics.ts';
import { REDELIVERY_MIN_DELAY_MS, redeliveryDelayMs, SinkTaskRunner } from '../../../host/worker/sink-task-runner.ts';
import { defineSink, RetriableError } from '../../../sdk/index.ts';
import type { SinkRecord, SinkTaskContext, TopicPartition } from '../../../sdk/index.ts';
import { runtimeInstance } from '../../helpers/runtime-instance.ts';

const log = createJsonLogger({ level: 'error', write: () => undefined });

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('redelivery waits the task timeout when set, else doubles from the minimum up to errors.retry.delay.max.ms', () => {
  assert.equal(redeliveryDelayMs(0, 60_000, 25), 25);
  assert.equal(redeliveryDelayMs(0, 60_000, undefined), REDELIVERY_MIN_DELAY_MS);
  assert.equal(redeliveryDelayMs(2, 60_000, undefined), REDELIVERY_MIN_DELAY_MS * 4);
  assert.equal(redeliveryDelayMs(40, 1000, undefined), 1000);
});

test('open at start, the same batch after a RetriableError, a rewind read again, close before stop', async () => {
  const topics = new InMemoryTopics();
  await topics.append([0, 1, 2].map((n) => ({ topic: 'in', value: n, sourcePartition: {}, sourceOffset: {} })));
  const journal: string[] = [];
  let busy = 1;
  let rewound = false;
  const def = defineSink({
    className: 'J',
    config: [],
    task: () => {
      let ctx: SinkTaskContext | null = null;
      return {
        start(c: SinkTaskContext) {
          ctx = c;
        },
        open: (tps: TopicPartition[]) => void journal.push(`open ${tps.map((t) => `${t.topic}/${t.partition}`).join(',')}`),
        put(records: SinkRecord[]) {
          if (busy-- > 0) {
            ctx!.timeout(5);
            journal.push(`busy ${records.map((r) => r.offset).join(',')}`);
            throw new RetriableError('busy');
          }
          if (!rewound) {
            rewound = true;
            ctx!.offset('in', 0, 1);
          }
          journal.push(`put ${records.map((r) => r.offset).join(',')}`);
        },
        close: (tps: TopicPartition[]) => void journal.push(`close ${tps.map((t) => `${t.topic}/${t.partition}`).join(',')}`),
        stop: () => void journal.push('stop'),
      };
    },
  });
  const failures: unknown[] = [];
  const source = topics.consumer('connect-j', ['in']);
  const runner = new SinkTaskRunner({ connector: 'j', taskId: 0, config: { topics: 'in' }, instance: runtimeInstance(def, 'j-0'), log, commitIntervalMs: 20, onFailure: (e) => failures.push(e) }, source);
  await runner.start();
  await until(() => journal.filter((l) => l.startsWith('put ')).length >= 2, 'the rewound records put again');
  await until(() => topics.committedOffsets('connect-j')['in/0'] === 3, 'offset 3 committed');
  await runner.stop();
  assert.deepEqual(failures, []);
  assert.deepEqual(journal, ['open in/0', 'busy 0,1,2', 'put 0,1,2', 'put 1,2', 'close in/0', 'stop']);
});

test('a timeout from the isolate that is not a duration falls back to the backoff; a huge one is capped at a day', () => {
  assert.equal(redeliveryDelayMs(0, 60_000, Number.NaN), REDELIVERY_MIN_DELAY_MS);
  assert.equal(redeliveryDelayMs(0, 60_000, -5), REDELIVERY_MIN_DELAY_MS);
  assert.equal(redeliveryDelayMs(0, 60_000, '100'), REDELIVERY_MIN_DELAY_MS);
  assert.equal(redeliveryDelayMs(0, 60_000, 1e15), 86_400_000);
});
