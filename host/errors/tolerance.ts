import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ErrorHandlingConfig } from './error-config.ts';
import type { ErrorReporter, ErrorStage, OriginalRecord } from './reporters.ts';
import { isRetriable, retryWithBackoff, systemClock } from './retry.ts';
import type { Clock } from './retry.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Kafka Connect's RetryWithToleranceOperator: a stage is retried while its error is retriable and
 * errors.retry.timeout allows; a final failure is reported (log, dead-letter queue) and then either tolerated
 * (errors.tolerance=all: the record is skipped) or fails the task (none).
 */
export class ToleranceOperator {
  readonly #config: ErrorHandlingConfig;
  readonly #reporters: readonly ErrorReporter[];
  readonly #clock: Clock;
  readonly #log: Logger;
  #failed = 0;

  constructor(options: { config: ErrorHandlingConfig; reporters: readonly ErrorReporter[]; logger: Logger; clock?: Clock }) {
    this.#config = options.config;
    this.#reporters = options.reporters;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger.child({ component: 'tolerance' });
  }

  /** Failures tolerated or not so far. */
  failures(): number {
    return this.#failed;
  }

  /**
   * Runs one stage for one record. Resolves `{ok:false}` when the failure was tolerated (skip the record);
   * rejects with a task-failing ConveyorError (cause: the last error or RetriesExhaustedError) when not.
   */
  async execute<T>(stage: ErrorStage, className: string, fn: () => Promise<T> | T, record?: OriginalRecord): Promise<Outcome<T>> {
    let attempts = 0;
    try {
      const value = await retryWithBackoff(
        async () => {
          attempts++;
          return await fn();
        },
        {
          timeoutMs: this.#config.retryTimeoutMs,
          maxDelayMs: this.#config.retryDelayMaxMs,
          clock: this.#clock,
          onRetry: (attempt, error, delayMs) => this.#log.debug('retrying failed stage', { stage, className, attempt, delayMs, error }),
        },
      );
      return { ok: true, value };
    } catch (error) {
      this.#failed++;
      const failure = { stage, className, error, attempts, ...(record === undefined ? {} : { record }) };
      for (const r of this.#reporters) await r.report(failure);
      if (this.#config.tolerance === 'all') return { ok: false, error };
      throw new ConveyorError(ErrorCode.taskFailed, 'Tolerance exceeded in error handler', { cause: error, retriable: false });
    }
  }

  /** Whether an error would be retried at all (for callers that handle retries themselves). */
  static isRetriable(error: unknown): boolean {
    return isRetriable(error);
  }
}
