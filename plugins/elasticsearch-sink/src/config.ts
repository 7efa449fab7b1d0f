/**
 * The Elasticsearch sink's configuration: Confluent's keys and defaults (kafka-connect-elasticsearch), parsed by
 * the SDK's ConfigDef, then cross-checked and normalised into a frozen EsSinkConfig.
 */
import type { ConfigDefinition, ConfigValues, Password } from '@conveyor/sdk';
import { EsSinkError, EsSinkErrorCode } from './errors.ts';

export const CONNECTOR_CLASS = 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector';
export const CONNECTOR_ALIASES = ['ElasticsearchSinkConnector', 'ElasticsearchSink'] as const;

/** Confluent compares these enums case-insensitively; both spellings are listed so the host can check them. */
const either = (values: readonly string[]): readonly string[] => [...values.map((v) => v.toLowerCase()), ...values.map((v) => v.toUpperCase())];
const NULL_VALUES = ['ignore', 'delete', 'fail'] as const;
const MALFORMED = ['ignore', 'warn', 'fail'] as const;
const WRITE_METHODS = ['insert', 'upsert'] as const;
const DATA_STREAM_TYPES = ['none', 'logs', 'metrics'] as const;

const nonNegative = [{ kind: 'range', min: 0 }] as const;
const positive = [{ kind: 'range', min: 1 }] as const;

export const ES_SINK_CONFIG = [
  { name: 'connection.url', type: 'list', importance: 'high', group: 'Connector', documentation: 'Elasticsearch HTTP URLs, e.g. http://eshost1:9200,http://eshost2:9200.', validators: [{ kind: 'nonEmpty' }] },
  { name: 'connection.username', type: 'string', default: null, importance: 'medium', group: 'Connector', documentation: 'Username for basic authentication; used only when connection.password is set too.' },
  { name: 'connection.password', type: 'password', default: null, importance: 'medium', group: 'Connector', documentation: 'Password for basic authentication; used only when connection.username is set too.' },
  { name: 'connection.timeout.ms', type: 'int', default: 1000, importance: 'low', group: 'Connector', documentation: 'How long to wait when connecting to Elasticsearch.', validators: nonNegative },
  { name: 'read.timeout.ms', type: 'int', default: 3000, importance: 'low', group: 'Connector', documentation: 'How long to wait for a response from Elasticsearch.', validators: nonNegative },
  { name: 'batch.size', type: 'int', default: 2000, importance: 'medium', group: 'Connector', documentation: 'Records per bulk request.', validators: [{ kind: 'range', min: 1, max: 1000000 }] },
  { name: 'bulk.size.bytes', type: 'long', default: 5242880, importance: 'low', group: 'Connector', documentation: 'Bytes per bulk request (approximate, from the JSON of its lines); -1 disables the limit.', validators: [{ kind: 'range', min: -1 }] },
  { name: 'max.in.flight.requests', type: 'int', default: 5, importance: 'medium', group: 'Connector', documentation: 'Bulk requests in flight at once before put() waits.', validators: [{ kind: 'range', min: 1, max: 1000 }] },
  { name: 'max.buffered.records', type: 'int', default: 20000, importance: 'low', group: 'Connector', documentation: 'Records buffered (queued or in flight) before put() waits.', validators: positive },
  { name: 'linger.ms', type: 'long', default: 1, importance: 'low', group: 'Connector', documentation: 'How long a partial batch waits for more records before it is sent.', validators: [{ kind: 'range', min: 0, max: 604800000 }] },
  { name: 'flush.timeout.ms', type: 'long', default: 180000, importance: 'low', group: 'Connector', documentation: 'How long flush and a full buffer may wait before the task fails.', validators: [{ kind: 'range', min: 1000, max: 604800000 }] },
  { name: 'flush.synchronously', type: 'boolean', default: false, importance: 'low', group: 'Connector', documentation: 'When true, each offset commit waits until every buffered record is acknowledged by Elasticsearch; when false, it commits what has been acknowledged so far and lets the rest follow.' },
  { name: 'max.retries', type: 'int', default: 5, importance: 'low', group: 'Connector', documentation: 'Retries of a failed bulk request or item before the task fails.', validators: nonNegative },
  { name: 'retry.backoff.ms', type: 'long', default: 100, importance: 'low', group: 'Connector', documentation: 'First retry delay; it doubles per attempt (with jitter) up to a cap.', validators: [{ kind: 'range', min: 0, max: 86400000 }] },
  { name: 'key.ignore', type: 'boolean', default: false, importance: 'high', group: 'Data Conversion', documentation: 'Use topic+partition+offset as the document id instead of the record key.' },
  { name: 'topic.key.ignore', type: 'list', default: [], importance: 'low', group: 'Data Conversion', documentation: 'Topics for which key.ignore is true.' },
  { name: 'schema.ignore', type: 'boolean', default: false, importance: 'low', group: 'Data Conversion', documentation: 'Do not create mappings from record schemas; Elasticsearch maps fields dynamically.' },
  { name: 'topic.schema.ignore', type: 'list', default: [], importance: 'low', group: 'Data Conversion', documentation: 'Topics for which schema.ignore is true.' },
  { name: 'compact.map.entries', type: 'boolean', default: true, importance: 'low', group: 'Data Conversion', documentation: 'Write maps with string keys as {"entryKey": value} rather than [{"key": .., "value": ..}].' },
  { name: 'drop.invalid.message', type: 'boolean', default: false, importance: 'low', group: 'Data Conversion', documentation: 'Drop records that cannot be converted into documents instead of failing.' },
  { name: 'behavior.on.null.values', type: 'string', default: 'FAIL', importance: 'low', group: 'Data Conversion', documentation: 'Records with a null value (tombstones): ignore, delete the document with that id, or fail.', validators: [{ kind: 'oneOf', values: either(NULL_VALUES) }], recommendedValues: NULL_VALUES },
  { name: 'behavior.on.malformed.documents', type: 'string', default: 'FAIL', importance: 'low', group: 'Data Conversion', documentation: 'Documents Elasticsearch rejects as malformed (mapping conflicts, parse errors): ignore, warn, or fail. Ignored and warned documents go to the dead-letter queue when one is configured.', validators: [{ kind: 'oneOf', values: either(MALFORMED) }], recommendedValues: MALFORMED },
  { name: 'write.method', type: 'string', default: 'INSERT', importance: 'low', group: 'Data Conversion', documentation: 'insert indexes whole documents; upsert updates them (doc_as_upsert).', validators: [{ kind: 'oneOf', values: either(WRITE_METHODS) }], recommendedValues: WRITE_METHODS },
  { name: 'external.version.header', type: 'string', default: '', importance: 'low', group: 'Data Conversion', documentation: 'Header whose integer value is the external document version instead of the Kafka offset.' },
  { name: 'topic.to.external.resource.mapping', type: 'list', default: [], importance: 'low', group: 'Data Stream', documentation: 'topic:index pairs naming the index (or data stream) of a topic.' },
  { name: 'auto.create.indices.at.start', type: 'boolean', default: true, importance: 'low', group: 'Connector', documentation: 'Create the indices of mapped topics when the task starts; others are created on first use.' },
  { name: 'data.stream.type', type: 'string', default: 'NONE', importance: 'low', group: 'Data Stream', documentation: 'logs or metrics to write to data streams named <type>-<dataset>-<namespace>; none writes to indices.', validators: [{ kind: 'oneOf', values: either(DATA_STREAM_TYPES) }], recommendedValues: DATA_STREAM_TYPES },
  { name: 'data.stream.dataset', type: 'string', default: '', importance: 'low', group: 'Data Stream', documentation: 'Dataset part of the data stream name: lowercase, at most 100 characters, none of \\/*?"<>|,#:- or spaces.' },
  { name: 'data.stream.namespace', type: 'string', default: '${topic}', importance: 'low', group: 'Data Stream', documentation: 'Namespace part of the data stream name; ${topic} is replaced by the topic.' },
  { name: 'data.stream.timestamp.field', type: 'list', default: [], importance: 'low', group: 'Data Stream', documentation: 'Value fields copied into @timestamp, first present wins; by default the record timestamp.' },
] as const satisfies ConfigDefinition;

/** The sink's parsed config, typed key by key. */
export type EsSinkConfigValues = ConfigValues<typeof ES_SINK_CONFIG>;

export type NullValueBehavior = (typeof NULL_VALUES)[number];
export type MalformedBehavior = (typeof MALFORMED)[number];
export type WriteMethod = (typeof WRITE_METHODS)[number];
export type DataStreamType = (typeof DATA_STREAM_TYPES)[number];

export interface EsSinkConfig {
  readonly connectionUrls: readonly string[];
  readonly username: string | null;
  /** Hidden from logs and JSON: only the connect call reads its value(). */
  readonly password: Password | null;
  readonly connectionTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly batchSize: number;
  readonly bulkSizeBytes: number;
  readonly maxInFlightRequests: number;
  readonly maxBufferedRecords: number;
  readonly lingerMs: number;
  readonly flushTimeoutMs: number;
  readonly flushSynchronously: boolean;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly keyIgnore: boolean;
  readonly topicKeyIgnore: ReadonlySet<string>;
  readonly schemaIgnore: boolean;
  readonly topicSchemaIgnore: ReadonlySet<string>;
  readonly compactMapEntries: boolean;
  readonly dropInvalidMessage: boolean;
  readonly behaviorOnNullValues: NullValueBehavior;
  readonly behaviorOnMalformedDocuments: MalformedBehavior;
  readonly writeMethod: WriteMethod;
  readonly externalVersionHeader: string | null;
  readonly topicToIndex: ReadonlyMap<string, string>;
  readonly autoCreateIndicesAtStart: boolean;
  readonly dataStream: { readonly type: Exclude<DataStreamType, 'none'>; readonly dataset: string; readonly namespace: string; readonly timestampFields: readonly string[] } | null;
}

const DATASET_FORBIDDEN = /[\\/*?"<>|,#:\s-]/;

/** Cross-key checks Confluent's validator makes; key → messages naming the key and the fix. */
export function validateEsSinkConfig(c: EsSinkConfigValues): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, msg: string): void => {
    (errors[key] ??= []).push(msg);
  };
  for (const url of c['connection.url']) {
    if (!/^https?:\/\/[^\s/]+/.test(url)) add('connection.url', `connection.url entry "${url}" is not an http(s) URL; write it as http://host:9200`);
  }
  if ((c['connection.username'] === null) !== (c['connection.password'] === null)) {
    const missing = c['connection.username'] === null ? 'connection.username' : 'connection.password';
    add(missing, `${missing} must be set together with ${missing === 'connection.username' ? 'connection.password' : 'connection.username'}, or neither`);
  }
  const buffered = c['max.buffered.records'];
  const needed = c['batch.size'] * c['max.in.flight.requests'];
  if (buffered < needed) {
    add('max.buffered.records', `max.buffered.records (${buffered}) must be at least batch.size * max.in.flight.requests (${needed}); raise it or lower batch.size`);
  }
  if (c['linger.ms'] > c['flush.timeout.ms']) add('linger.ms', `linger.ms (${c['linger.ms']}) must not exceed flush.timeout.ms (${c['flush.timeout.ms']}); lower linger.ms`);
  for (const pair of c['topic.to.external.resource.mapping']) {
    const [topic, index, ...rest] = pair.split(':');
    if (rest.length > 0 || topic === undefined || topic === '' || index === undefined || index === '') {
      add('topic.to.external.resource.mapping', `topic.to.external.resource.mapping entry "${pair}" must be topic:index`);
    }
  }
  const type = c['data.stream.type'].toLowerCase();
  const dataset = c['data.stream.dataset'];
  if (type !== 'none' || dataset !== '') {
    if (type === 'none') add('data.stream.type', 'data.stream.type must be logs or metrics when data.stream.dataset is set; set both or neither');
    if (dataset === '') add('data.stream.dataset', 'data.stream.dataset must be set when data.stream.type is logs or metrics; set both or neither');
    if (dataset.length > 100 || dataset !== dataset.toLowerCase() || DATASET_FORBIDDEN.test(dataset)) {
      add('data.stream.dataset', 'data.stream.dataset must be lowercase, at most 100 characters, without spaces or any of \\/*?"<>|,#:-');
    }
    if (c['write.method'].toLowerCase() === 'upsert') add('write.method', 'write.method=upsert cannot write to data streams (append-only); use insert or unset data.stream.*');
    if (c['behavior.on.null.values'].toLowerCase() === 'delete') add('behavior.on.null.values', 'behavior.on.null.values=delete cannot delete from data streams; use ignore or fail, or unset data.stream.*');
  }
  return errors;
}

/** Turns a parsed config into the frozen internal form; throws one error listing every problem. */
export function normalizeConfig(c: EsSinkConfigValues): EsSinkConfig {
  const problems = Object.values(validateEsSinkConfig(c)).flat();
  if (problems.length > 0) throw new EsSinkError(EsSinkErrorCode.configInvalid, problems.join('; '));
  const type = c['data.stream.type'].toLowerCase() as DataStreamType;
  const versionHeader = c['external.version.header'];
  return Object.freeze({
    connectionUrls: Object.freeze([...c['connection.url']]),
    username: c['connection.username'],
    password: c['connection.password'],
    connectionTimeoutMs: c['connection.timeout.ms'],
    readTimeoutMs: c['read.timeout.ms'],
    batchSize: c['batch.size'],
    bulkSizeBytes: c['bulk.size.bytes'],
    maxInFlightRequests: c['max.in.flight.requests'],
    maxBufferedRecords: c['max.buffered.records'],
    lingerMs: c['linger.ms'],
    flushTimeoutMs: c['flush.timeout.ms'],
    flushSynchronously: c['flush.synchronously'],
    maxRetries: c['max.retries'],
    retryBackoffMs: c['retry.backoff.ms'],
    keyIgnore: c['key.ignore'],
    topicKeyIgnore: new Set(c['topic.key.ignore']),
    schemaIgnore: c['schema.ignore'],
    topicSchemaIgnore: new Set(c['topic.schema.ignore']),
    compactMapEntries: c['compact.map.entries'],
    dropInvalidMessage: c['drop.invalid.message'],
    behaviorOnNullValues: c['behavior.on.null.values'].toLowerCase() as NullValueBehavior,
    behaviorOnMalformedDocuments: c['behavior.on.malformed.documents'].toLowerCase() as MalformedBehavior,
    writeMethod: c['write.method'].toLowerCase() as WriteMethod,
    externalVersionHeader: versionHeader === '' ? null : versionHeader,
    topicToIndex: new Map(c['topic.to.external.resource.mapping'].map((p) => p.split(':') as [string, string])),
    autoCreateIndicesAtStart: c['auto.create.indices.at.start'],
    dataStream:
      type === 'none'
        ? null
        : Object.freeze({ type, dataset: c['data.stream.dataset'], namespace: c['data.stream.namespace'], timestampFields: Object.freeze([...c['data.stream.timestamp.field']]) }),
  });
}

export function ignoresKey(config: EsSinkConfig, topic: string): boolean {
  return config.keyIgnore || config.topicKeyIgnore.has(topic);
}

export function ignoresSchema(config: EsSinkConfig, topic: string): boolean {
  return config.schemaIgnore || config.topicSchemaIgnore.has(topic);
}
