/**
 * Schema-change events on the <topic.prefix> topic: key io.debezium.connector.<mysql|mariadb>.SchemaChangeKey
 * {databaseName}, value ….SchemaChangeValue {source, ts_ms, databaseName, schemaName, ddl, tableChanges}.
 */
import type { JsonValue, SourceOffset, SourcePartition } from '@conveyor/sdk';
import type { TableChange } from '../ddl/parser.ts';
import { tableChangesJson } from '../schema/history.ts';
import { changeSchema } from '../schema/table-json.ts';
import { array, field, schema, struct } from '../types/connect.ts';
import type { ConnectSchema } from '../types/connect.ts';
import type { CdcRecord } from './change-events.ts';
import { FLAVOURS } from './flavour.ts';
import type { Flavour, FlavourName } from './flavour.ts';
import { sourceSchema, sourceValue } from './source-info.ts';
import type { SourceInfo } from './source-info.ts';
import { topicName } from './table-schema.ts';

const keySchemaOf = (f: Flavour): ConnectSchema => struct(`${f.namespace}.SchemaChangeKey`, false, [field('databaseName', schema('string', false))], 1);

const valueSchemaOf = (f: Flavour): ConnectSchema => struct(`${f.namespace}.SchemaChangeValue`, false, [
  field('source', sourceSchema(f)),
  field('ts_ms', schema('int64', false)),
  field('databaseName', schema('string', true)),
  field('schemaName', schema('string', true)),
  field('ddl', schema('string', true)),
  field('tableChanges', array(changeSchema(f.schemaVersion), false)),
], 1);

const SCHEMAS: Readonly<Record<FlavourName, { key: ConnectSchema; value: ConnectSchema }>> = {
  mysql: { key: keySchemaOf(FLAVOURS.mysql), value: valueSchemaOf(FLAVOURS.mysql) },
  mariadb: { key: keySchemaOf(FLAVOURS.mariadb), value: valueSchemaOf(FLAVOURS.mariadb) },
};

export interface SchemaChangeContext {
  prefix: string;
  source: SourceInfo;
  partition: SourcePartition;
  offset: SourceOffset;
}

export function schemaChangeRecord(databaseName: string, ddl: string, changes: readonly TableChange[], ctx: SchemaChangeContext): CdcRecord {
  return {
    topic: topicName(ctx.prefix),
    keySchema: SCHEMAS[ctx.source.flavour.connector].key as unknown as JsonValue,
    key: { databaseName },
    valueSchema: SCHEMAS[ctx.source.flavour.connector].value as unknown as JsonValue,
    value: {
      source: sourceValue(ctx.source),
      ts_ms: ctx.source.tsMs,
      databaseName,
      schemaName: null,
      ddl,
      tableChanges: tableChangesJson(changes),
    },
    sourcePartition: ctx.partition,
    sourceOffset: ctx.offset,
  };
}
