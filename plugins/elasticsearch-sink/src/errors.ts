/**
 * Errors raised by the Elasticsearch sink. They cross the isolate boundary, so callers recognise them by the
 * `esSinkError` marker and the code, never by instanceof.
 */
export const EsSinkErrorCode = {
  /** A record cannot be turned into a document or an id (Kafka Connect's DataException). */
  dataInvalid: 'CONVEYOR_ES_DATA_INVALID',
  /** The connector configuration cannot be used as given. */
  configInvalid: 'CONVEYOR_ES_CONFIG_INVALID',
  /** Elasticsearch rejected a document as malformed and behavior.on.malformed.documents=fail. */
  malformedDocument: 'CONVEYOR_ES_MALFORMED_DOCUMENT',
  /** A bulk request or item kept failing after max.retries, or failed in a way retrying cannot help. */
  bulkFailed: 'CONVEYOR_ES_BULK_FAILED',
  /** flush() or a full buffer waited longer than flush.timeout.ms. */
  flushTimeout: 'CONVEYOR_ES_FLUSH_TIMEOUT',
} as const;
export type EsSinkErrorCode = (typeof EsSinkErrorCode)[keyof typeof EsSinkErrorCode];

export class EsSinkError extends Error {
  readonly esSinkError = true;
  readonly code: EsSinkErrorCode;
  readonly retriable: boolean;

  constructor(code: EsSinkErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EsSinkError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isEsSinkError(value: unknown, code?: EsSinkErrorCode): value is EsSinkError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { esSinkError?: unknown; code?: unknown };
  return v.esSinkError === true && (code === undefined || v.code === code);
}

export function dataError(message: string, cause?: unknown): EsSinkError {
  return new EsSinkError(EsSinkErrorCode.dataInvalid, message, cause === undefined ? {} : { cause });
}
