import type { KafkaHeaders } from '../kafka/messages.ts';
import { redactSecrets } from '../core/redact.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicAdmin } from '../kafka/admin.ts';
import type { SourceProducer } from '../kafka/producer.ts';
import type { ErrorReporter, ProcessingFailure } from './reporters.ts';

export const DLQ_HEADER_PREFIX = '__connect.errors.';
export const DlqHeader = {
  topic: `${DLQ_HEADER_PREFIX}topic`,
  partition: `${DLQ_HEADER_PREFIX}partition`,
  offset: `${DLQ_HEADER_PREFIX}offset`,
  connectorName: `${DLQ_HEADER_PREFIX}connector.name`,
  taskId: `${DLQ_HEADER_PREFIX}task.id`,
  stage: `${DLQ_HEADER_PREFIX}stage`,
  className: `${DLQ_HEADER_PREFIX}class.name`,
  exceptionClassName: `${DLQ_HEADER_PREFIX}exception.class.name`,
  exceptionMessage: `${DLQ_HEADER_PREFIX}exception.message`,
  exceptionStacktrace: `${DLQ_HEADER_PREFIX}exception.stacktrace`,
} as const;

export interface DeadLetterQueueOptions {
  admin: TopicAdmin;
  producer: SourceProducer;
  logger: Logger;
  connector: string;
  taskId: number;
  topic: string;
  replicationFactor: number;
  contextHeadersEnable: boolean;
}

/**
 * Sink dead-letter queue (errors.deadletterqueue.*): the original record's key, value and headers go to the DLQ
 * topic; with context headers on, Kafka Connect's __connect.errors.* headers describe where and why it failed.
 */
/** Kafka Connect's deadletterqueue-produce-requests and -failures. */
export interface DeadLetterQueueCounts {
  readonly produceRequests: number;
  readonly produceFailures: number;
}

export class DeadLetterQueueReporter implements ErrorReporter, DeadLetterQueueCounts {
  produceRequests = 0;
  produceFailures = 0;
  readonly #options: DeadLetterQueueOptions;
  readonly #log: Logger;

  private constructor(options: DeadLetterQueueOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'dead-letter-queue', connector: options.connector, task: options.taskId });
  }

  /** Creates the DLQ topic (1 partition, as Kafka Connect does) when missing. */
  static async create(options: DeadLetterQueueOptions): Promise<DeadLetterQueueReporter> {
    await options.admin.ensureTopic({ topic: options.topic, partitions: 1, replicationFactor: options.replicationFactor });
    return new DeadLetterQueueReporter(options);
  }

  async report(f: ProcessingFailure): Promise<void> {
    const r = f.record;
    if (r === undefined) return;
    const headers: KafkaHeaders = { ...(r.headers ?? {}) };
    if (this.#options.contextHeadersEnable) Object.assign(headers, this.#contextHeaders(f));
    this.produceRequests++;
    try {
      await this.#options.producer.send([
        { topic: this.#options.topic, key: r.key, value: r.value, headers, ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }) },
      ]);
    } catch (e) {
      this.produceFailures++;
      throw e;
    }
    this.#log.debug('record sent to the dead-letter queue', { topic: r.topic, partition: r.partition, offset: r.offset.toString() });
  }

  #contextHeaders(f: ProcessingFailure): Record<string, string> {
    const r = f.record;
    const e = f.error instanceof Error ? f.error : new Error(String(f.error));
    // Kafka Connect's header order: where the record came from first, then who failed and why.
    const out: Record<string, string> =
      r === undefined ? {} : { [DlqHeader.topic]: r.topic, [DlqHeader.partition]: String(r.partition), [DlqHeader.offset]: r.offset.toString() };
    Object.assign(out, {
      [DlqHeader.connectorName]: this.#options.connector,
      [DlqHeader.taskId]: String(this.#options.taskId),
      [DlqHeader.stage]: f.stage,
      [DlqHeader.className]: f.className,
      [DlqHeader.exceptionClassName]: e.name,
      [DlqHeader.exceptionMessage]: redactMessage(e.message),
      [DlqHeader.exceptionStacktrace]: redactMessage(e.stack ?? `${e.name}: ${e.message}`),
    });
    return out;
  }
}

/** Error texts can echo config; config-provider placeholders never leave the worker. */
function redactMessage(text: string): string {
  return redactSecrets(text);
}
