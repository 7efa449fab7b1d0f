/**
 * Errors a task throws to tell the worker how to handle a failure. They cross the sandbox boundary, so the worker
 * recognises them by marker (isRetriableError), never by instanceof.
 */

/**
 * Kafka Connect's RetriableException: thrown from a sink task's `put`, it asks the worker to pause the task's
 * partitions and deliver the same batch again after a backoff (the task's `context.timeout(ms)`, else an
 * exponential backoff up to `errors.retry.delay.max.ms`), instead of failing the task. Records of partitions the task
 * rewound (`context.offset`) or lost are left out of the redelivered batch. Throw it only when the batch can be
 * written again as it is (the external system is busy or unreachable); anything else fails the task.
 */
export class RetriableError extends Error {
  readonly conveyorRetriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableError';
  }
}

/** Whether `value` is a RetriableError (from any realm: checks the marker, not the prototype). */
export function isRetriableError(value: unknown): value is RetriableError {
  return typeof value === 'object' && value !== null && (value as { conveyorRetriable?: unknown }).conveyorRetriable === true;
}
