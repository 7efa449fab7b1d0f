/**
 * Schema history across restarts. Every history record is emitted as a source record to the schema history topic
 * (Debezium's record format, written as JSON text past the converters), and its source offset, under its own partition {server, history: "schema"}, carries
 * the whole list of history records so far. The worker commits that offset only after the record is durable, so
 * on restart `offsets.get` returns a history at least as new as the data offset; SchemaHistory.restore replays it
 * up to the data offset. Records re-read from the binlog after a resume are recognised by position and not added twice.
 */
import type { JsonValue, SourceOffset, SourcePartition, SourceRecord } from '@conveyor/sdk';
import { isSnapshotPosition } from '../schema/history.ts';
import type { HistoryRecord } from '../schema/history.ts';

export function historyPartition(prefix: string): SourcePartition {
  return { server: prefix, history: 'schema' };
}

export function decodeHistory(offset: SourceOffset | null): HistoryRecord[] {
  const list = offset?.['records'];
  if (!Array.isArray(list)) return [];
  return list as unknown as HistoryRecord[];
}

export class HistoryStore {
  readonly #prefix: string;
  readonly #topic: string;
  #records: HistoryRecord[];

  constructor(prefix: string, topic: string, restored: HistoryRecord[]) {
    this.#prefix = prefix;
    this.#topic = topic;
    this.#records = [...restored];
  }

  get records(): readonly HistoryRecord[] {
    return this.#records;
  }

  /** Drops everything (a new snapshot rebuilds the history). */
  reset(): void {
    this.#records = [];
  }

  /** Appends a record and returns the source record that stores it, or null when it is already stored. */
  append(r: HistoryRecord): SourceRecord | null {
    const same = (x: HistoryRecord): boolean => x.position.file === r.position.file && x.position.pos === r.position.pos && x.ddl === r.ddl && x.databaseName === r.databaseName && !isSnapshotPosition(x.position);
    if (!isSnapshotPosition(r.position) && this.#records.some(same)) return null;
    this.#records = [...this.#records, r];
    return {
      topic: this.#topic,
      key: null,
      value: r as unknown as JsonValue,
      // Debezium's own producer writes the record's JSON text, whatever the connector's converters.
      format: 'json-text',
      sourcePartition: historyPartition(this.#prefix),
      sourceOffset: { records: this.#records as unknown as JsonValue },
    };
  }
}
