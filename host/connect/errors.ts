import { ConveyorError, ErrorCode } from '../core/errors.ts';

/**
 * Kafka Connect's DataException: a value does not fit its schema or cannot be converted. The pipeline decides
 * whether it fails the task or goes to the dead-letter queue; the `dataError` marker lets it recognise the
 * error without instanceof.
 */
export class DataError extends ConveyorError {
  readonly dataError = true;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.badRequest, message, options);
    this.name = 'DataError';
  }
}

export function isDataError(value: unknown): value is DataError {
  return typeof value === 'object' && value !== null && (value as { dataError?: unknown }).dataError === true;
}

/** A connector, converter, transform or predicate config that cannot be used as given. */
export function configError(message: string, cause?: unknown): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, message, cause === undefined ? {} : { cause });
}
