/**
 * Schema history: every DDL statement with the binlog position it took effect at, recorded in Debezium's history
 * record format. Replaying the records up to a resume position gives each table's shape at that point, so binlog
 * events written before a later ALTER decode with the columns they were written with.
 */
import type { JsonValue } from '@conveyor/sdk';
import { applyDdl, isDdl } from '../ddl/parser.ts';
import type { TableChange } from '../ddl/parser.ts';
import { comparePositions } from '../offsets.ts';
import { cloneTable, tableId } from './table.ts';
import type { TableDef } from './table.ts';
import { quotedTableId, tableJson } from './table-json.ts';

export interface HistoryPosition {
  file: string;
  pos: number;
  gtids: string | null;
}

/** One record of the schema history topic. */
export interface HistoryRecord {
  source: { server: string };
  position: { file: string; pos: number; gtids?: string; snapshot?: boolean };
  ts_ms: number;
  databaseName: string;
  ddl: string;
  tableChanges: JsonValue[];
}

export function tableChangesJson(changes: readonly TableChange[]): JsonValue[] {
  return changes.map((c) => ({
    type: c.type,
    id: quotedTableId(c.db, c.table),
    table: c.def === null ? null : tableJson(c.def),
  }));
}

export class SchemaHistory {
  readonly #tables = new Map<string, TableDef>();
  readonly #server: string;

  constructor(server: string) {
    this.#server = server;
  }

  /** Replays stored records that took effect at or before `upTo` (all when null). */
  static restore(server: string, records: readonly HistoryRecord[], upTo: { file: string; pos: number } | null): SchemaHistory {
    const h = new SchemaHistory(server);
    for (const r of records) {
      if (upTo !== null && !r.position.snapshot && comparePositions(r.position, upTo) > 0) continue;
      applyDdl(r.ddl, r.databaseName, h.#tables);
    }
    return h;
  }

  table(db: string, table: string): TableDef | undefined {
    const t = this.#tables.get(tableId(db, table));
    return t === undefined ? undefined : cloneTable(t);
  }

  tables(): TableDef[] {
    return [...this.#tables.values()].map(cloneTable);
  }

  /**
   * Applies one statement. Returns the history record to store and the table changes, or null when the statement
   * is not DDL (DML in statement form, BEGIN, SAVEPOINT, ...).
   */
  apply(ddl: string, databaseName: string, position: HistoryPosition, tsMs: number, snapshot = false): { record: HistoryRecord; changes: TableChange[] } | null {
    if (!isDdl(ddl)) return null;
    const changes = applyDdl(ddl, databaseName, this.#tables);
    const pos: HistoryRecord['position'] = { file: position.file, pos: position.pos };
    if (position.gtids !== null) pos.gtids = position.gtids;
    if (snapshot) pos.snapshot = true;
    return {
      record: { source: { server: this.#server }, position: pos, ts_ms: tsMs, databaseName, ddl, tableChanges: tableChangesJson(changes) },
      changes,
    };
  }
}
