/** Tables as Debezium's history and schema-change events serialise them (io.debezium.connector.schema.Table). */
import type { JsonValue } from '@conveyor/sdk';
import { array, field, schema, struct } from '../types/connect.ts';
import type { ConnectSchema } from '../types/connect.ts';
import type { ColumnDef, TableDef } from './table.ts';

/** java.sql.Types codes as Debezium's MySQL DDL parser assigns them. */
const JDBC_TYPES: Readonly<Record<string, number>> = {
  BIT: -7, BOOLEAN: 16, TINYINT: 5, SMALLINT: 5, MEDIUMINT: 4, INT: 4, BIGINT: -5, REAL: 7, FLOAT: 6, DOUBLE: 8, DECIMAL: 3,
  CHAR: 1, VARCHAR: 12, TINYTEXT: 12, TEXT: 12, MEDIUMTEXT: 12, LONGTEXT: 12, ENUM: 1, SET: 1, JSON: 1111,
  BINARY: -2, VARBINARY: -3, TINYBLOB: -3, BLOB: 2004, MEDIUMBLOB: 2004, LONGBLOB: 2004,
  DATE: 91, TIME: 92, DATETIME: 93, TIMESTAMP: 2014, YEAR: 4,
};

/** The id Debezium writes in tableChanges: "db"."table". */
export function quotedTableId(db: string, table: string): string {
  return `"${db}"."${table}"`;
}

export function columnJson(c: ColumnDef, position: number): JsonValue {
  return {
    name: c.name,
    jdbcType: JDBC_TYPES[c.typeName] ?? 1111,
    typeName: c.typeName,
    typeExpression: c.typeName,
    charsetName: c.charset,
    length: c.length,
    scale: c.scale,
    position,
    optional: c.optional,
    autoIncremented: c.autoIncrement,
    generated: c.generated,
    comment: c.comment,
    defaultValueExpression: c.defaultExpression,
    enumValues: c.enumValues,
  };
}

export function tableJson(t: TableDef): JsonValue {
  return {
    defaultCharsetName: t.charset,
    primaryKeyColumnNames: t.primaryKey,
    columns: t.columns.map((c, i) => columnJson(c, i + 1)),
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
