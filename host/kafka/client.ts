import { ConveyorError, ErrorCode, isConveyorError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface KafkaClientOptions {
  /** bootstrap.servers: a comma list or an array of host:port. */
  bootstrapServers: string | readonly string[];
  clientId: string;
  logger: Logger;
}

/**
 * Where the host's Kafka clients connect and how they name themselves. The producers, consumers and admin clients
 * made from it (host/kafka/*) are @platformatic/kafka's; nothing outside host/kafka sees a client library's type.
 */
export interface KafkaClient {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
}

/** Where a client connects: what a producer, consumer or admin client needs to reach the cluster. */
export type KafkaEndpoint = Pick<KafkaClient, 'bootstrapServers' | 'clientId'>;

export function parseBootstrapServers(value: string | readonly string[]): string[] {
  const list = typeof value === 'string' ? value.split(',') : [...value];
  const brokers = list.map((s) => s.trim()).filter((s) => s.length > 0);
  if (brokers.length === 0) throw new ConveyorError(ErrorCode.configInvalid, 'bootstrap.servers must list at least one host:port');
  return brokers;
}

export function createKafka(options: KafkaClientOptions): KafkaClient {
  return Object.freeze({ bootstrapServers: Object.freeze(parseBootstrapServers(options.bootstrapServers)), clientId: options.clientId, logger: options.logger });
}

/** The endpoint of a client made by createKafka. */
export function endpointOf(kafka: KafkaClient): KafkaEndpoint {
  return kafka;
}

/**
 * Our error for a client error, keeping its cause: retriable when the client says `canRetry` (@platformatic/kafka)
 * or `retriable`, on the error itself, on one it aggregates, or on its cause.
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
