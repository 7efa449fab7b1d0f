/**
 * zongji events → BinlogEvent. Tracks the current file, where the transaction in progress began (its GTID event, or
 * BEGIN where there is none), its GTID, thread and the statement behind the next row events.
 */
import type { BinlogEvent, BinlogRow } from './events.ts';
import { jsonRow } from './row-values.ts';
import type { BinlogStart } from './reader.ts';

interface ZongjiEvent {
  getEventName(): string;
  timestamp: number;
  nextPosition: number;
  size: number;
  gtid?: string;
  [key: string]: unknown;
}

const ROW_OPS: Record<string, 'insert' | 'update' | 'delete'> = { writerows: 'insert', updaterows: 'update', deleterows: 'delete' };

export class ZongjiTranslator {
  #file: string;
  #txFile = '';
  #txPos = 0;
  #txOpen = false;
  #gtid: string | null = null;
  #serverId = 0;
  #thread: number | null = null;
  #statement: string | null = null;
  #mariadb = false;
  /** zongji's event `size` excludes the 19-byte header and, with binlog checksums, the 4-byte checksum. */
  #overhead = 19;
  readonly #includeTable: ((db: string, table: string) => boolean) | undefined;

  constructor(start: BinlogStart, includeTable?: (db: string, table: string) => boolean) {
    this.#file = typeof start === 'object' && 'file' in start ? start.file : '';
    this.#includeTable = includeTable;
  }

  setServer(mariadb: boolean, checksum = false): void {
    this.#mariadb = mariadb;
    this.#overhead = checksum ? 23 : 19;
  }

  /** Where the event starts in the binlog file. */
  #start(e: ZongjiEvent): number {
    return e.nextPosition - e.size - this.#overhead;
  }

  #at(e: ZongjiEvent) {
    return { file: this.#file, pos: this.#start(e), nextPos: e.nextPosition, timestamp: e.timestamp, serverId: this.#serverId, gtid: this.#gtid };
  }

  #begin(e: ZongjiEvent, gtid: string | null): void {
    this.#txOpen = false;
    this.#txFile = this.#file;
    this.#txPos = this.#start(e);
    this.#gtid = gtid;
    this.#thread = null;
    this.#statement = null;
  }

  translate(e: ZongjiEvent): BinlogEvent | null {
    const name = e.getEventName();
    switch (name) {
      case 'rotate':
        this.#file = String(e['binlogName']);
        return { kind: 'rotate', file: this.#file, pos: Number(e['position']) };
      case 'heartbeat':
        if (typeof e['binlogName'] === 'string' && e['binlogName'] !== '') this.#file = e['binlogName'];
        return { kind: 'heartbeat', file: this.#file, pos: e.nextPosition };
      case 'mariadbgtid': {
        this.#begin(e, String(e['gtid']));
        this.#serverId = Number(e['serverId']);
        if (typeof e['threadId'] === 'number') this.#thread = e['threadId'];
        if (e['standalone'] === true) return null;
        this.#txOpen = true;
        return { kind: 'begin', ...this.#at(e) , pos: this.#txPos };
      }
      case 'gtid':
      case 'anonymousgtid':
        this.#begin(e, name === 'gtid' ? String(e['gtid']) : null);
        return null;
      case 'query': {
        const sql = String(e['query']);
        const upper = sql.trim().toUpperCase();
        this.#thread = Number(e['slaveProxyId']);
        if (upper === 'BEGIN' || upper === 'XA START') {
          if (this.#txOpen) return null;
          if (this.#gtid === null || this.#mariadb) this.#begin(e, this.#gtid);
          this.#thread = Number(e['slaveProxyId']);
          this.#txOpen = true;
          return { kind: 'begin', ...this.#at(e), file: this.#txFile, pos: this.#txPos };
        }
        if (upper === 'COMMIT' || upper === 'ROLLBACK') {
          const out: BinlogEvent = { kind: 'commit', ...this.#at(e) };
          this.#txOpen = false;
          return out;
        }
        const out: BinlogEvent = { kind: 'query', ...this.#at(e), pos: this.#txPos || this.#start(e), statementPos: this.#start(e), db: typeof e['schema'] === 'string' ? e['schema'] : '', sql, thread: this.#thread };
        this.#txOpen = false;
        this.#txPos = 0;
        return out;
      }
      case 'xid': {
        const out: BinlogEvent = { kind: 'commit', ...this.#at(e) };
        this.#txOpen = false;
        return out;
      }
      case 'annotaterows':
      case 'rowsquery':
        this.#statement = String(e['statement']);
        return null;
      case 'tablemap':
        return null;
    }
    const op = ROW_OPS[name];
    if (op === undefined) return null;
    const map = (e['tableMap'] as Record<string, { parentSchema: string; tableName: string }> | undefined)?.[String(e['tableId'])];
    if (!map) return null;
    if (this.#includeTable && !this.#includeTable(map.parentSchema, map.tableName)) return null;
    const rows = (e['rows'] as unknown[]).map((r) => {
      if (op === 'update') {
        const u = r as { before: unknown; after: unknown };
        return { before: jsonRow(u.before), after: jsonRow(u.after) };
      }
      const row: BinlogRow = jsonRow(r);
      return op === 'insert' ? { before: null, after: row } : { before: row, after: null };
    });
    return {
      kind: 'rows', ...this.#at(e), op, db: map.parentSchema, table: map.tableName, tableId: Number(e['tableId']),
      txFile: this.#txFile || this.#file, txPos: this.#txPos, rows, query: this.#statement, thread: this.#thread,
    };
  }
}
