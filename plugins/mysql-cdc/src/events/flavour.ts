/**
 * The two Debezium connectors this plugin stands in for. They write the same events under different names:
 * io.debezium.connector.mysql.MySqlConnector (connector "mysql", the 3.0 event format) and
 * io.debezium.connector.mariadb.MariaDbConnector (connector "mariadb", checked against Debezium 3.5.0.Final, which also
 * versions its source and table schemas and adds the __debezium.context.* headers to data and schema-change records).
 */
export type FlavourName = 'mysql' | 'mariadb';

export interface Flavour {
  readonly connector: FlavourName;
  /** source.version */
  readonly version: string;
  /** Namespace of the Source, SchemaChangeKey and SchemaChangeValue schemas. */
  readonly namespace: string;
  /** Version on the Source and the io.debezium.connector.schema.* structs (absent in the older format). */
  readonly schemaVersion: number | undefined;
  readonly contextHeaders: boolean;
}

export const MYSQL_CLASS = 'io.debezium.connector.mysql.MySqlConnector';
export const MARIADB_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector';
export const MARIADB_CLASS_NAMES: readonly string[] = [MARIADB_CLASS, 'MariaDbConnector'];

export const FLAVOURS: Readonly<Record<FlavourName, Flavour>> = {
  mysql: { connector: 'mysql', version: '3.0.0.Final', namespace: 'io.debezium.connector.mysql', schemaVersion: undefined, contextHeaders: false },
  mariadb: { connector: 'mariadb', version: '3.5.0.Final', namespace: 'io.debezium.connector.mariadb', schemaVersion: 1, contextHeaders: true },
};

/** The flavour a connector.class names; the MySQL connector's class and aliases, or none, mean mysql. */
export function flavourOf(connectorClass: string | undefined): FlavourName {
  return connectorClass !== undefined && MARIADB_CLASS_NAMES.includes(connectorClass.trim()) ? 'mariadb' : 'mysql';
}

/** A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits; Debezium's runId has this form. */
export function uuidV7(nowMs: number, random: () => number = Math.random): string {
  const hex = Math.trunc(nowMs).toString(16).padStart(12, '0').slice(-12);
  const rand = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const variant = (8 + Math.floor(random() * 4)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7${rand(3)}-${variant}${rand(3)}-${rand(12)}`;
}

/**
 * The __debezium.context.* headers Debezium 3.5 puts on every data and schema-change record of a task run (null for the
 * flavour without them). One task, so taskId is always 0; runId names this start of the task.
 */
export function contextHeaders(f: Flavour, topicPrefix: string, nowMs: number): Readonly<Record<string, string>> | null {
  if (!f.contextHeaders) return null;
  return Object.freeze({
    '__debezium.context.connectorLogicalName': topicPrefix,
    '__debezium.context.taskId': '0',
    '__debezium.context.connectorName': f.connector,
    '__debezium.context.runId': uuidV7(nowMs),
  });
}
