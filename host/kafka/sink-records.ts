/** What the sink consumer delivers and commits, and the topics it subscribes to (Kafka Connect's sink keys). */
import type { Message } from '@platformatic/kafka';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { KafkaHeaders } from './messages.ts';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface SinkMessage {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeaders;
  timestamp: number;
}

export interface SinkBatch extends TopicPartition {
  messages: SinkMessage[];
}

/** The offset to commit: the next one to read, as Kafka commits (last durable record's offset + 1). */
export interface DurableOffset extends TopicPartition {
  offset: bigint;
}

export type TopicSubscription = { topics: readonly string[] } | { topicsRegex: RegExp };

/** Kafka Connect sink keys: exactly one of `topics` (comma list) and `topics.regex`. */
export function parseSubscription(config: Readonly<Record<string, string>>): TopicSubscription {
  const topics = (config.topics ?? '').split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  const regex = (config['topics.regex'] ?? '').trim();
  if (topics.length > 0 && regex.length > 0) {
    throw new ConveyorError(ErrorCode.configInvalid, 'topics and topics.regex are mutually exclusive');
  }
  if (topics.length > 0) return { topics };
  if (regex.length === 0) throw new ConveyorError(ErrorCode.configInvalid, 'Must configure one of topics or topics.regex');
  try {
    return { topicsRegex: new RegExp(`^(?:${regex})$`) };
  } catch (e) {
    throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${regex} for configuration topics.regex`, { cause: e });
  }
}

/** A fetched message as the pipeline takes it; repeated header keys become a list, in order. */
export function toSinkMessage(m: Message<Buffer, Buffer, Buffer, Buffer>): SinkMessage {
  let headers: KafkaHeaders = {};
  const entries = m.headerEntries;
  if (entries.length > 0) {
    headers = {};
    for (const [k, v] of entries) {
      const name = k.toString('utf8');
      const prev = headers[name];
      if (prev === undefined) headers[name] = v;
      else headers[name] = Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  return { offset: m.offset, key: m.key ?? null, value: m.value ?? null, headers, timestamp: Number(m.timestamp) };
}
