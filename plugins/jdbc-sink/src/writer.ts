/**
 * Writes a batch of sink records in one transaction: tables are looked up (information_schema), created or
 * evolved first (DDL commits implicitly in MySQL, so never inside the batch's transaction), then consecutive
 * records of one table, operation and shape go as one multi-row statement of at most batch.size rows.
 */
import type { JsonValue, LogFields, MysqlQueryResult, SinkRecord } from '@conveyor/sdk';
import type { JdbcSinkSettings } from './config.ts';
import { alterTable, createTable, deleteStatement, insertStatement, quote, sqlValue, updateStatement } from './dialect.ts';
import { deleteKeyColumns, rawValue, shapeOf } from './fields.ts';
import type { Column, RowShape } from './fields.ts';

export interface Db {
  query(sql: string, params?: JsonValue[]): Promise<MysqlQueryResult>;
}

/** A failure of the database itself (worth a retry), as opposed to a record the connector cannot write. */
export class DatabaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

export interface TableRef {
  readonly database: string | null;
  readonly table: string;
  /** Quoted, qualified name for SQL. */
  readonly sql: string;
}

/**
 * table.name.format for a topic. A dotted name is database.table, as MySQL reads it; under Debezium's class the dots
 * become underscores (its default table naming strategy).
 */
export function tableFor(format: string, topic: string, debezium = false): TableRef {
  const formatted = format.replaceAll('${topic}', topic);
  const name = debezium ? formatted.replaceAll('.', '_') : formatted;
  const parts = name.split('.');
  const table = parts.at(-1) as string;
  const database = parts.length > 1 ? (parts.at(-2) as string) : null;
  return { database, table, sql: database === null ? quote(table) : `${quote(database)}.${quote(table)}` };
}

interface Step {
  readonly kind: 'write' | 'delete';
  readonly table: TableRef;
  readonly columns: readonly Column[];
  readonly signature: string;
  readonly records: SinkRecord[];
}

/**
 * Debezium's JDBC sink takes change events as they are: a struct named *.Envelope becomes its `after` row, a delete
 * (op d) a null value (a delete under delete.enabled), a truncate (op t) nothing. Other records pass unchanged.
 */
export function changeEventRow(r: SinkRecord): SinkRecord | null {
  const schema = r.valueSchema;
  if (schema?.type !== 'struct' || !(schema.name ?? '').endsWith('.Envelope') || r.value === null || typeof r.value !== 'object' || Array.isArray(r.value)) return r;
  const v = r.value as Record<string, JsonValue>;
  if (v['op'] === 't') return null;
  if (v['op'] === 'd') return { ...r, value: null, valueSchema: null };
  const after = schema.fields?.find((f) => f.field === 'after');
  return { ...r, value: v['after'] ?? null, valueSchema: after === undefined ? null : { ...after, optional: false } };
}

export class TableWriter {
  readonly #db: Db;
  readonly #s: JdbcSinkSettings;
  readonly #log: (msg: string, fields: LogFields) => void;
  /** Columns (lower case) each table is known to have; a table is looked up again after an error. */
  readonly #known = new Map<string, Set<string>>();

  constructor(db: Db, settings: JdbcSinkSettings, log: (msg: string, fields: LogFields) => void) {
    this.#db = db;
    this.#s = settings;
    this.#log = log;
  }

  /** Plans the batch (throws for a record that cannot be written), prepares its tables, then writes it atomically. */
  async write(records: readonly SinkRecord[]): Promise<void> {
    const steps = this.#plan(records);
    for (const step of steps) if (step.kind === 'write') await this.#ensureTable(step.table, step.columns);
    await this.#run('START TRANSACTION');
    try {
      for (const step of steps) await this.#execute(step);
      await this.#run('COMMIT');
    } catch (e) {
      await this.#db.query('ROLLBACK').catch(() => undefined);
      this.#known.clear();
      throw e;
    }
  }

  /** Forgets what it knew of the tables (after a reconnect). */
  reset(): void {
    this.#known.clear();
  }

  #plan(records: readonly SinkRecord[]): Step[] {
    const steps: Step[] = [];
    for (const original of records) {
      const r = this.#s.debezium ? changeEventRow(original) : original;
      if (r === null) continue;
      if (r.value === null && !this.#s.deleteEnabled && this.#s.debezium) continue;
      const table = tableFor(this.#s.tableFormat, r.topic, this.#s.debezium);
      let kind: Step['kind'];
      let columns: readonly Column[];
      let signature: string;
      if (r.value === null && this.#s.deleteEnabled) {
        kind = 'delete';
        columns = deleteKeyColumns(r, this.#s);
        signature = JSON.stringify(columns.map((c) => c.name));
      } else {
        const shape: RowShape = shapeOf(r, this.#s);
        kind = 'write';
        columns = shape.columns;
        signature = shape.signature;
      }
      const last = steps.at(-1);
      const rowsPerStatement = kind === 'write' && this.#s.insertMode !== 'update' ? this.#s.batchSize : 1;
      if (last !== undefined && last.kind === kind && last.table.sql === table.sql && last.signature === signature && last.records.length < rowsPerStatement) last.records.push(r);
      else steps.push({ kind, table, columns, signature, records: [r] });
    }
    return steps;
  }

  async #ensureTable(table: TableRef, columns: readonly Column[]): Promise<void> {
    let known = this.#known.get(table.sql);
    if (known !== undefined && columns.every((c) => known?.has(c.name.toLowerCase()))) return;
    const found = await this.#run(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?',
      [table.database, table.table],
    );
    known = new Set(found.rows.map((row) => (typeof row['name'] === 'string' ? row['name'] : JSON.stringify(row['name'])).toLowerCase()));
    if (known.size === 0) {
      if (!this.#s.autoCreate) throw new Error(`Table ${table.sql} is missing and auto-creation is disabled`);
      await this.#run(createTable(table.sql, columns));
      this.#log('table created (auto.create)', { table: table.sql, columns: columns.map((c) => c.name) });
      known = new Set(columns.map((c) => c.name.toLowerCase()));
    } else {
      const missing = columns.filter((c) => !known?.has(c.name.toLowerCase()));
      if (missing.length > 0) {
        if (!this.#s.autoEvolve) throw new Error(`Table ${table.sql} is missing fields (${missing.map((c) => c.name).join(', ')}) and auto-evolution is disabled`);
        await this.#run(alterTable(table.sql, missing));
        this.#log('table evolved (auto.evolve)', { table: table.sql, added: missing.map((c) => c.name) });
        for (const c of missing) known.add(c.name.toLowerCase());
      }
    }
    this.#known.set(table.sql, known);
  }

  async #execute(step: Step): Promise<void> {
    const s = this.#s;
    const rowParams = (r: SinkRecord, cols: readonly Column[]): JsonValue[] => cols.map((c) => sqlValue(rawValue(r, c, s), c));
    if (step.kind === 'delete') {
      for (const r of step.records) await this.#run(deleteStatement(step.table.sql, step.columns), rowParams(r, step.columns));
      return;
    }
    if (s.insertMode === 'update') {
      const ordered = [...step.columns.filter((c) => !c.key), ...step.columns.filter((c) => c.key)];
      for (const r of step.records) await this.#run(updateStatement(step.table.sql, step.columns), rowParams(r, ordered));
      return;
    }
    const params: JsonValue[] = [];
    for (const r of step.records) params.push(...rowParams(r, step.columns));
    await this.#run(insertStatement(step.table.sql, step.columns, step.records.length, s.insertMode), params);
  }

  async #run(sql: string, params?: JsonValue[]): Promise<MysqlQueryResult> {
    try {
      return await this.#db.query(sql, params);
    } catch (e) {
      throw new DatabaseError(`${(e as Error).message} (while running ${sql.slice(0, 120)}${sql.length > 120 ? '…' : ''})`, { cause: e });
    }
  }
}
