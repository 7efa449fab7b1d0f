/** task-error-metrics as a pipeline's error handling counts them (host/pipeline/processing.ts figures()). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { ConveyorError, ErrorCode } from '../../../host/core/errors.ts';
import { parseErrorHandlingConfig } from '../../../host/errors/error-config.ts';
import type { ErrorReporter, ProcessingFailure } from '../../../host/errors/reporters.ts';
import { errorHandling } from '../../../host/pipeline/processing.ts';

const logger = createJsonLogger({ level: 'error', write: () => undefined });
const clock = { now: () => 0, sleep: () => Promise.resolve(), random: () => 0.5 };

/** A dead letter queue whose second write fails. */
class FlakyQueue implements ErrorReporter {
  produceRequests = 0;
  produceFailures = 0;
  report(_f: ProcessingFailure): Promise<void> {
    this.produceRequests++;
    if (this.produceRequests === 2) {
      this.produceFailures++;
      return Promise.reject(new Error('broker away'));
    }
    return Promise.resolve();
  }
}

void test('errors, failed attempts and retries, skips, logged errors, the dead letter queue and the last error time', async () => {
  const config = parseErrorHandlingConfig({ 'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.retry.timeout': '1000' });
  const dlq = new FlakyQueue();
  const h = errorHandling(config, logger, [dlq], clock);
  let calls = 0;
  const retriable = (): never => {
    calls++;
    throw new ConveyorError(ErrorCode.unavailable, 'try again', { retriable: calls < 3 });
  };
  const first = await h.operator.execute('TRANSFORMATION', 'X', retriable);
  assert.equal(first.ok, false);
  await assert.rejects(h.operator.execute('VALUE_CONVERTER', 'Y', () => {
    throw new Error('bad');
  }));
  const f = h.figures(1);
  assert.equal(f.errors, 1, 'the failure whose DLQ write failed never reached the counter');
  assert.equal(f.failures, 3);
  assert.equal(f.retries, 2);
  assert.equal(f.skipped, 1);
  assert.equal(f.logged, 1);
  assert.deepEqual([f.deadLetterQueueRequests, f.deadLetterQueueFailures], [2, 1]);
  assert.ok(f.lastErrorAt > 0);
});
