import { RetriesExhaustedError, isConveyorError } from '../core/errors.ts';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** [0, 1) */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** Kafka Connect's first retry delay (RetryWithToleranceOperator.RETRIES_DELAY_MIN_MS). */
export const RETRY_DELAY_MIN_MS = 300;

/** Programming errors: retrying cannot help, so they are never retried. */
export function isProgrammingError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof ReferenceError || e instanceof SyntaxError || e instanceof RangeError;
}

/** Retriable only when the error says so: a ConveyorError's flag or a client error's `retriable` or `canRetry`. */
export function isRetriable(e: unknown): boolean {
  if (isProgrammingError(e)) return false;
  if (isConveyorError(e)) return e.retriable;
  if (typeof e !== 'object' || e === null) return false;
  const x = e as { retriable?: unknown; canRetry?: unknown };
  return x.retriable === true || x.canRetry === true;
}

/** Delay before retry `attempt` (1-based): 300 ms doubling, capped, with jitter in [cap/2, cap]. */
export function backoffDelay(attempt: number, maxDelayMs: number, random: () => number): number {
  const exp = Math.min(maxDelayMs, RETRY_DELAY_MIN_MS * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(exp / 2 + random() * (exp / 2));
}

export interface RetryOptions {
  /** Total time for retries; 0 = one attempt, -1 = forever. */
  timeoutMs: number;
  maxDelayMs: number;
  clock?: Clock;
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds, a non-retriable error occurs (thrown as is), or the timeout is spent; then throws
 * RetriesExhaustedError carrying every attempt's error. A wait never extends past the deadline.
 */
export async function retryWithBackoff<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const deadline = options.timeoutMs < 0 ? Number.POSITIVE_INFINITY : clock.now() + options.timeoutMs;
  const attempts: unknown[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isRetriable(e)) throw e;
      attempts.push(e);
      const left = deadline - clock.now();
      if (left <= 0) {
        throw new RetriesExhaustedError(`gave up after ${attempts.length} attempts`, attempts);
      }
      const delay = Math.min(left, backoffDelay(attempt, options.maxDelayMs, () => clock.random()));
      options.onRetry?.(attempt, e, delay);
      await clock.sleep(delay);
    }
  }
}
