/**
 * The schema records a snapshot writes, in Debezium's order: `SET character_set_server=…`, a `DROP TABLE IF EXISTS`
 * per table, then per database `DROP DATABASE IF EXISTS`, `CREATE DATABASE … CHARSET … COLLATE …`, `USE` and the
 * SHOW CREATE TABLE of each of its tables — every table of the captured databases, captured or not (Debezium's
 * schema.history.internal.store.only.captured.tables.ddl=false), each a history record and, with
 * include.schema.changes, a schema-change event. Replaying them gives every table's shape and each database's
 * character set, which later CREATE TABLEs without one inherit.
 */
import type { JsonValue, MysqlCapability, MysqlConnectOptions, MysqlSnapshot } from '@conveyor/sdk';
import type { CdcConfig } from '../config.ts';
import type { TableChange } from '../ddl/parser.ts';
import type { CdcRecord } from '../events/change-events.ts';
import { FLAVOURS } from '../events/flavour.ts';
import { schemaChangeRecord } from '../events/schema-change.ts';
import { encodeOffset, sourcePartition } from '../offsets.ts';
import type { CdcOffset } from '../offsets.ts';
import { snapshotPosition } from '../schema/history.ts';
import type { HistoryRecord, SchemaHistory } from '../schema/history.ts';

export interface SnapshotSchemaRecord {
  history: HistoryRecord;
  /** The schema-change event (null without include.schema.changes). */
  event: CdcRecord | null;
}

const quote = (name: string): string => `\`${name.replaceAll('`', '``')}\``;
const text = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

interface Charsets {
  server: { charset: string; collation: string };
  databases: Map<string, { charset: string; collation: string }>;
}

async function charsets(mysql: MysqlCapability, options: MysqlConnectOptions, dbs: readonly string[]): Promise<Charsets> {
  const conn = await mysql.connect(options);
  try {
    const server = (await mysql.query(conn, 'SELECT @@character_set_server AS cs, @@collation_server AS co')).rows[0] ?? {};
    const databases = new Map<string, { charset: string; collation: string }>();
    if (dbs.length > 0) {
      const rows = (await mysql.query(conn, `SELECT SCHEMA_NAME AS db, DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${dbs.map(() => '?').join(', ')})`, [...dbs])).rows;
      for (const r of rows) databases.set(text(r['db']), { charset: text(r['cs']), collation: text(r['co']) });
    }
    return { server: { charset: text(server['cs']), collation: text(server['co']) }, databases };
  } finally {
    await mysql.close(conn).catch(() => undefined);
  }
}

export async function snapshotSchema(o: {
  mysql: MysqlCapability;
  options: MysqlConnectOptions;
  config: CdcConfig;
  snapshot: MysqlSnapshot;
  schema: SchemaHistory;
  position: CdcOffset;
  nowMs: number;
}): Promise<SnapshotSchemaRecord[]> {
  const { config: c, snapshot, schema, position, nowMs } = o;
  const dbs = [...new Set(snapshot.tables.map((t) => t.db))];
  const cs = await charsets(o.mysql, o.options, dbs);
  const at = snapshotPosition(position, position.tsSec);
  const out: SnapshotSchemaRecord[] = [];
  const emit = (ddl: string, db: string, table: string | null, changes: TableChange[] | null): void => {
    const applied = changes === null ? schema.apply(ddl, db, at, nowMs) : schema.preamble(ddl, db, at, nowMs, changes);
    if (applied === null) return;
    const source = { flavour: FLAVOURS[c.flavour], name: c.topicPrefix, tsMs: nowMs, snapshot: 'true' as const, db, table, serverId: 0, gtid: null, file: position.file, pos: position.pos, row: 0, thread: null, query: null };
    const event = c.includeSchemaChanges
      ? schemaChangeRecord(db, ddl, applied.changes, { prefix: c.topicPrefix, source, partition: sourcePartition(c.topicPrefix), offset: encodeOffset(position) })
      : null;
    out.push({ history: applied.record, event });
  };
  emit(`SET character_set_server=${cs.server.charset}, collation_server=${cs.server.collation}`, '', null, []);
  for (const t of snapshot.tables) emit(`DROP TABLE IF EXISTS ${quote(t.db)}.${quote(t.table)}`, t.db, t.table, [{ type: 'DROP', db: t.db, table: t.table, def: null }]);
  for (const db of dbs) {
    const d = cs.databases.get(db) ?? cs.server;
    emit(`DROP DATABASE IF EXISTS ${quote(db)}`, db, null, []);
    emit(`CREATE DATABASE ${quote(db)} CHARSET ${d.charset} COLLATE ${d.collation}`, db, null, []);
    emit(`USE ${quote(db)}`, db, null, []);
    for (const t of snapshot.tables.filter((x) => x.db === db)) emit(t.ddl, t.db, t.table, null);
  }
  return out;
}
