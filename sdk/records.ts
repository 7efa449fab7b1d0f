import type { ConnectSchema } from './schema.ts';

/** A JSON-compatible value: what crosses the sandbox boundary in record keys, values and capability results. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Record headers as a map: one string value per key (for a repeated key, the last one, as Headers.lastWithName). */
export type Headers = Record<string, string>;

/** One header, in order: Kafka allows a key more than once, so a list of these is the complete form. */
export type HeaderEntry = readonly [key: string, value: string];

/** Identifies a position in the external system a source reads, e.g. { table: 'orders' }. */
export type SourcePartition = Record<string, JsonValue>;
/** The position within a source partition, e.g. { file: 'binlog.000003', pos: 4711 }. */
export type SourceOffset = Record<string, JsonValue>;

/** What a source task returns from poll(). */
export interface SourceRecord {
  topic: string;
  partition?: number;
  key?: JsonValue;
  value: JsonValue;
  /** The key's Connect schema (JsonConverter schema JSON); absent or null when schemaless. */
  keySchema?: ConnectSchema | null;
  /** The value's Connect schema (JsonConverter schema JSON); absent or null when schemaless. */
  valueSchema?: ConnectSchema | null;
  /** One value per key. */
  headers?: Headers;
  /** Every header in order, for a key that repeats; when given, it is written instead of `headers`. */
  headerList?: readonly HeaderEntry[];
  timestamp?: number;
  sourcePartition: SourcePartition;
  sourceOffset: SourceOffset;
  /**
   * 'json-text': key and value are written as their compact JSON text in UTF-8 (null as a null body) and headers as
   * UTF-8 strings, past the connector's transforms and converters, as a connector's own producer would write them
   * (Debezium's schema history topic). Absent or 'connect': converted like every record.
   */
  format?: 'connect' | 'json-text';
}

/** What a sink task receives in put(). */
export interface SinkRecord {
  topic: string;
  partition: number;
  /** The record's Kafka offset; exact up to 2^53 - 1. Beyond that `offsetText` holds it (see kafkaOffset). */
  offset: number;
  /** The offset as decimal text, present only when it is beyond Number.MAX_SAFE_INTEGER. */
  offsetText?: string;
  key: JsonValue;
  value: JsonValue;
  /** The key's Connect schema (JsonConverter schema JSON); null when schemaless. */
  keySchema?: ConnectSchema | null;
  /** The value's Connect schema (JsonConverter schema JSON); null when schemaless. */
  valueSchema?: ConnectSchema | null;
  /** One value per key (the last one when a key repeats); `headerList` has them all. */
  headers: Headers;
  /** Every header in order, present only when some key repeats (see headerValues). */
  headerList?: readonly HeaderEntry[];
  timestamp: number;
}

/** A topic-partition a sink task is assigned (open/close, context.assignment). */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Where Kafka wrote a source record (commitRecord): its topic, partition and offset (decimal text past 2^53). */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number | string;
}

/** Offsets per topic-partition, keyed "topic/partition"; the value is the next offset to consume. */
export type TopicPartitionOffsets = Record<string, number>;

/** A sink record's exact 64-bit Kafka offset. */
export function kafkaOffset(record: Pick<SinkRecord, 'offset' | 'offsetText'>): bigint {
  return BigInt(record.offsetText ?? record.offset);
}

/** Every value of header `key` on a sink record, in order (Kafka allows a key more than once). */
export function headerValues(record: Pick<SinkRecord, 'headers' | 'headerList'>, key: string): string[] {
  if (record.headerList !== undefined) return record.headerList.filter(([k]) => k === key).map(([, v]) => v);
  const v = record.headers[key];
  return v === undefined ? [] : [v];
}

/** The key of a topic-partition in TopicPartitionOffsets: "topic/partition". */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
