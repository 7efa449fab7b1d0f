/**
 * Reads a consistent snapshot through the mysql capability in chunks and hands out rows with Debezium's snapshot
 * markers (first, first_in_data_collection, last_in_data_collection, last, true). One row is held back until the
 * next is known, so the very last row of the snapshot (whatever table it is in) is marked `last`.
 */
import type { MysqlCapability, MysqlSnapshot, MysqlSnapshotTable } from '@conveyor/sdk';
import type { SnapshotMarker } from '../events/source-info.ts';
import type { HostRow } from '../events/table-schema.ts';

export interface SnapshotItem {
  db: string;
  table: string;
  row: HostRow;
  marker: SnapshotMarker;
}

interface Pending {
  db: string;
  table: string;
  row: HostRow;
  firstInTable: boolean;
  lastInTable: boolean;
}

export class SnapshotReader {
  readonly #mysql: MysqlCapability;
  readonly #snapshot: MysqlSnapshot;
  readonly #fetchSize: number;
  readonly #queue: Pending[] = [];
  #tableIdx = 0;
  #emitted = 0;
  #closed = false;

  constructor(mysql: MysqlCapability, snapshot: MysqlSnapshot, fetchSize: number) {
    this.#mysql = mysql;
    this.#snapshot = snapshot;
    this.#fetchSize = fetchSize;
  }

  get tables(): readonly MysqlSnapshotTable[] {
    return this.#snapshot.tables;
  }

  get rowsEmitted(): number {
    return this.#emitted;
  }

  /** Tables read to their end (their last rows may still be queued). */
  get tablesRead(): number {
    return this.#tableIdx;
  }

  /** True once every table was read (rows may still be queued). */
  get exhausted(): boolean {
    return this.#tableIdx >= this.#snapshot.tables.length;
  }

  get finished(): boolean {
    return this.exhausted && this.#queue.length === 0;
  }

  /** Up to max rows; an empty array once the snapshot is finished. */
  async next(max: number): Promise<SnapshotItem[]> {
    while (this.#queue.length <= max && !this.exhausted) await this.#fill();
    const n = this.exhausted ? Math.min(max, this.#queue.length) : Math.min(max, this.#queue.length - 1);
    const out: SnapshotItem[] = [];
    for (const p of this.#queue.splice(0, n)) out.push({ db: p.db, table: p.table, row: p.row, marker: this.#marker(p) });
    return out;
  }

  #marker(p: Pending): SnapshotMarker {
    const index = this.#emitted++;
    if (p === this.#lastItem) return 'last';
    if (index === 0) return 'first';
    if (p.firstInTable) return 'first_in_data_collection';
    if (p.lastInTable) return 'last_in_data_collection';
    return 'true';
  }

  /** The snapshot's final row, known once every table was read. */
  #lastItem: Pending | null = null;

  async #fill(): Promise<void> {
    const t = this.#snapshot.tables[this.#tableIdx];
    if (t === undefined) return;
    const chunk = await this.#mysql.snapshotRead(this.#snapshot.id, t.db, t.table, this.#fetchSize);
    const before = chunk.rowsRead - chunk.rows.length;
    chunk.rows.forEach((row, i) => this.#queue.push({ db: t.db, table: t.table, row, firstInTable: before === 0 && i === 0, lastInTable: false }));
    if (chunk.done) {
      const last = this.#queue.at(-1);
      if (last && last.db === t.db && last.table === t.table) last.lastInTable = true;
      this.#tableIdx++;
      if (this.exhausted) this.#lastItem = this.#queue.at(-1) ?? null;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#mysql.snapshotClose(this.#snapshot.id);
  }
}
