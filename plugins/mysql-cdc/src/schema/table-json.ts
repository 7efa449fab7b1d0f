/** Tables as Debezium's history and schema-change events serialise them (io.debezium.connector.schema.Table). */
import type { JsonValue } from '@conveyor/sdk';
import { array, field, schema, struct } from '../types/connect.ts';
import type { ConnectSchema } from '../types/connect.ts';
import type { ColumnDef, TableDef } from './table.ts';

/** java.sql.Types codes as Debezium's MySQL DDL parser assigns them. */
const JDBC_TYPES: Readonly<Record<string, number>> = {
  BIT: -7, BOOLEAN: 16, TINYINT: 5, SMALLINT: 5, MEDIUMINT: 4, INT: 4, BIGINT: -5, REAL: 7, FLOAT: 6, DOUBLE: 8, DECIMAL: 3,
  CHAR: 1, VARCHAR: 12, TINYTEXT: 12, TEXT: 12, MEDIUMTEXT: 12, LONGTEXT: 12, ENUM: 1, SET: 1, JSON: 1111,
  BINARY: -2, VARBINARY: -3, TINYBLOB: 2004, BLOB: 2004, MEDIUMBLOB: 2004, LONGBLOB: 2004,
  DATE: 91, TIME: 92, DATETIME: 93, TIMESTAMP: 2014, YEAR: 4,
};

/** Types whose columns carry a character set (the table's default when the column names none). */
const CHARACTER_TYPES = new Set(['CHAR', 'VARCHAR', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT', 'ENUM', 'SET']);

/** A column as Debezium's DDL parser describes it, before either serialisation (Connect struct, history document). */
interface ColumnFacts {
  jdbcType: number;
  /** The base type with UNSIGNED and ZEROFILL as written: "INT UNSIGNED ZEROFILL". */
  typeName: string;
  charsetName: string | null;
  /** ENUM: 1; SET: members and commas; else the declared length. */
  length: number | null;
  /** As Debezium keeps the DDL's literal: b'101' → 101. */
  defaultValueExpression: string | null;
  /** Members as written in the DDL, quotes included: 'it''s'. */
  enumValues: string[] | null;
  /** A DEFAULT clause or a nullable column (its implicit DEFAULT NULL). */
  hasDefaultValue: boolean;
}

function columnFacts(c: ColumnDef, tableCharset: string | null): ColumnFacts {
  const words = c.typeExpression.toLowerCase().split(/[\s()]+/);
  const typeName = c.typeName + (words.includes('unsigned') ? ' UNSIGNED' : '') + (words.includes('zerofill') ? ' ZEROFILL' : '');
  const members = c.enumValues;
  const length = c.typeName === 'ENUM' ? 1 : c.typeName === 'SET' ? Math.max(0, (members?.length ?? 0) * 2 - 1) : c.length;
  const bits = c.defaultKind === 'bits' && c.defaultExpression !== null ? /^b'([01]*)'$/i.exec(c.defaultExpression) : null;
  return {
    jdbcType: JDBC_TYPES[c.typeName] ?? 1111,
    typeName,
    charsetName: c.charset ?? (CHARACTER_TYPES.has(c.typeName) ? tableCharset : null),
    length,
    defaultValueExpression: bits ? bits[1]! : c.defaultExpression,
    enumValues: members === null ? null : members.map((m) => `'${m.replaceAll("'", "''")}'`),
    hasDefaultValue: c.optional || c.defaultExpression !== null,
  };
}

/** The id Debezium writes in tableChanges: "db"."table". */
export function quotedTableId(db: string, table: string): string {
  return `"${db}"."${table}"`;
}

/** A column as the io.debezium.connector.schema.Column struct of schema-change events. */
export function columnJson(c: ColumnDef, position: number, tableCharset: string | null): JsonValue {
  const f = columnFacts(c, tableCharset);
  return {
    name: c.name,
    jdbcType: f.jdbcType,
    nativeType: null,
    typeName: f.typeName,
    typeExpression: f.typeName,
    charsetName: f.charsetName,
    length: f.length,
    scale: c.scale,
    position,
    optional: c.optional,
    autoIncremented: c.autoIncrement,
    generated: c.generated,
    comment: c.comment,
    defaultValueExpression: f.defaultValueExpression,
    enumValues: f.enumValues,
  };
}

export function tableJson(t: TableDef): JsonValue {
  return {
    defaultCharsetName: t.charset,
    primaryKeyColumnNames: t.primaryKey,
    columns: t.columns.map((c, i) => columnJson(c, i + 1, t.charset)),
    comment: t.comment,
  };
}

/**
 * A column as Debezium's schema history document writes it (JsonTableChangeSerializer): absent rather than null
 * for an unset length, scale or default expression, `hasDefaultValue`, and `enumValues` always a list.
 */
function columnDocument(c: ColumnDef, position: number, tableCharset: string | null): JsonValue {
  const f = columnFacts(c, tableCharset);
  return {
    name: c.name,
    jdbcType: f.jdbcType,
    typeName: f.typeName,
    typeExpression: f.typeName,
    charsetName: f.charsetName,
    ...(f.length === null ? {} : { length: f.length }),
    ...(c.scale === null ? {} : { scale: c.scale }),
    position,
    optional: c.optional,
    autoIncremented: c.autoIncrement,
    generated: c.generated,
    comment: c.comment,
    hasDefaultValue: f.hasDefaultValue,
    ...(f.defaultValueExpression === null ? {} : { defaultValueExpression: f.defaultValueExpression }),
    enumValues: f.enumValues ?? [],
  };
}

/**
 * One tableChanges entry of a schema history record: a dropped table has neither table nor comment; a renamed one
 * names its previous id.
 */
export function tableChangeDocument(type: string, id: string, t: TableDef | null, previousId?: string): JsonValue {
  if (t === null) return { type, id };
  return {
    type,
    id,
    ...(previousId === undefined ? {} : { previousId }),
    table: {
      defaultCharsetName: t.charset,
      primaryKeyColumnNames: t.primaryKey,
      columns: t.columns.map((c, i) => columnDocument(c, i + 1, t.charset)),
      attributes: [],
    },
    comment: t.comment,
  };
}

const columnSchema = (version: number | undefined): ConnectSchema => struct('io.debezium.connector.schema.Column', false, [
  field('name', schema('string', false)),
  field('jdbcType', schema('int32', false)),
  field('nativeType', schema('int32', true)),
  field('typeName', schema('string', false)),
  field('typeExpression', schema('string', true)),
  field('charsetName', schema('string', true)),
  field('length', schema('int32', true)),
  field('scale', schema('int32', true)),
  field('position', schema('int32', false)),
  field('optional', schema('boolean', true)),
  field('autoIncremented', schema('boolean', true)),
  field('generated', schema('boolean', true)),
  field('comment', schema('string', true)),
  field('defaultValueExpression', schema('string', true)),
  field('enumValues', array(schema('string', false), true)),
], version);

const tableSchema = (version: number | undefined): ConnectSchema => struct('io.debezium.connector.schema.Table', true, [
  field('defaultCharsetName', schema('string', true)),
  field('primaryKeyColumnNames', array(schema('string', false), true)),
  field('columns', array(columnSchema(version), false)),
  field('comment', schema('string', true)),
], version);

const changeSchemaOf = (version: number | undefined): ConnectSchema => struct('io.debezium.connector.schema.Change', false, [
  field('type', schema('string', false)),
  field('id', schema('string', false)),
  field('table', tableSchema(version)),
], version);

const CHANGE_SCHEMAS = new Map<number | undefined, ConnectSchema>([[undefined, changeSchemaOf(undefined)], [1, changeSchemaOf(1)]]);

/** io.debezium.connector.schema.Change; Debezium 3.5 versions it and its Table and Column structs (version 1). */
export function changeSchema(version: number | undefined): ConnectSchema {
  let s = CHANGE_SCHEMAS.get(version);
  if (s === undefined) CHANGE_SCHEMAS.set(version, (s = changeSchemaOf(version)));
  return s;
}
