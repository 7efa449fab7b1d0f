/**
 * One record → one bulk operation (Confluent's DataConverter.convertRecord):
 * - null value: behavior.on.null.values ignore → skipped; fail → error; delete → `delete` by id (a null key
 *   has nothing to delete, so it is skipped);
 * - insert: `index` (data streams: `create`, with @timestamp);
 * - upsert: `update` with doc + doc_as_upsert and retry_on_conflict;
 * - with key-derived ids (key.ignore=false, not a data stream) index and delete carry version_type=external and
 *   version = the Kafka offset (or external.version.header), so a redelivered or older write is refused by
 *   Elasticsearch with a version conflict that counts as already applied.
 */
import type { JsonValue } from '@conveyor/sdk';
import { ignoresKey, ignoresSchema } from './config.ts';
import type { EsSinkConfig } from './config.ts';
import { toDocument } from './convert.ts';
import type { Document } from './convert.ts';
import { keyDocumentId, offsetDocumentId } from './document-id.ts';
import { dataError } from './errors.ts';
import type { IndexNameResolver } from './index-name.ts';
import type { EsSinkRecord } from './types.ts';

export type BulkAction = 'index' | 'create' | 'update' | 'delete';

export interface BulkOperation {
  readonly action: BulkAction;
  readonly index: string;
  readonly id: string;
  /** The metadata line, e.g. {"index": {"_index": "t", "_id": "1", "version": 7, "version_type": "external"}}. */
  readonly meta: { [key: string]: JsonValue };
  /** The source line; absent for deletes. */
  readonly body?: Document;
  /** True when a version conflict means this write (or a newer one) is already stored: external versions and data-stream creates with an id. */
  readonly conflictMeansApplied: boolean;
}

export type RecordPlan = { readonly kind: 'write'; readonly operation: BulkOperation } | { readonly kind: 'skip'; readonly reason: string };

export const TIMESTAMP_FIELD = '@timestamp';
const MAX_RETRY_ON_CONFLICT = 5;

export function planRecord(record: EsSinkRecord, config: EsSinkConfig, names: IndexNameResolver): RecordPlan {
  const where = `record from topic=${record.topic} partition=${record.partition} offset=${record.offset}`;
  if (record.value === null || record.value === undefined) {
    switch (config.behaviorOnNullValues) {
      case 'ignore':
        return { kind: 'skip', reason: 'null value ignored (behavior.on.null.values=ignore)' };
      case 'fail':
        throw dataError(`${where} has a null value (to ignore records like this set behavior.on.null.values=ignore, to delete their documents set it to delete)`);
      case 'delete':
        if (record.key === null || record.key === undefined) return { kind: 'skip', reason: 'null value with a null key: no document to delete' };
    }
  }
  const index = names.resolve(record.topic);
  const keyed = !ignoresKey(config, record.topic);
  const id = keyed ? keyDocumentId(record.key, record.keySchema) : offsetDocumentId(record.topic, record.partition, record.offset);
  const versioned = keyed && config.dataStream === null;
  const version = (): { version: number; version_type: 'external' } => ({ version: externalVersion(record, config), version_type: 'external' });

  if (record.value === null || record.value === undefined) {
    const meta = { _index: index, _id: id, ...(versioned ? version() : {}) };
    return write({ action: 'delete', index, id, meta: { delete: meta }, conflictMeansApplied: versioned });
  }
  const body = toDocument(record.value, ignoresSchema(config, record.topic) ? null : record.valueSchema, config);
  if (config.dataStream !== null) {
    const doc = withTimestamp(body, record, config.dataStream.timestampFields);
    return write({ action: 'create', index, id, meta: { create: { _index: index, _id: id } }, body: doc, conflictMeansApplied: true });
  }
  if (config.writeMethod === 'upsert') {
    const meta = { _index: index, _id: id, retry_on_conflict: Math.min(config.maxInFlightRequests, MAX_RETRY_ON_CONFLICT) };
    return write({ action: 'update', index, id, meta: { update: meta }, body: { doc: body, doc_as_upsert: true }, conflictMeansApplied: false });
  }
  return write({ action: 'index', index, id, meta: { index: { _index: index, _id: id, ...(versioned ? version() : {}) } }, body, conflictMeansApplied: versioned });
}

/** The two (or, for deletes, one) NDJSON lines of an operation, as the bulk API takes them. */
export function operationLines(op: BulkOperation): JsonValue[] {
  return op.body === undefined ? [op.meta] : [op.meta, op.body];
}

function write(operation: BulkOperation): RecordPlan {
  return { kind: 'write', operation };
}

function externalVersion(record: EsSinkRecord, config: EsSinkConfig): number {
  if (config.externalVersionHeader === null) return record.offset;
  const raw = record.headers[config.externalVersionHeader];
  const n = raw === undefined ? NaN : Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 0) {
    throw dataError(`header ${config.externalVersionHeader} of record at offset ${record.offset} is ${raw === undefined ? 'missing' : JSON.stringify(raw)}; external.version.header must name a header holding a non-negative integer`);
  }
  return n;
}

/** Data streams need @timestamp: the first configured field present in the document, else the record timestamp. */
function withTimestamp(doc: Document, record: EsSinkRecord, fields: readonly string[]): Document {
  for (const f of fields) {
    const v = doc[f];
    if (v !== undefined && v !== null) return { ...doc, [TIMESTAMP_FIELD]: v };
  }
  if (fields.length > 0) return doc;
  return { ...doc, [TIMESTAMP_FIELD]: record.timestamp };
}
