import kafkajs from 'kafkajs';
import type { Kafka, logCreator, RetryOptions } from 'kafkajs';
import { ConveyorError, ErrorCode, isConveyorError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { registerCodecs } from './codecs.ts';

const { Kafka: KafkajsClient, logLevel: KafkaLogLevel } = kafkajs;

/** A connection to one cluster, made by createKafka; the rest of the host names it by this type only. */
export type KafkaClient = Kafka;

export interface KafkaClientOptions {
  /** bootstrap.servers: a comma list or an array of host:port. */
  bootstrapServers: string | readonly string[];
  clientId: string;
  logger: Logger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: RetryOptions;
}

export function parseBootstrapServers(value: string | readonly string[]): string[] {
  const list = typeof value === 'string' ? value.split(',') : [...value];
  const brokers = list.map((s) => s.trim()).filter((s) => s.length > 0);
  if (brokers.length === 0) throw new ConveyorError(ErrorCode.configInvalid, 'bootstrap.servers must list at least one host:port');
  return brokers;
}

/** A kafkajs client whose log lines go through our logger (component=kafkajs). */
export function createKafka(options: KafkaClientOptions): KafkaClient {
  registerCodecs();
  const log = options.logger.child({ component: 'kafkajs' });
  const creator: logCreator = () => (entry) => {
    const { message, ...fields } = entry.log;
    const extra = { ...fields, kafkaNamespace: entry.namespace };
    // kafkajs logs retriable protocol errors at ERROR and then retries; the failures that matter reach callers
    // as rejected promises, so its ERROR lines are warnings here.
    if (entry.level === KafkaLogLevel.ERROR || entry.level === KafkaLogLevel.WARN) log.warn(message, extra);
    else if (entry.level === KafkaLogLevel.INFO) log.debug(message, extra);
    else log.trace(message, extra);
  };
  const level = options.logger.level();
  const kafka = new KafkajsClient({
    clientId: options.clientId,
    brokers: parseBootstrapServers(options.bootstrapServers),
    logCreator: creator,
    logLevel: level === 'trace' || level === 'debug' ? KafkaLogLevel.INFO : KafkaLogLevel.WARN,
    ...(options.connectionTimeoutMs === undefined ? {} : { connectionTimeout: options.connectionTimeoutMs }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  ENDPOINTS.set(kafka, { bootstrapServers: parseBootstrapServers(options.bootstrapServers), clientId: options.clientId });
  return kafka;
}

/** Where a client connects: what a producer of another client library needs to reach the same cluster. */
export interface KafkaEndpoint {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
}

const ENDPOINTS = new WeakMap<Kafka, KafkaEndpoint>();

/** The endpoint a client made by createKafka connects to. */
export function endpointOf(kafka: Kafka): KafkaEndpoint {
  const e = ENDPOINTS.get(kafka);
  if (e === undefined) throw new ConveyorError(ErrorCode.internal, 'a Kafka client not made by createKafka has no known endpoint');
  return e;
}

/**
 * Our error for a client error, keeping its cause: retriable when kafkajs says `retriable` or @platformatic/kafka
 * says `canRetry` (on the error itself, on one it aggregates, or on its cause).
 */
export function toConveyorError(e: unknown, message: string): ConveyorError {
  if (isConveyorError(e)) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new ConveyorError(ErrorCode.unavailable, `${message}: ${detail}`, { cause: e, retriable: isRetriableClientError(e) });
}

function isRetriableClientError(e: unknown, depth = 0): boolean {
  if (typeof e !== 'object' || e === null || depth > 8) return false;
  const err = e as { retriable?: unknown; canRetry?: unknown; errors?: unknown; cause?: unknown };
  if (err.retriable === true || err.canRetry === true) return true;
  if (Array.isArray(err.errors) && err.errors.some((x) => isRetriableClientError(x, depth + 1))) return true;
  return isRetriableClientError(err.cause, depth + 1);
}
