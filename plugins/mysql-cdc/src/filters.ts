/**
 * Debezium's include/exclude semantics: each list is comma-separated regular expressions, each matched against the
 * whole identifier (anchored, case-insensitive as Debezium compiles them); databases match `db`, tables `db.table`,
 * columns `db.table.column`. An include list, when set, captures only what it matches; an exclude list captures
 * everything else. System databases are never captured.
 */
import type { CdcConfig } from './config.ts';

export const SYSTEM_DATABASES: readonly string[] = ['mysql', 'sys', 'performance_schema', 'information_schema'];

export function compilePatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((p) => new RegExp(`^(?:${p})$`, 'i'));
}

const anyMatch = (patterns: readonly RegExp[], id: string): boolean => patterns.some((p) => p.test(id));

export interface TableFilter {
  includeDatabase(db: string): boolean;
  includeTable(db: string, table: string): boolean;
  includeColumn(db: string, table: string, column: string): boolean;
}

export function tableFilter(config: Pick<CdcConfig, 'databaseInclude' | 'databaseExclude' | 'tableInclude' | 'tableExclude' | 'columnExclude'>): TableFilter {
  const dbInc = compilePatterns(config.databaseInclude);
  const dbExc = compilePatterns(config.databaseExclude);
  const tInc = compilePatterns(config.tableInclude);
  const tExc = compilePatterns(config.tableExclude);
  const cExc = compilePatterns(config.columnExclude);
  const includeDatabase = (db: string): boolean => {
    if (SYSTEM_DATABASES.includes(db.toLowerCase())) return false;
    if (dbInc.length > 0) return anyMatch(dbInc, db);
    return !anyMatch(dbExc, db);
  };
  const includeTable = (db: string, table: string): boolean => {
    if (!includeDatabase(db)) return false;
    const id = `${db}.${table}`;
    if (tInc.length > 0) return anyMatch(tInc, id);
    return !anyMatch(tExc, id);
  };
  return {
    includeDatabase,
    includeTable,
    includeColumn: (db, table, column) => !anyMatch(cExc, `${db}.${table}.${column}`),
  };
}

/**
 * Include-list entries that are plain names (no regex metacharacters) and match none of the tables found: the
 * connector fails on these, naming them, rather than silently capturing nothing.
 */
export function unmatchedIncludes(patterns: readonly string[], identifiers: readonly string[]): string[] {
  return patterns.filter((p) => {
    const re = new RegExp(`^(?:${p})$`, 'i');
    return !identifiers.some((id) => re.test(id));
  });
}
