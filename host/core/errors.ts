/** Every error Conveyor raises carries one of these codes; the REST layer maps codes to HTTP status. */
export const ErrorCode = {
  badRequest: 'CONVEYOR_BAD_REQUEST',
  notFound: 'CONVEYOR_NOT_FOUND',
  conflict: 'CONVEYOR_CONFLICT',
  configInvalid: 'CONVEYOR_CONFIG_INVALID',
  pluginInvalid: 'CONVEYOR_PLUGIN_INVALID',
  capabilityDenied: 'CONVEYOR_CAPABILITY_DENIED',
  capabilityInvalid: 'CONVEYOR_CAPABILITY_INVALID',
  limitExceeded: 'CONVEYOR_LIMIT_EXCEEDED',
  timeout: 'CONVEYOR_TIMEOUT',
  sandboxCrashed: 'CONVEYOR_SANDBOX_CRASHED',
  taskFailed: 'CONVEYOR_TASK_FAILED',
  unavailable: 'CONVEYOR_UNAVAILABLE',
  internal: 'CONVEYOR_INTERNAL',
  /** REST: no valid credentials (401). */
  unauthenticated: 'CONVEYOR_UNAUTHENTICATED',
  /** REST: authenticated, but the identity may not do this (403). */
  forbidden: 'CONVEYOR_FORBIDDEN',
  /** REST: a request body that is not JSON (415). */
  unsupportedMediaType: 'CONVEYOR_UNSUPPORTED_MEDIA_TYPE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ConveyorErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

/** Base error: a code, a cause and whether retrying can help. Recognise it with isConveyorError, not instanceof. */
export class ConveyorError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly conveyorError = true;

  constructor(code: ErrorCode, message: string, options: ConveyorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConveyorError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Works across realms and processes: checks the marker and the code, never the prototype chain. */
export function isConveyorError(value: unknown): value is ConveyorError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { conveyorError?: unknown; code?: unknown };
  return v.conveyorError === true && typeof v.code === 'string' && Object.values(ErrorCode).includes(v.code as ErrorCode);
}

/** A retry gives up and reports every attempt's error. */
export class RetriesExhaustedError extends ConveyorError {
  readonly attempts: readonly unknown[];
  constructor(message: string, attempts: readonly unknown[]) {
    super(ErrorCode.unavailable, message, { cause: attempts.at(-1), retriable: false });
    this.name = 'RetriesExhaustedError';
    this.attempts = attempts;
  }
}
