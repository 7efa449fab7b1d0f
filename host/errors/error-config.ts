import { ConveyorError, ErrorCode } from '../core/errors.ts';

export type ErrorTolerance = 'none' | 'all';

/** Kafka Connect's errors.* connector keys, normalised. */
export interface ErrorHandlingConfig {
  readonly tolerance: ErrorTolerance;
  /** errors.retry.timeout: 0 = no retries, -1 = retry forever. */
  readonly retryTimeoutMs: number;
  /** errors.retry.delay.max.ms */
  readonly retryDelayMaxMs: number;
  readonly logEnable: boolean;
  readonly logIncludeMessages: boolean;
  /** Sinks only; undefined when errors.deadletterqueue.topic.name is empty. */
  readonly deadLetterQueue: { topic: string; replicationFactor: number; contextHeadersEnable: boolean } | undefined;
}

export function parseErrorHandlingConfig(config: Readonly<Record<string, string>>): ErrorHandlingConfig {
  const tolerance = (config['errors.tolerance'] ?? 'none').trim().toLowerCase();
  if (tolerance !== 'none' && tolerance !== 'all') {
    throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${tolerance} for configuration errors.tolerance: String must be one of: none, all`);
  }
  const dlqTopic = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
  return Object.freeze({
    tolerance,
    retryTimeoutMs: integer(config, 'errors.retry.timeout', 0, -1),
    retryDelayMaxMs: integer(config, 'errors.retry.delay.max.ms', 60_000, 1),
    logEnable: bool(config, 'errors.log.enable'),
    logIncludeMessages: bool(config, 'errors.log.include.messages'),
    deadLetterQueue:
      dlqTopic.length === 0
        ? undefined
        : {
            topic: dlqTopic,
            replicationFactor: integer(config, 'errors.deadletterqueue.topic.replication.factor', 3, -1),
            contextHeadersEnable: bool(config, 'errors.deadletterqueue.context.headers.enable'),
          },
  });
}

function integer(config: Readonly<Record<string, string>>, key: string, fallback: number, min: number): number {
  const raw = config[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < min) {
    throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${raw} for configuration ${key}: must be an integer >= ${min}`);
  }
  return n;
}

function bool(config: Readonly<Record<string, string>>, key: string): boolean {
  const raw = (config[key] ?? 'false').trim().toLowerCase();
  if (raw !== 'true' && raw !== 'false') {
    throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${raw} for configuration ${key}: Expected value to be either true or false`);
  }
  return raw === 'true';
}
