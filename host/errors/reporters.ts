import type { Logger } from '../core/logger.ts';
import type { KafkaHeaders } from '../kafka/messages.ts';

/** Kafka Connect's stage names, as written to __connect.errors.stage. */
export type ErrorStage =
  | 'TASK_POLL'
  | 'TASK_PUT'
  | 'TRANSFORMATION'
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';

/** The consumed record a sink stage failed on, as it came from Kafka. */
export interface OriginalRecord {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Readonly<KafkaHeaders>;
  timestamp?: number;
}

export interface ProcessingFailure {
  stage: ErrorStage;
  /** The class of the converter/transform/task that failed (its connector.class-style name). */
  className: string;
  error: unknown;
  attempts: number;
  record?: OriginalRecord;
}

export interface ErrorReporter {
  report(failure: ProcessingFailure): Promise<void>;
}

/** errors.log.enable: one error line per tolerated failure; the record's content only with errors.log.include.messages. */
export class LogReporter implements ErrorReporter {
  readonly #log: Logger;
  readonly #includeMessages: boolean;

  constructor(logger: Logger, includeMessages: boolean) {
    this.#log = logger.child({ component: 'error-reporter' });
    this.#includeMessages = includeMessages;
  }

  report(f: ProcessingFailure): Promise<void> {
    const r = f.record;
    this.#log.error('Error encountered in task', {
      stage: f.stage,
      className: f.className,
      attempts: f.attempts,
      error: f.error,
      ...(r === undefined ? {} : { topic: r.topic, partition: r.partition, offset: r.offset.toString() }),
      ...(r !== undefined && this.#includeMessages
        ? { key: r.key?.toString('utf8') ?? null, value: r.value?.toString('utf8') ?? null, timestamp: r.timestamp }
        : {}),
    });
    return Promise.resolve();
  }
}
