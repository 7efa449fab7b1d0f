import type { Schema } from './data/types.ts';

/** One header; keys may repeat and order is kept, as in Kafka Connect's ConnectHeaders. */
export interface Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

/** The fields shared by source and sink records (org.apache.kafka.connect.connector.ConnectRecord). */
export interface ConnectRecord {
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  /** Milliseconds since the epoch, or null. */
  readonly timestamp: number | null;
  readonly headers: readonly Header[];
}

export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: Readonly<Record<string, unknown>> | null;
  readonly sourceOffset: Readonly<Record<string, unknown>> | null;
}

export type TimestampType = 'NoTimestampType' | 'CreateTime' | 'LogAppendTime';

export interface SinkRecord extends ConnectRecord {
  readonly kafkaPartition: number;
  readonly kafkaOffset: bigint | number;
  readonly timestampType: TimestampType;
  /** The topic/partition/offset the record was consumed from, kept when transforms change them. */
  readonly originalTopic?: string;
  readonly originalKafkaPartition?: number;
  readonly originalKafkaOffset?: bigint | number;
}

/** Builds a record, filling absent fields with Kafka Connect's nulls. */
export function connectRecord(fields: Partial<ConnectRecord> & { topic: string }): ConnectRecord {
  return {
    topic: fields.topic,
    kafkaPartition: fields.kafkaPartition ?? null,
    keySchema: fields.keySchema ?? null,
    key: fields.key ?? null,
    valueSchema: fields.valueSchema ?? null,
    value: fields.value ?? null,
    timestamp: fields.timestamp ?? null,
    headers: fields.headers ?? [],
  };
}

/**
 * A copy of `record` with some fields replaced (ConnectRecord.newRecord). Fields specific to source or sink
 * records are kept, so a transform chain hands back the same kind of record it was given.
 */
export function newRecord<R extends ConnectRecord>(record: R, changes: Partial<ConnectRecord>): R {
  return { ...record, ...changes };
}

export function header(key: string, schema: Schema | null, value: unknown): Header {
  return Object.freeze({ key, schema, value });
}

/** The last header with this key (Headers.lastWithName), or undefined. */
export function lastHeader(headers: readonly Header[], key: string): Header | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    const h = headers[i];
    if (h?.key === key) return h;
  }
  return undefined;
}
