/**
 * Turns binlog events into change records: table filters, the table's shape from the schema history, offsets that
 * count what of the current transaction was emitted, and on resume the skipping of exactly that.
 */
import type { SourceOffset } from '@conveyor/sdk';
import type { BinlogEvent, RowsEvent, QueryEvent } from './binlog-events.ts';
import type { CdcConfig } from './config.ts';
import { changeRecords } from './events/change-events.ts';
import type { CdcRecord, Op } from './events/change-events.ts';
import { FLAVOURS } from './events/flavour.ts';
import { TransactionState } from './events/transaction.ts';
import { schemaChangeRecord } from './events/schema-change.ts';
import type { SnapshotMarker, SourceInfo } from './events/source-info.ts';
import { buildTableSchema } from './events/table-schema.ts';
import type { HostRow, TableSchema } from './events/table-schema.ts';
import { tableFilter } from './filters.ts';
import type { TableFilter } from './filters.ts';
import { addGtid } from './gtid.ts';
import { encodeOffset, sourcePartition } from './offsets.ts';
import type { CdcOffset } from './offsets.ts';
import type { HistoryPosition, HistoryRecord, SchemaHistory } from './schema/history.ts';
import { tableId } from './schema/table.ts';

export interface ProcessResult {
  records: CdcRecord[];
  /** Schema history records to append (before the records are produced). */
  history: HistoryRecord[];
}

export class UnknownTableError extends Error {
  constructor(db: string, table: string) {
    super(`binlog has row events for ${db}.${table}, whose definition is not in the schema history; the history topic is missing or incomplete: restart with snapshot.mode=recovery to rebuild it`);
    this.name = 'UnknownTableError';
  }
}

const OPS: Record<RowsEvent['op'], Op> = { insert: 'c', update: 'u', delete: 'd' };

export class ChangeEventProcessor {
  readonly #config: CdcConfig;
  readonly #filter: TableFilter;
  readonly #history: SchemaHistory;
  readonly #schemas = new Map<string, TableSchema>();
  #offset: CdcOffset;
  /** Row events of the current transaction seen so far, and events/rows to skip after a resume. */
  #eventInTx = 0;
  #skipEvents: number;
  #skipRows: number;
  /** The transaction in progress, when transaction metadata is provided. */
  #tx: TransactionState | null = null;
  /**
   * The binlog time of the last event before the current transaction: Debezium stamps a BEGIN with it (its source
   * time is not yet the transaction's own). Null until this processor saw one; then the transaction's own time.
   */
  #previousEventMs: number | null = null;
  #lastEventMs: number | null = null;

  constructor(config: CdcConfig, history: SchemaHistory, start: CdcOffset) {
    this.#config = config;
    this.#filter = tableFilter(config);
    this.#history = history;
    this.#offset = { ...start, snapshot: false, snapshotCompleted: true };
    this.#skipEvents = start.event;
    this.#skipRows = start.row;
  }

  get offset(): CdcOffset {
    return { ...this.#offset };
  }

  tableSchema(db: string, table: string): TableSchema | null {
    const id = tableId(db, table);
    const cached = this.#schemas.get(id);
    if (cached) return cached;
    const def = this.#history.table(db, table);
    if (!def) return null;
    const ts = buildTableSchema(this.#config.topicPrefix, def, this.#config, (col) => this.#filter.includeColumn(db, table, col));
    this.#schemas.set(id, ts);
    return ts;
  }

  #source(e: { timestamp: number; serverId: number; gtid: string | null; file: string; pos: number }, db: string, table: string | null, row: number, extra: { thread?: number | null; query?: string | null; snapshot?: SnapshotMarker } = {}): SourceInfo {
    return {
      flavour: FLAVOURS[this.#config.flavour], name: this.#config.topicPrefix, tsMs: e.timestamp, snapshot: extra.snapshot ?? 'false', db, table, serverId: e.serverId, gtid: e.gtid,
      file: e.file, pos: e.pos, row, thread: extra.thread ?? null, query: this.#config.includeQuery ? (extra.query ?? null) : null,
    };
  }

  #encoded(): SourceOffset {
    return encodeOffset(this.#offset);
  }

  handle(event: BinlogEvent, nowMs: number): ProcessResult {
    if (event.kind === 'begin' || event.kind === 'query') this.#previousEventMs = this.#lastEventMs;
    if (event.kind !== 'rotate' && event.kind !== 'heartbeat' && event.kind !== 'begin') this.#lastEventMs = event.timestamp;
    switch (event.kind) {
      case 'rotate':
      case 'heartbeat':
        if (this.#eventInTx === 0 && this.#skipEvents === 0) this.#offset = { ...this.#offset, file: event.file, pos: event.pos };
        return { records: [], history: [] };
      case 'begin':
        this.#eventInTx = 0;
        this.#offset = { ...this.#offset, file: event.file, pos: event.pos, event: 0, row: 0 };
        if (this.#config.provideTransactionMetadata) this.#tx = new TransactionState(event.gtid ?? `${event.file}:${event.pos}`, this.#previousEventMs ?? event.timestamp);
        return { records: [], history: [] };
      case 'rows':
        return { records: this.#rows(event, nowMs), history: [] };
      case 'commit': {
        this.#committed(event.file, event.nextPos, event.gtid, event.timestamp);
        const tx = this.#tx;
        this.#tx = null;
        return { records: tx?.begun ? [tx.end(this.#txPlace(), event.timestamp)] : [], history: [] };
      }
      case 'query':
        return this.#query(event);
    }
  }

  #committed(file: string, nextPos: number, gtid: string | null, timestamp: number): void {
    this.#eventInTx = 0;
    this.#skipEvents = 0;
    this.#skipRows = 0;
    this.#offset = {
      ...this.#offset, file, pos: nextPos, event: 0, row: 0, tsSec: Math.floor(timestamp / 1000),
      gtids: gtid === null ? this.#offset.gtids : addGtid(this.#offset.gtids, gtid),
    };
  }

  #txPlace(): { topic: string; partition: ReturnType<typeof sourcePartition>; offset: SourceOffset } {
    return { topic: this.#config.transactionTopic, partition: sourcePartition(this.#config.topicPrefix), offset: this.#encoded() };
  }

  #rows(e: RowsEvent, nowMs: number): CdcRecord[] {
    const index = this.#eventInTx++;
    this.#offset = { ...this.#offset, file: e.txFile, pos: e.txPos, serverId: e.serverId, tsSec: Math.floor(e.timestamp / 1000) };
    if (!this.#filter.includeTable(e.db, e.table)) return [];
    const tx = this.#tx;
    const dataCollection = tableId(e.db, e.table);
    const skipRows = index < this.#skipEvents ? e.rows.length : index === this.#skipEvents ? this.#skipRows : 0;
    if (tx !== null) this.#countSkipped(tx, dataCollection, e, skipRows);
    if (skipRows >= e.rows.length) return [];
    const ts = this.tableSchema(e.db, e.table);
    if (ts === null) throw new UnknownTableError(e.db, e.table);
    const out: CdcRecord[] = [];
    e.rows.forEach((r, i) => {
      if (i < skipRows) return;
      this.#offset = { ...this.#offset, event: index, row: i + 1 };
      if (tx !== null && !tx.begun) out.push(tx.begin(this.#txPlace()));
      const source = this.#source(e, e.db, e.table, i, { thread: e.thread, query: e.query });
      out.push(...changeRecords(ts, OPS[e.op], r.before, r.after, {
        source, nowMs, partition: sourcePartition(this.#config.topicPrefix), offset: this.#encoded(), tombstonesOnDelete: this.#config.tombstonesOnDelete,
        ...(tx === null ? {} : { transaction: () => tx.next(dataCollection) }),
      }));
    });
    return out;
  }

  /**
   * After a resume inside a transaction, the rows emitted before the restart still count: the orders continue and the
   * BEGIN (already sent) is not repeated.
   */
  #countSkipped(tx: TransactionState, dataCollection: string, e: RowsEvent, skipRows: number): void {
    for (let i = 0; i < skipRows && i < e.rows.length; i++) {
      const r = e.rows[i]!;
      tx.begun = true;
      const keyChange = e.op === 'update' && r.before !== null && r.after !== null && this.tableSchema(e.db, e.table)?.keyChanged(r.before, r.after) === true;
      tx.next(dataCollection);
      if (keyChange) tx.next(dataCollection);
    }
  }

  #query(e: QueryEvent): ProcessResult {
    const upper = e.sql.trim().toUpperCase();
    if (upper === 'BEGIN' || upper === 'COMMIT') return { records: [], history: [] };
    const before = this.#offset.gtids;
    const position: HistoryPosition = {
      ...(this.#config.provideTransactionMetadata && e.gtid !== null ? { transaction_id: e.gtid } : {}),
      ts_sec: Math.floor(e.timestamp / 1000), file: e.file, pos: e.pos, ...(before === null ? {} : { gtids: before }), server_id: e.serverId, event: 1,
    };
    const applied = this.#history.apply(e.sql, e.db, position, e.timestamp);
    this.#committed(e.file, e.nextPos, e.gtid, e.timestamp);
    if (applied === null) return { records: this.#truncateBegin(e), history: [] };
    for (const c of applied.changes) {
      this.#schemas.delete(tableId(c.db, c.table));
      if (c.previousId) this.#schemas.delete(c.previousId);
    }
    // As Debezium: schema changes of every table of a captured database, captured or not.
    const relevant = applied.changes.filter((c) => this.#filter.includeDatabase(c.db));
    const captured = applied.changes.some((c) => this.#filter.includeTable(c.db, c.table));
    const dbRelevant = e.db === '' || this.#filter.includeDatabase(e.db);
    if (!this.#config.includeSchemaChanges || (applied.changes.length > 0 ? relevant.length === 0 : !dbRelevant)) return { records: [], history: [applied.record] };
    const { databaseName, ddl } = applied.record;
    // Debezium's schema-change source names the statement's own event and no thread.
    const source = this.#source({ ...e, pos: e.statementPos ?? e.pos }, databaseName, relevant[0]?.table ?? null, 0);
    const record = schemaChangeRecord(databaseName, ddl, relevant, { prefix: this.#config.topicPrefix, source, partition: sourcePartition(this.#config.topicPrefix), offset: this.#encoded() });
    return { records: [...this.#ddlBegin(e, captured), record], history: [applied.record] };
  }

  /** Debezium 3.5's transaction monitor sees a DDL of a captured table as a transaction that begins and never ends. */
  #ddlBegin(e: QueryEvent, captured: boolean): CdcRecord[] {
    if (!this.#config.provideTransactionMetadata || !captured) return [];
    return [new TransactionState(e.gtid ?? `${e.file}:${e.pos}`, this.#previousEventMs ?? e.timestamp).begin(this.#txPlace())];
  }

  /**
   * Debezium 3.5 hands a TRUNCATE of a captured table to its transaction monitor as a data event before
   * skipped.operations drops it: a BEGIN goes out for the statement's GTID, and no END (no commit event follows).
   */
  #truncateBegin(e: QueryEvent): CdcRecord[] {
    if (!this.#config.provideTransactionMetadata) return [];
    const m = /^\s*TRUNCATE\s+(?:TABLE\s+)?(?:`?([^`.\s]+)`?\.)?`?([^`\s;]+)`?/i.exec(e.sql);
    if (!m || !this.#filter.includeTable(m[1] ?? e.db, m[2]!)) return [];
    return [new TransactionState(e.gtid ?? `${e.file}:${e.pos}`, this.#previousEventMs ?? e.timestamp).begin(this.#txPlace())];
  }

  /**
   * op=r records for snapshot rows, all carrying the snapshot's one binlog position. As in Debezium, their source names
   * no server (server_id 0) and its ts_ms is the read time in whole seconds.
   */
  snapshotRecords(db: string, table: string, rows: readonly HostRow[], marker: (i: number) => SnapshotMarker, position: CdcOffset, nowMs: number): CdcRecord[] {
    const ts = this.tableSchema(db, table);
    if (ts === null) throw new UnknownTableError(db, table);
    const offset = encodeOffset({ ...position, snapshot: true, snapshotCompleted: false });
    return rows.flatMap((row, i) => {
      const m = marker(i);
      const source = this.#source({ timestamp: Math.floor(nowMs / 1000) * 1000, serverId: 0, gtid: null, file: position.file, pos: position.pos }, db, table, 0, { snapshot: m });
      const off = m === 'last' ? encodeOffset({ ...position, snapshot: true, snapshotCompleted: true }) : offset;
      return changeRecords(ts, 'r', null, row, { source, nowMs, partition: sourcePartition(this.#config.topicPrefix), offset: off, tombstonesOnDelete: false });
    });
  }
}
