/**
 * The per-record stages both pipelines share: a stage runs synchronously on the happy path and only a failure goes
 * through the ToleranceOperator (which retries retriable errors, reports, and then skips or fails the task).
 * Converters and transforms are pure, so running a failed stage again inside the operator is harmless.
 */
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { ConnectRecord } from '../connect/record.ts';
import type { TransformChain, TransformStage } from '../connect/transforms/chain.ts';
import type { Logger } from '../core/logger.ts';
import type { ErrorHandlingConfig } from '../errors/error-config.ts';
import { LogReporter } from '../errors/reporters.ts';
import type { ErrorReporter, ErrorStage, OriginalRecord, ProcessingFailure } from '../errors/reporters.ts';
import type { Clock } from '../errors/retry.ts';
import { ToleranceOperator } from '../errors/tolerance.ts';
import type { DeadLetterQueueCounts } from '../errors/dead-letter-queue.ts';
import type { ErrorFigures } from '../metrics/task-metrics.ts';

export type StageResult<T> = { ok: true; value: T } | { ok: false };

/** Runs one stage for one record; resolves {ok:false} when the failure was tolerated, rejects when it fails the task. */
export async function guarded<T>(op: ToleranceOperator, stage: ErrorStage, className: string, fn: () => T, original?: OriginalRecord): Promise<StageResult<T>> {
  try {
    return { ok: true, value: fn() };
  } catch {
    return settle(op, stage, className, fn, original);
  }
}

/** Like guarded, for a stage that is asynchronous by nature (producing to Kafka). */
export function guardedAsync<T>(op: ToleranceOperator, stage: ErrorStage, className: string, fn: () => Promise<T>, original?: OriginalRecord): Promise<StageResult<T>> {
  return settle(op, stage, className, fn, original);
}

async function settle<T>(op: ToleranceOperator, stage: ErrorStage, className: string, fn: () => Promise<T> | T, original?: OriginalRecord): Promise<StageResult<T>> {
  let out;
  try {
    out = await op.execute(stage, className, fn, original);
  } catch (e) {
    throw taskFailure(stage, className, e, original);
  }
  return out.ok ? { ok: true, value: out.value } : { ok: false };
}

/** The task-failing error, with the stage, the class and the root cause in its message (it becomes the task's trace). */
function taskFailure(stage: ErrorStage, className: string, e: unknown, original: OriginalRecord | undefined): ConveyorError {
  // The operator's error wraps the stage's last error, or a RetriesExhaustedError that wraps it.
  const cause = (e as { cause?: unknown } | null)?.cause ?? e;
  const describe = (x: unknown): string => (x instanceof Error ? `${x.name}: ${x.message}` : String(x));
  const last = (cause as { cause?: unknown } | null)?.cause;
  const detail = cause instanceof Error && cause.name === 'RetriesExhaustedError' && last !== undefined ? `${cause.message}; last error ${describe(last)}` : describe(cause);
  const where = original === undefined ? '' : ` (record ${original.topic}-${original.partition}@${original.offset.toString()})`;
  return new ConveyorError(ErrorCode.taskFailed, `Tolerance exceeded in error handler at stage ${stage} (${className}): ${detail}${where}`, { cause: e });
}

function applyStage<R extends ConnectRecord>(stage: TransformStage, record: R): R | null {
  if (stage.predicate !== null && stage.predicate.test(record) === stage.negate) return record;
  return stage.transformation.apply(record);
}

/**
 * The chain run synchronously, for the happy path: throws on the first failing transform, which the caller answers
 * by running the record again through transform(), where failures are retried, reported and tolerated.
 */
export function transformSync<R extends ConnectRecord>(chain: TransformChain, record: R): R | null {
  let current: R | null = record;
  for (const stage of chain.stages) {
    if (current === null) break;
    current = applyStage(stage, current);
  }
  return current;
}

/** The transform chain stage by stage, so a failure names its transform; value null = dropped by a transform. */
export async function transform<R extends ConnectRecord>(chain: TransformChain, op: ToleranceOperator, record: R, original?: OriginalRecord): Promise<StageResult<R | null>> {
  let current: R | null = record;
  for (const stage of chain.stages) {
    if (current === null) break;
    const input: R = current;
    const out = await guarded(op, 'TRANSFORMATION', stage.className, () => applyStage(stage, input), original);
    if (!out.ok) return out;
    current = out.value;
  }
  return { ok: true, value: current };
}

/** Counts every failure by stage and logs it (without record contents), so no record ever disappears silently. */
export class FailureCounter implements ErrorReporter {
  readonly #log: Logger;
  readonly #quiet: boolean;
  readonly byStage = new Map<ErrorStage, number>();
  total = 0;
  /** Failed attempts, retries included (task-error-metrics total-record-failures). */
  attempts = 0;
  lastAt = 0;

  /** quiet: another reporter already logs each failure (errors.log.enable). */
  constructor(logger: Logger, quiet: boolean) {
    this.#log = logger.child({ component: 'record-errors' });
    this.#quiet = quiet;
  }

  report(f: ProcessingFailure): Promise<void> {
    this.total++;
    this.attempts += Math.max(1, f.attempts);
    this.lastAt = Date.now();
    this.byStage.set(f.stage, (this.byStage.get(f.stage) ?? 0) + 1);
    if (!this.#quiet) {
      const r = f.record;
      this.#log.warn('record failed in the pipeline', {
        stage: f.stage,
        className: f.className,
        attempts: f.attempts,
        error: f.error instanceof Error ? f.error.message : String(f.error),
        failures: this.total,
        ...(r === undefined ? {} : { topic: r.topic, partition: r.partition, offset: r.offset.toString() }),
      });
    }
    return Promise.resolve();
  }
}

export interface ErrorHandling {
  operator: ToleranceOperator;
  failures: FailureCounter;
  /** Kafka Connect's task-error-metrics; `skipped` is what the pipeline tolerated (its stats.failed). */
  figures(skipped: number): ErrorFigures;
}

/** The operator for one task: log reporter (errors.log.enable), then any extra reporter (the DLQ), then the counter. */
export function errorHandling(config: ErrorHandlingConfig, logger: Logger, extra: readonly ErrorReporter[] = [], clock?: Clock): ErrorHandling {
  const failures = new FailureCounter(logger, config.logEnable);
  const reporters: ErrorReporter[] = [...(config.logEnable ? [new LogReporter(logger, config.logIncludeMessages)] : []), ...extra, failures];
  const operator = new ToleranceOperator({ config, reporters, logger, ...(clock === undefined ? {} : { clock }) });
  const dlq = extra.filter((r): r is ErrorReporter & DeadLetterQueueCounts => typeof (r as Partial<DeadLetterQueueCounts>).produceRequests === 'number');
  const figures = (skipped: number): ErrorFigures => ({
    errors: failures.total,
    failures: failures.attempts,
    retries: failures.attempts - failures.total,
    skipped,
    logged: config.logEnable ? failures.total : 0,
    lastErrorAt: failures.lastAt,
    deadLetterQueueRequests: dlq.reduce((n, r) => n + r.produceRequests, 0),
    deadLetterQueueFailures: dlq.reduce((n, r) => n + r.produceFailures, 0),
  });
  return { operator, failures, figures };
}
