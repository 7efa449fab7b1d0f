import type { ConnectSchema } from './schema.ts';

/** A JSON-compatible value: what crosses the sandbox boundary in record keys, values and capability results. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Record headers: one string value per key. */
export type Headers = Record<string, string>;

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
  headers?: Headers;
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
  offset: number;
  key: JsonValue;
  value: JsonValue;
  /** The key's Connect schema (JsonConverter schema JSON); null when schemaless. */
  keySchema?: ConnectSchema | null;
  /** The value's Connect schema (JsonConverter schema JSON); null when schemaless. */
  valueSchema?: ConnectSchema | null;
  headers: Headers;
  timestamp: number;
}

/** Offsets per topic-partition, keyed "topic/partition"; the value is the next offset to consume. */
export type TopicPartitionOffsets = Record<string, number>;

/** The key of a topic-partition in TopicPartitionOffsets: "topic/partition". */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
