/**
 * Transaction metadata (provide.transaction.metadata=true), as Debezium writes it: each data event's `transaction`
 * block {id, total_order, data_collection_order} and BEGIN/END events on <topic.prefix>.<topic.transaction>, keyed by
 * the transaction id (the GTID; file:pos without one). BEGIN goes out before the transaction's first data event, END
 * at its commit with the event count per table (listed in the order of Debezium's HashMap); a transaction without
 * captured data events has neither.
 */
import type { JsonValue, SourceOffset, SourcePartition } from '@conveyor/sdk';
import { array, field, schema, struct } from '../types/connect.ts';
import type { ConnectSchema } from '../types/connect.ts';
import type { CdcRecord } from './change-events.ts';
import { javaHashMapOrder } from './java-hash-order.ts';

const KEY_SCHEMA: ConnectSchema = struct('io.debezium.connector.common.TransactionMetadataKey', false, [field('id', schema('string', false))], 1);

const VALUE_SCHEMA: ConnectSchema = struct('io.debezium.connector.common.TransactionMetadataValue', false, [
  field('status', schema('string', false)),
  field('id', schema('string', false)),
  field('event_count', schema('int64', true)),
  field('data_collections', array(struct('event.collection', true, [
    field('data_collection', schema('string', false)),
    field('event_count', schema('int64', false)),
  ], 1), true)),
  field('ts_ms', schema('int64', false)),
], 1);

export interface TransactionPlace {
  topic: string;
  partition: SourcePartition;
  offset: SourceOffset;
}

/** One transaction's counts: data events in all and per table (db.table), in the order they were emitted. */
export class TransactionState {
  readonly id: string;
  readonly beginMs: number;
  begun = false;
  #total = 0;
  readonly #perTable = new Map<string, number>();

  constructor(id: string, beginMs: number) {
    this.id = id;
    this.beginMs = beginMs;
  }

  /** Counts one data event of the table and returns its `transaction` block. */
  next(dataCollection: string): JsonValue {
    const n = (this.#perTable.get(dataCollection) ?? 0) + 1;
    this.#perTable.set(dataCollection, n);
    this.#total++;
    return { id: this.id, total_order: this.#total, data_collection_order: n };
  }

  begin(place: TransactionPlace): CdcRecord {
    this.begun = true;
    return record(this.id, place, { status: 'BEGIN', id: this.id, event_count: null, data_collections: null, ts_ms: this.beginMs });
  }

  end(place: TransactionPlace, tsMs: number): CdcRecord {
    const collections = javaHashMapOrder([...this.#perTable], ([dataCollection]) => dataCollection).map(([dataCollection, n]) => ({ data_collection: dataCollection, event_count: n }));
    return record(this.id, place, { status: 'END', id: this.id, event_count: this.#total, data_collections: collections, ts_ms: tsMs });
  }
}

function record(id: string, place: TransactionPlace, value: JsonValue): CdcRecord {
  return {
    topic: place.topic, keySchema: KEY_SCHEMA as unknown as JsonValue, key: { id }, valueSchema: VALUE_SCHEMA as unknown as JsonValue, value,
    sourcePartition: place.partition, sourceOffset: place.offset, contextHeaders: false,
  };
}
