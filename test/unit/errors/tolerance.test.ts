import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConveyorError, ErrorCode, RetriesExhaustedError } from '../../../host/core/errors.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { parseErrorHandlingConfig } from '../../../host/errors/error-config.ts';
import { LogReporter } from '../../../host/errors/reporters.ts';
import type { ErrorReporter, ProcessingFailure } from '../../../host/errors/reporters.ts';
import { ToleranceOperator } from '../../../host/errors/tolerance.ts';
import type { Clock } from '../../../host/errors/retry.ts';

const quiet = createJsonLogger({ write: () => undefined });
const clock: Clock & { t: number } = { t: 0, now: () => clock.t, random: () => 0, sleep: (ms) => ((clock.t += ms), Promise.resolve()) };
const record = { topic: 'orders', partition: 2, offset: 41n, key: Buffer.from('k'), value: Buffer.from('{"card":"4111"}') };

function collecting(): ErrorReporter & { seen: ProcessingFailure[] } {
  const seen: ProcessingFailure[] = [];
  return { seen, report: (f) => (seen.push(f), Promise.resolve()) };
}

void test('config: Kafka Connect defaults and validation', () => {
  const c = parseErrorHandlingConfig({});
  assert.deepEqual(c, { tolerance: 'none', retryTimeoutMs: 0, retryDelayMaxMs: 60_000, logEnable: false, logIncludeMessages: false, deadLetterQueue: undefined });
  const s = parseErrorHandlingConfig({ 'errors.tolerance': 'all', 'errors.retry.timeout': '-1', 'errors.deadletterqueue.topic.name': 'dlq', 'errors.deadletterqueue.context.headers.enable': 'true' });
  assert.deepEqual(s.deadLetterQueue, { topic: 'dlq', replicationFactor: 3, contextHeadersEnable: true });
  assert.equal(s.retryTimeoutMs, -1);
  assert.throws(() => parseErrorHandlingConfig({ 'errors.tolerance': 'some' }), { code: 'CONVEYOR_CONFIG_INVALID' });
  assert.throws(() => parseErrorHandlingConfig({ 'errors.retry.timeout': '-2' }), { code: 'CONVEYOR_CONFIG_INVALID' });
  assert.throws(() => parseErrorHandlingConfig({ 'errors.log.enable': 'yes' }), { code: 'CONVEYOR_CONFIG_INVALID' });
});

void test('tolerance all: the failure is reported and the record skipped', async () => {
  const reporter = collecting();
  const op = new ToleranceOperator({ config: parseErrorHandlingConfig({ 'errors.tolerance': 'all' }), reporters: [reporter], logger: quiet, clock });
  const out = await op.execute('VALUE_CONVERTER', 'JsonConverter', () => {
    throw new SyntaxError('Unexpected token');
  }, record);
  assert.equal(out.ok, false);
  assert.equal(reporter.seen.length, 1);
  assert.equal(reporter.seen[0]?.stage, 'VALUE_CONVERTER');
  assert.equal(reporter.seen[0]?.attempts, 1);
  assert.deepEqual(await op.execute('TRANSFORMATION', 'Cast', () => 7), { ok: true, value: 7 });
  assert.equal(op.failures(), 1);
});

void test('tolerance none: the failure is reported, then fails the task with the cause kept', async () => {
  const reporter = collecting();
  const op = new ToleranceOperator({ config: parseErrorHandlingConfig({}), reporters: [reporter], logger: quiet, clock });
  await assert.rejects(op.execute('TASK_PUT', 'EsSink', () => Promise.reject(new Error('mapping conflict')), record), (e: unknown) => {
    assert.ok(e instanceof ConveyorError);
    assert.equal(e.code, ErrorCode.taskFailed);
    assert.equal(e.message, 'Tolerance exceeded in error handler');
    assert.equal((e.cause as Error).message, 'mapping conflict');
    return true;
  });
  assert.equal(reporter.seen.length, 1);
});

void test('retriable failures are retried within errors.retry.timeout before being tolerated', async () => {
  const reporter = collecting();
  const op = new ToleranceOperator({
    config: parseErrorHandlingConfig({ 'errors.tolerance': 'all', 'errors.retry.timeout': '5000', 'errors.retry.delay.max.ms': '1000' }),
    reporters: [reporter],
    logger: quiet,
    clock,
  });
  let calls = 0;
  const ok = await op.execute('TASK_PUT', 'S', () => (++calls < 3 ? Promise.reject(new ConveyorError(ErrorCode.unavailable, 'busy', { retriable: true })) : Promise.resolve('x')));
  assert.deepEqual(ok, { ok: true, value: 'x' });
  const start = clock.t;
  const failed = await op.execute('TASK_PUT', 'S', () => Promise.reject(new ConveyorError(ErrorCode.unavailable, 'down', { retriable: true })));
  assert.equal(failed.ok, false);
  assert.ok(!failed.ok && failed.error instanceof RetriesExhaustedError);
  assert.equal(clock.t - start, 5000);
  assert.ok((reporter.seen[0]?.attempts ?? 0) > 3);
});

void test('the log reporter hides record content unless errors.log.include.messages, and never logs secrets', async () => {
  const lines: string[] = [];
  const logger = createJsonLogger({ write: (l) => lines.push(l) });
  const failure: ProcessingFailure = { stage: 'TASK_PUT', className: 'S', error: new Error('boom'), attempts: 1, record };
  await new LogReporter(logger, false).report(failure);
  await new LogReporter(logger, true).report(failure);
  const [without, withMessages] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(without?.value, undefined);
  assert.equal(without?.offset, '41');
  assert.equal(withMessages?.value, '{"card":"4111"}');
  await new LogReporter(logger, true).report({ ...failure, record: { ...record, value: Buffer.from('${file:/etc/secrets:password}') } });
  assert.ok(!(lines.at(-1) ?? '').includes('/etc/secrets'));
});
