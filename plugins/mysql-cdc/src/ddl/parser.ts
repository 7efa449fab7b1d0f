/**
 * Applies DDL statements (from SHOW CREATE TABLE and binlog query events) to a map of table definitions. It reads
 * CREATE TABLE (incl. LIKE), ALTER TABLE (add/drop/modify/change/rename column, primary key, rename), RENAME TABLE,
 * DROP TABLE, DROP DATABASE; every other statement leaves the tables as they are.
 */
import { Cursor, tokenize } from './tokenizer.ts';
import { parseColumn } from './column.ts';
import type { ParsedColumn } from './column.ts';
import { cloneTable, tableId } from '../schema/table.ts';
import type { ColumnDef, TableDef } from '../schema/table.ts';

export type TableChangeType = 'CREATE' | 'ALTER' | 'DROP';
export interface TableChange {
  type: TableChangeType;
  db: string;
  table: string;
  /** The definition after the change; null for DROP. */
  def: TableDef | null;
  /** For a rename: the id (db.table) the table had before. */
  previousId?: string;
  /** For a rename: the database and name the table had before. */
  previous?: { db: string; table: string };
}

/**
 * Statements whose first words mark them as schema changes worth recording even when no table is affected. TRUNCATE
 * is not one: Debezium neither records it in the history nor emits a schema change for it (it is a data operation,
 * op=t, which skipped.operations leaves out by default).
 */
export function isDdl(sql: string): boolean {
  return /^\s*(?:\/\*.*?\*\/\s*)*(CREATE|ALTER|DROP|RENAME)\b/is.test(sql);
}

const isPunct = (c: Cursor, v: string): boolean => c.peek()?.kind === 'punct' && c.peek()?.value === v;

function identList(c: Cursor): string[] {
  const inner: string[] = [];
  c.expect('(');
  while (!isPunct(c, ')')) {
    inner.push(c.ident());
    if (isPunct(c, '(')) c.group(); // prefix length
    c.accept('ASC');
    c.accept('DESC');
    if (!c.accept(',')) break;
  }
  c.expect(')');
  return inner;
}

function place(columns: ColumnDef[], parsed: ParsedColumn): void {
  const p = parsed.placement;
  if (p === null) columns.push(parsed.column);
  else if ('first' in p) columns.unshift(parsed.column);
  else {
    const at = columns.findIndex((col) => col.name.toLowerCase() === p.after.toLowerCase());
    columns.splice(at < 0 ? columns.length : at + 1, 0, parsed.column);
  }
}

/** Table-level items of CREATE TABLE: PRIMARY KEY (...), CONSTRAINT ... CHECK (json_valid(x)), indexes. */
function tableItem(c: Cursor, t: TableDef): boolean {
  const save = c.pos;
  if (c.accept('CONSTRAINT')) {
    if (!(c.peek()?.kind === 'word' && ['PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(c.peek()!.value))) c.ident();
  }
  if (c.accept('PRIMARY', 'KEY')) {
    if (c.peek()?.kind === 'word' && c.peek()?.value !== 'USING') c.ident();
    if (c.accept('USING')) c.next();
    t.primaryKey = identList(c);
    for (const col of t.columns) if (t.primaryKey.some((k) => k.toLowerCase() === col.name.toLowerCase())) col.optional = false;
    c.skipItem();
    return true;
  }
  if (c.accept('CHECK')) {
    const inner = c.group().replace(/\s+/g, ' ');
    const m = /^json_valid \( `?([^`) ]+)`? \)$/i.exec(inner.trim());
    const col = m ? t.columns.find((x) => x.name === m[1]) : undefined;
    if (col && /TEXT$/.test(col.typeName)) col.typeName = 'JSON';
    c.skipItem();
    return true;
  }
  if (c.pos !== save || (c.peek()?.kind === 'word' && ['KEY', 'INDEX', 'UNIQUE', 'FULLTEXT', 'SPATIAL', 'FOREIGN', 'PERIOD'].includes(c.peek()!.value))) {
    c.skipItem();
    return true;
  }
  return false;
}

function createTable(c: Cursor, defaultDb: string, tables: Map<string, TableDef>): TableChange[] {
  c.accept('IF', 'NOT', 'EXISTS');
  const { db, name } = c.qualifiedName(defaultDb);
  if (c.accept('LIKE') || (isPunct(c, '(') && c.peek(1)?.value === 'LIKE')) {
    const paren = c.accept('(') && c.accept('LIKE');
    const src = c.qualifiedName(defaultDb);
    if (paren) c.accept(')');
    const from = tables.get(tableId(src.db, src.name));
    if (!from) return [];
    const def = { ...cloneTable(from), db, name };
    tables.set(tableId(db, name), def);
    return [{ type: 'CREATE', db, table: name, def: cloneTable(def) }];
  }
  if (!isPunct(c, '(')) return []; // CREATE TABLE ... AS SELECT without columns: shape unknown
  const t: TableDef = { db, name, columns: [], primaryKey: [], charset: null, comment: null };
  c.expect('(');
  while (!isPunct(c, ')')) {
    if (!tableItem(c, t)) {
      const parsed = parseColumn(c, c.ident());
      t.columns.push(parsed.column);
      if (parsed.primaryKey) t.primaryKey = [parsed.column.name];
    }
    if (!c.accept(',')) break;
  }
  c.expect(')');
  while (!c.done()) {
    if (c.accept('DEFAULT')) continue;
    if (c.accept('CHARACTER', 'SET') || c.accept('CHARSET')) {
      c.accept('=');
      t.charset = c.ident().toLowerCase();
    } else if (c.accept('COMMENT')) {
      c.accept('=');
      t.comment = c.next().value;
    } else c.next();
  }
  for (const col of t.columns) if (t.primaryKey.includes(col.name)) col.optional = false;
  tables.set(tableId(db, name), t);
  return [{ type: 'CREATE', db, table: name, def: cloneTable(t) }];
}

function findColumn(t: TableDef, name: string): number {
  return t.columns.findIndex((col) => col.name.toLowerCase() === name.toLowerCase());
}

function alterSpec(c: Cursor, t: TableDef): { renameTo?: { db: string; name: string } } {
  if (c.accept('ADD')) {
    const before = c.pos;
    if (tableItem(c, t)) return {};
    c.pos = before;
    c.accept('COLUMN');
    c.accept('IF', 'NOT', 'EXISTS');
    if (isPunct(c, '(')) {
      c.expect('(');
      while (!isPunct(c, ')')) {
        const parsed = parseColumn(c, c.ident());
        if (findColumn(t, parsed.column.name) < 0) place(t.columns, parsed);
        if (!c.accept(',')) break;
      }
      c.expect(')');
      return {};
    }
    const parsed = parseColumn(c, c.ident());
    if (findColumn(t, parsed.column.name) < 0) place(t.columns, parsed);
    if (parsed.primaryKey) t.primaryKey = [parsed.column.name];
    return {};
  }
  if (c.accept('DROP')) {
    if (c.accept('PRIMARY', 'KEY')) {
      t.primaryKey = [];
      return {};
    }
    if (c.peek()?.kind === 'word' && ['INDEX', 'KEY', 'FOREIGN', 'CONSTRAINT', 'CHECK', 'PARTITION'].includes(c.peek()!.value)) {
      c.skipItem();
      return {};
    }
    c.accept('COLUMN');
    c.accept('IF', 'EXISTS');
    const name = c.ident();
    const at = findColumn(t, name);
    if (at >= 0) t.columns.splice(at, 1);
    t.primaryKey = t.primaryKey.filter((k) => k.toLowerCase() !== name.toLowerCase());
    c.skipItem();
    return {};
  }
  const modify = c.accept('MODIFY');
  const change = !modify && c.accept('CHANGE');
  if (modify || change) {
    c.accept('COLUMN');
    c.accept('IF', 'EXISTS');
    const oldName = c.ident();
    const newName = change ? c.ident() : oldName;
    const parsed = parseColumn(c, newName);
    const at = findColumn(t, oldName);
    if (at < 0) return {};
    t.columns.splice(at, 1);
    if (parsed.placement === null) t.columns.splice(at, 0, parsed.column);
    else place(t.columns, parsed);
    t.primaryKey = t.primaryKey.map((k) => (k.toLowerCase() === oldName.toLowerCase() ? newName : k));
    if (t.primaryKey.includes(newName)) parsed.column.optional = false;
    return {};
  }
  if (c.accept('RENAME', 'COLUMN')) {
    const from = c.ident();
    c.expect('TO');
    const to = c.ident();
    const at = findColumn(t, from);
    if (at >= 0) t.columns[at]!.name = to;
    t.primaryKey = t.primaryKey.map((k) => (k.toLowerCase() === from.toLowerCase() ? to : k));
    return {};
  }
  if (c.accept('RENAME')) {
    if (c.accept('INDEX') || c.accept('KEY')) {
      c.skipItem();
      return {};
    }
    if (!c.accept('TO')) c.accept('AS');
    return { renameTo: c.qualifiedName(t.db) };
  }
  if (c.accept('CONVERT', 'TO', 'CHARACTER', 'SET') || c.accept('DEFAULT', 'CHARACTER', 'SET') || c.accept('CHARACTER', 'SET')) {
    c.accept('=');
    t.charset = c.ident().toLowerCase();
  }
  c.skipItem();
  return {};
}

function alterTable(c: Cursor, defaultDb: string, tables: Map<string, TableDef>): TableChange[] {
  c.accept('IF', 'EXISTS');
  const { db, name } = c.qualifiedName(defaultDb);
  const current = tables.get(tableId(db, name));
  if (!current) return [];
  const t = cloneTable(current);
  let renameTo: { db: string; name: string } | undefined;
  while (!c.done()) {
    const r = alterSpec(c, t);
    renameTo = r.renameTo ?? renameTo;
    if (!c.accept(',')) break;
  }
  if (renameTo) {
    tables.delete(tableId(db, name));
    t.db = renameTo.db;
    t.name = renameTo.name;
  }
  tables.set(tableId(t.db, t.name), t);
  const change: TableChange = { type: 'ALTER', db: t.db, table: t.name, def: cloneTable(t) };
  if (renameTo) {
    change.previousId = tableId(db, name);
    change.previous = { db, table: name };
  }
  return [change];
}

/** Applies one statement to the tables; returns what changed. Statements it does not understand change nothing. */
export function applyDdl(sql: string, defaultDb: string, tables: Map<string, TableDef>): TableChange[] {
  const c = new Cursor(tokenize(sql));
  if (c.accept('CREATE')) {
    c.accept('OR', 'REPLACE');
    c.accept('TEMPORARY');
    if (c.accept('TABLE')) return createTable(c, defaultDb, tables);
    return [];
  }
  if (c.accept('ALTER')) {
    c.accept('ONLINE');
    c.accept('IGNORE');
    if (c.accept('TABLE')) return alterTable(c, defaultDb, tables);
    return [];
  }
  if (c.accept('RENAME', 'TABLE')) {
    const changes: TableChange[] = [];
    do {
      const from = c.qualifiedName(defaultDb);
      c.expect('TO');
      const to = c.qualifiedName(defaultDb);
      const t = tables.get(tableId(from.db, from.name));
      if (!t) continue;
      tables.delete(tableId(from.db, from.name));
      const moved = { ...cloneTable(t), db: to.db, name: to.name };
      tables.set(tableId(to.db, to.name), moved);
      changes.push({ type: 'ALTER', db: to.db, table: to.name, def: cloneTable(moved), previousId: tableId(from.db, from.name), previous: { db: from.db, table: from.name } });
    } while (c.accept(','));
    return changes;
  }
  if (c.accept('DROP')) {
    c.accept('TEMPORARY');
    if (c.accept('TABLE') || c.accept('TABLES')) {
      c.accept('IF', 'EXISTS');
      const changes: TableChange[] = [];
      do {
        const { db, name } = c.qualifiedName(defaultDb);
        if (tables.delete(tableId(db, name))) changes.push({ type: 'DROP', db, table: name, def: null });
      } while (c.accept(','));
      return changes;
    }
    if (c.accept('DATABASE') || c.accept('SCHEMA')) {
      c.accept('IF', 'EXISTS');
      const db = c.ident();
      const changes: TableChange[] = [];
      for (const [id, t] of [...tables]) {
        if (t.db !== db) continue;
        tables.delete(id);
        changes.push({ type: 'DROP', db, table: t.name, def: null });
      }
      return changes;
    }
  }
  return [];
}
