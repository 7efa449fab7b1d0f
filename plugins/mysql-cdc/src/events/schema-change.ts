/**
 * Schema-change events on the <topic.prefix> topic: key io.debezium.connector.mysql.SchemaChangeKey {databaseName},
 * value io.debezium.connector.mysql.SchemaChangeValue {source, ts_ms, databaseName, schemaName, ddl, tableChanges}.
 */
import type { JsonValue, SourceOffset, SourcePartition } from '../../../../sdk/records.ts';
import type { TableChange } from '../ddl/parser.ts';
import { tableChangesJson } from '../schema/history.ts';
import { CHANGE_SCHEMA } from '../schema/table-json.ts';
import { array, field, schema, struct } from '../types/connect.ts';
import type { ConnectSchema } from '../types/connect.ts';
import type { CdcRecord } from './change-events.ts';
import { SOURCE_SCHEMA, sourceValue } from './source-info.ts';
import type { SourceInfo } from './source-info.ts';
import { topicName } from './table-schema.ts';

export const SCHEMA_CHANGE_KEY_SCHEMA: ConnectSchema = struct('io.debezium.connector.mysql.SchemaChangeKey', false, [field('databaseName', schema('string', false))], 1);

export const SCHEMA_CHANGE_VALUE_SCHEMA: ConnectSchema = struct('io.debezium.connector.mysql.SchemaChangeValue', false, [
  field('source', SOURCE_SCHEMA),
  field('ts_ms', schema('int64', false)),
  field('databaseName', schema('string', true)),
  field('schemaName', schema('string', true)),
  field('ddl', schema('string', true)),
  field('tableChanges', array(CHANGE_SCHEMA, false)),
], 1);

export interface SchemaChangeContext {
  prefix: string;
  source: SourceInfo;
  partition: SourcePartition;
  offset: SourceOffset;
}

export function schemaChangeRecord(databaseName: string, ddl: string, changes: readonly TableChange[], ctx: SchemaChangeContext): CdcRecord {
  return {
    topic: topicName(ctx.prefix),
    keySchema: SCHEMA_CHANGE_KEY_SCHEMA as unknown as JsonValue,
    key: { databaseName },
    valueSchema: SCHEMA_CHANGE_VALUE_SCHEMA as unknown as JsonValue,
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
