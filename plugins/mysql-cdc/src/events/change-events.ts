/**
 * Change records as Debezium writes them: key = primary-key struct, value = envelope (before, after, source, op, ts_*),
 * a tombstone after each delete, and a primary-key change split into delete (+ tombstone) and create.
 */
import type { JsonValue, SourceOffset, SourcePartition } from '@conveyor/sdk';
import { micros, nanos, sourceValue } from './source-info.ts';
import type { SourceInfo } from './source-info.ts';
import type { HostRow, TableSchema } from './table-schema.ts';

export type Op = 'c' | 'u' | 'd' | 'r';

/** A SourceRecord with its Connect schemas (JsonConverter schema format) alongside key and value. */
export interface CdcRecord {
  topic: string;
  keySchema: JsonValue;
  key: JsonValue;
  valueSchema: JsonValue;
  value: JsonValue;
  headers?: Record<string, string>;
  /** False for records Debezium sends without the __debezium.context.* headers (transaction metadata). */
  contextHeaders?: false;
  sourcePartition: SourcePartition;
  sourceOffset: SourceOffset;
}

export interface ChangeContext {
  source: SourceInfo;
  /** Connector processing time, the envelope's ts_ms. */
  nowMs: number;
  partition: SourcePartition;
  offset: SourceOffset;
  tombstonesOnDelete: boolean;
  /** The next data event's `transaction` block, when transaction metadata is provided. */
  transaction?: () => JsonValue;
}

const asJson = (v: unknown): JsonValue => v as JsonValue;

function envelope(ts: TableSchema, op: Op, before: JsonValue, after: JsonValue, ctx: ChangeContext): CdcRecord {
  const key = ts.key((after ?? before) as HostRow);
  return {
    topic: ts.topic,
    keySchema: asJson(ts.keySchema),
    key,
    valueSchema: asJson(ts.envelopeSchema),
    value: {
      before,
      after,
      source: sourceValue(ctx.source),
      transaction: ctx.transaction?.() ?? null,
      op,
      ts_ms: ctx.nowMs,
      ts_us: micros(ctx.nowMs),
      ts_ns: nanos(ctx.nowMs),
    },
    sourcePartition: ctx.partition,
    sourceOffset: ctx.offset,
  };
}

/** The null-valued record after a delete; it carries the delete's headers (a key change's __debezium.newkey). */
export function tombstone(ts: TableSchema, key: JsonValue, ctx: ChangeContext, headers?: Record<string, string>): CdcRecord {
  return {
    topic: ts.topic, keySchema: asJson(ts.keySchema), key, valueSchema: null, value: null, ...(headers ? { headers } : {}),
    sourcePartition: ctx.partition, sourceOffset: ctx.offset,
  };
}

/**
 * The records of one row change. Rows are host rows (column → host value); `before` is null for inserts and
 * snapshot reads, `after` null for deletes.
 */
export function changeRecords(ts: TableSchema, op: Op, before: HostRow | null, after: HostRow | null, ctx: ChangeContext): CdcRecord[] {
  const b = before === null ? null : ts.value(before);
  const a = after === null ? null : ts.value(after, op === 'r');
  if (op === 'd') {
    const del = { ...envelope(ts, 'd', b, null, ctx), key: ts.key(before ?? {}) };
    return ctx.tombstonesOnDelete ? [del, tombstone(ts, del.key, ctx)] : [del];
  }
  if (op === 'u' && before !== null && after !== null && ts.keyChanged(before, after)) {
    const oldKey = ts.key(before);
    const newKey = ts.key(after);
    const del = { ...envelope(ts, 'd', b, null, ctx), key: oldKey, headers: { '__debezium.newkey': JSON.stringify(newKey) } };
    const create = { ...envelope(ts, 'c', null, a, ctx), key: newKey, headers: { '__debezium.oldkey': JSON.stringify(oldKey) } };
    return ctx.tombstonesOnDelete ? [del, tombstone(ts, oldKey, ctx, del.headers), create] : [del, create];
  }
  return [envelope(ts, op, b, a, ctx)];
}
