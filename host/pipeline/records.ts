/**
 * Records crossing between the SDK's JSON shapes and Kafka Connect's data model. Schemas travel in the SDK as
 * JsonConverter's schema JSON and values as JsonConverter's payload JSON (base64 bytes and decimals, logical
 * dates and times as integers, non-string-keyed maps as [key, value] pairs), so the host can rebuild exact
 * Connect values from them and the sandbox never needs host objects.
 */
import type { KafkaHeaders } from '../kafka/messages.ts';
import type { ProducerRecord } from '../kafka/producer.ts';
import type { HeaderEntry, Headers, JsonValue, SinkRecord, SourceRecord } from '../../sdk/records.ts';
import type { ConnectSchema } from '../../sdk/schema.ts';
import type { JsonCodecOptions } from '../connect/converters/json-codec.ts';
import { asConnectSchema, asJsonSchema, convertToConnect, convertToJson } from '../connect/converters/json-codec.ts';
import { JsonNumber, JsonObject } from '../connect/converters/json-tree.ts';
import type { JsonTree } from '../connect/converters/json-tree.ts';
import { headerValueToString } from '../connect/converters/simple-header-converter.ts';
import { Schemas } from '../connect/data/schema.ts';
import type { Schema } from '../connect/data/types.ts';
import { DataError } from '../connect/errors.ts';
import { header } from '../connect/record.ts';
import type { Header, SinkRecord as ConnectSinkRecord, SourceRecord as ConnectSourceRecord } from '../connect/record.ts';

/** The options JsonConverter uses by default; the SDK's value JSON follows them. */
export const SDK_JSON: JsonCodecOptions = Object.freeze({ decimalFormat: 'BASE64', replaceNullWithDefault: true, int64Strings: true });

/** A source record as plugins return it: the SDK shape, whose optional schemas are JsonConverter schema JSON. */
export type SchemaSourceRecord = SourceRecord;

/**
 * A sink record as the pipeline hands it to a task: the SDK shape plus the schemas (JsonConverter schema JSON,
 * null when schemaless) and, when a transform renamed topic or partition, where the record was consumed from
 * (offsets reported back in preCommit are keyed by the original topic-partition).
 */
export interface SchemaSinkRecord extends SinkRecord {
  keySchema: ConnectSchema | null;
  valueSchema: ConnectSchema | null;
  originalTopic?: string;
  originalPartition?: number;
}

/** A JSON value as a JsonConverter tree (numbers keep their text, objects their key order). */
export function toJsonTree(v: JsonValue | undefined): JsonTree {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new DataError(`Cannot represent ${v} in JSON`);
    return new JsonNumber(Number.isInteger(v) && Math.abs(v) < 1e21 ? v.toFixed(0) : String(v));
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toJsonTree);
  return new JsonObject(Object.entries(v).map(([k, x]) => [k, toJsonTree(x)]));
}

/** A JsonConverter tree as a plain JSON value; integers beyond 2^53 lose precision, as in JSON.parse. */
export function fromJsonTree(t: JsonTree): JsonValue {
  if (t === null || typeof t === 'string' || typeof t === 'boolean') return t;
  if (t instanceof JsonNumber) return Number(t.text);
  if (Array.isArray(t)) return t.map(fromJsonTree);
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of t.entries) out[k] = fromJsonTree(v);
  return out;
}

export function schemaFromJson(json: ConnectSchema | null | undefined, what: string): Schema | null {
  if (json === undefined || json === null) return null;
  try {
    return asConnectSchema(toJsonTree(json as unknown as JsonValue), SDK_JSON);
  } catch (e) {
    throw new DataError(`Invalid ${what} on a source record: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Connect headers from the SDK's ordered entries, else its string map (string schema, as ConnectHeaders.addString). */
export function headersFromSdk(headers: Headers | undefined, list?: readonly HeaderEntry[]): Header[] {
  return (list ?? Object.entries(headers ?? {})).map(([k, v]) => header(k, Schemas.STRING, v));
}

/** The SDK record as a Connect SourceRecord; with a schema, the payload JSON is decoded exactly as JsonConverter would. */
export function sourceRecordToConnect(r: SchemaSourceRecord): ConnectSourceRecord {
  const keySchema = schemaFromJson(r.keySchema, 'keySchema');
  const valueSchema = schemaFromJson(r.valueSchema, 'valueSchema');
  const key = r.key ?? null;
  return {
    topic: r.topic,
    kafkaPartition: r.partition ?? null,
    keySchema,
    key: keySchema === null ? key : convertToConnect(keySchema, toJsonTree(key), SDK_JSON),
    valueSchema,
    value: valueSchema === null ? r.value : convertToConnect(valueSchema, toJsonTree(r.value), SDK_JSON),
    timestamp: r.timestamp ?? null,
    headers: headersFromSdk(r.headers, r.headerList),
    sourcePartition: r.sourcePartition,
    sourceOffset: r.sourceOffset,
  };
}

export function valueToSdk(schema: Schema | null, value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  return fromJsonTree(convertToJson(schema, value, SDK_JSON));
}

/**
 * The SDK's header map (the last value of a repeated key wins, as Headers.lastWithName) and, only when a key repeats,
 * the complete ordered list: a record without repeated keys carries nothing more.
 */
export function headersToSdk(headers: readonly Header[]): { map: Headers; list?: HeaderEntry[] } {
  const map: Headers = {};
  let repeated = false;
  for (const h of headers) {
    if (h.value === null || h.value === undefined) continue;
    if (!repeated && Object.hasOwn(map, h.key)) repeated = true;
    map[h.key] = headerValueToString(h.schema, h.value);
  }
  if (!repeated) return { map };
  const list: HeaderEntry[] = [];
  for (const h of headers) if (h.value !== null && h.value !== undefined) list.push([h.key, headerValueToString(h.schema, h.value)]);
  return { map, list };
}

const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** A transformed Connect sink record as the SDK record a task receives. */
export function connectToSdkSinkRecord(r: ConnectSinkRecord, consumed: { topic: string; partition: number; offset: bigint }): SchemaSinkRecord {
  const headers = headersToSdk(r.headers);
  const out: SchemaSinkRecord = {
    topic: r.topic,
    partition: r.kafkaPartition,
    offset: Number(consumed.offset),
    key: valueToSdk(r.keySchema, r.key),
    keySchema: r.keySchema === null ? null : (fromJsonTree(asJsonSchema(r.keySchema, SDK_JSON)) as unknown as ConnectSchema),
    value: valueToSdk(r.valueSchema, r.value),
    valueSchema: r.valueSchema === null ? null : (fromJsonTree(asJsonSchema(r.valueSchema, SDK_JSON)) as unknown as ConnectSchema),
    headers: headers.map,
    timestamp: r.timestamp ?? 0,
  };
  if (headers.list !== undefined) out.headerList = headers.list;
  if (consumed.offset > MAX_SAFE_OFFSET) out.offsetText = consumed.offset.toString();
  if (r.topic !== consumed.topic || r.kafkaPartition !== consumed.partition) {
    out.originalTopic = consumed.topic;
    out.originalPartition = consumed.partition;
  }
  return out;
}

/** Kafka header values (a Buffer, a string, null, or several of them) flattened in order. */
export function headerEntries(headers: KafkaHeaders): [string, Buffer | null][] {
  const out: [string, Buffer | null][] = [];
  for (const [k, v] of Object.entries(headers)) {
    const list = Array.isArray(v) ? v : [v];
    for (const x of list) out.push([k, x === undefined || x === null ? null : Buffer.isBuffer(x) ? x : Buffer.from(x, 'utf8')]);
  }
  return out;
}

/** A record the task wrote as JSON text (SourceRecord.format 'json-text'): no transforms, no converters. */
export function jsonTextRecord(r: SchemaSourceRecord): ProducerRecord {
  const text = (v: JsonValue | undefined): Buffer | null => (v === undefined || v === null ? null : Buffer.from(JSON.stringify(v), 'utf8'));
  const headers: KafkaHeaders = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = Buffer.from(v, 'utf8');
  return {
    topic: r.topic,
    key: text(r.key),
    value: text(r.value),
    headers,
    ...(r.partition === undefined ? {} : { partition: r.partition }),
    ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }),
  };
}
