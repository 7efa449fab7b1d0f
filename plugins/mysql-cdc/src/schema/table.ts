/** The shape of a captured table as the DDL tracker knows it: enough to build Connect schemas and decode rows. */

/** What a column's DEFAULT is: a literal of some form, or an expression (function call, CURRENT_TIMESTAMP, (1+2)). */
export type DefaultKind = 'string' | 'number' | 'bits' | 'hex' | 'boolean' | 'expression';

export interface ColumnDef {
  name: string;
  /** Upper-case base type after synonyms are resolved: INT, VARCHAR, DECIMAL, ENUM, JSON, BOOLEAN, ... */
  typeName: string;
  /** The type as written, e.g. "decimal(10,2) unsigned", for schema-change events. */
  typeExpression: string;
  unsigned: boolean;
  /** Length, display width, BIT width, DECIMAL precision or temporal fractional digits; null when not given. */
  length: number | null;
  scale: number | null;
  /** ENUM and SET members, in declaration order. */
  enumValues: string[] | null;
  charset: string | null;
  optional: boolean;
  autoIncrement: boolean;
  generated: boolean;
  /** The DEFAULT as written (a string literal unquoted); null for none or DEFAULT NULL. */
  defaultExpression: string | null;
  defaultKind: DefaultKind | null;
  comment: string | null;
}

export interface TableDef {
  db: string;
  name: string;
  columns: ColumnDef[];
  primaryKey: string[];
  charset: string | null;
  comment: string | null;
}

export function tableId(db: string, table: string): string {
  return `${db}.${table}`;
}

export function cloneTable(t: TableDef): TableDef {
  return {
    ...t,
    columns: t.columns.map((c) => ({ ...c, enumValues: c.enumValues === null ? null : [...c.enumValues] })),
    primaryKey: [...t.primaryKey],
  };
}
