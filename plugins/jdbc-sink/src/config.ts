/**
 * The JDBC sink's configuration: the keys of Confluent's io.confluent.connect.jdbc.JdbcSinkConnector that apply to
 * MySQL and MariaDB, parsed once into settings. connection.url is a JDBC URL (jdbc:mysql:// or jdbc:mariadb://).
 */
import type { ConfigValues, Password } from '@conveyor/sdk';

export const CONNECTOR_CLASS = 'io.confluent.connect.jdbc.JdbcSinkConnector';
/** Debezium's JDBC sink class: the same connector with Debezium's key names, naming and change-event handling. */
export const DEBEZIUM_CLASS = 'io.debezium.connector.jdbc.JdbcSinkConnector';
export const CONNECTOR_ALIASES = ['JdbcSinkConnector', DEBEZIUM_CLASS] as const;

export const JDBC_SINK_CONFIG = [
  { name: 'topics', type: 'list', importance: 'high', documentation: 'Topics to consume.', validators: [{ kind: 'nonEmpty' }] },
  { name: 'connection.url', type: 'string', importance: 'high', documentation: 'JDBC URL of the database: jdbc:mysql://host:port/database or jdbc:mariadb://host:port/database.' },
  { name: 'connection.user', type: 'string', default: null, importance: 'high', documentation: 'Database user.' },
  { name: 'connection.password', type: 'password', default: null, importance: 'high', documentation: 'Database password (never logged).' },
  { name: 'insert.mode', type: 'string', default: 'insert', importance: 'high', documentation: 'insert, upsert (INSERT ... ON DUPLICATE KEY UPDATE) or update.', validators: [{ kind: 'oneOf', values: ['insert', 'upsert', 'update', 'INSERT', 'UPSERT', 'UPDATE'] }] },
  { name: 'pk.mode', type: 'string', default: 'none', importance: 'high', documentation: 'Where the primary key comes from: none, kafka (topic, partition, offset), record_key or record_value.', validators: [{ kind: 'oneOf', values: ['none', 'kafka', 'record_key', 'record_value'] }] },
  { name: 'pk.fields', type: 'list', default: '', importance: 'medium', documentation: 'The primary key columns (see pk.mode); empty takes all fields of a struct key or value.' },
  { name: 'fields.whitelist', type: 'list', default: '', importance: 'medium', documentation: 'The value fields written (all when empty).' },
  { name: 'delete.enabled', type: 'boolean', default: false, importance: 'medium', documentation: 'A tombstone (null value) deletes the row with its key; needs pk.mode=record_key.' },
  { name: 'table.name.format', type: 'string', default: '${topic}', importance: 'medium', documentation: 'The table of a record; ${topic} is replaced by its topic.' },
  { name: 'auto.create', type: 'boolean', default: false, importance: 'medium', documentation: 'Create a missing table from the record schema.' },
  { name: 'auto.evolve', type: 'boolean', default: false, importance: 'medium', documentation: 'Add columns for fields the table lacks (they must be optional or have a default).' },
  { name: 'batch.size', type: 'int', default: 3000, importance: 'medium', documentation: 'Rows per multi-row statement.', validators: [{ kind: 'range', min: 1, max: 10000 }] },
  { name: 'max.retries', type: 'int', default: 10, importance: 'medium', documentation: 'Times a batch is tried again after a database error before the task fails.', validators: [{ kind: 'range', min: 0 }] },
  { name: 'retry.backoff.ms', type: 'int', default: 3000, importance: 'medium', documentation: 'Wait before a batch is tried again.', validators: [{ kind: 'range', min: 0 }] },
  { name: 'connection.username', type: 'string', default: null, importance: 'high', documentation: 'Debezium JDBC sink: database user (connection.user).' },
  { name: 'primary.key.mode', type: 'string', default: null, importance: 'high', documentation: 'Debezium JDBC sink: pk.mode (none, kafka, record_key, record_value).' },
  { name: 'primary.key.fields', type: 'string', default: null, importance: 'medium', documentation: 'Debezium JDBC sink: pk.fields (comma-separated).' },
  { name: 'field.include.list', type: 'string', default: null, importance: 'medium', documentation: 'Debezium JDBC sink: fields.whitelist (comma-separated).' },
  { name: 'schema.evolution', type: 'string', default: null, importance: 'medium', documentation: 'Debezium JDBC sink: none, or basic (auto.create and auto.evolve).' },
  { name: 'db.timezone', type: 'string', default: 'UTC', importance: 'medium', documentation: 'Time zone of DATE/TIME/DATETIME values written (only UTC is supported).', validators: [{ kind: 'oneOf', values: ['UTC'] }] },
] as const;

export type JdbcSinkConfigValues = ConfigValues<typeof JDBC_SINK_CONFIG>;

export type InsertMode = 'insert' | 'upsert' | 'update';
export type PkMode = 'none' | 'kafka' | 'record_key' | 'record_value';

export interface JdbcSinkSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: Password | null;
  readonly insertMode: InsertMode;
  readonly pkMode: PkMode;
  readonly pkFields: readonly string[];
  readonly fieldsWhitelist: readonly string[];
  readonly deleteEnabled: boolean;
  readonly tableFormat: string;
  readonly autoCreate: boolean;
  readonly autoEvolve: boolean;
  readonly batchSize: number;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  /** Debezium's JDBC sink: table names have dots replaced by underscores, and change events are applied by op. */
  readonly debezium: boolean;
}

/** jdbc:mysql://host:port/db?params → its parts; throws with the key named when it is not such a URL. */
export function parseJdbcUrl(url: string): { host: string; port: number; database: string } {
  const m = /^jdbc:(?:mysql|mariadb):\/\/([^/:?#]+|\[[^\]]+\])(?::(\d+))?\/([^?;#]+)/.exec(url.trim());
  if (m === null) throw new Error(`Invalid value ${url} for configuration connection.url: expected jdbc:mysql://host:port/database or jdbc:mariadb://host:port/database`);
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: m[2] === undefined ? 3306 : Number(m[2]), database: decodeURIComponent(m[3] as string) };
}

const list = (text: string | null): string[] | null => (text === null ? null : text.split(',').map((x) => x.trim()).filter((x) => x !== ''));

/** Settings from either key set; Debezium's keys win where both are given. */
export function settingsFrom(c: JdbcSinkConfigValues, connectorClass = CONNECTOR_CLASS): JdbcSinkSettings {
  const { host, port, database } = parseJdbcUrl(c['connection.url']);
  const evolution = c['schema.evolution'] === 'basic';
  return {
    host,
    port,
    database,
    user: c['connection.username'] ?? c['connection.user'] ?? '',
    password: c['connection.password'],
    insertMode: c['insert.mode'].toLowerCase() as InsertMode,
    pkMode: (c['primary.key.mode'] ?? c['pk.mode']) as PkMode,
    pkFields: list(c['primary.key.fields']) ?? c['pk.fields'],
    fieldsWhitelist: list(c['field.include.list']) ?? c['fields.whitelist'],
    deleteEnabled: c['delete.enabled'],
    tableFormat: c['table.name.format'],
    autoCreate: c['auto.create'] || evolution,
    autoEvolve: c['auto.evolve'] || evolution,
    batchSize: c['batch.size'],
    maxRetries: c['max.retries'],
    retryBackoffMs: c['retry.backoff.ms'],
    debezium: connectorClass === DEBEZIUM_CLASS,
  };
}

/** Cross-key checks, with Confluent's rules: deletes need record_key, upserts and updates need a key. */
export function validateJdbcSinkConfig(c: JdbcSinkConfigValues): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, msg: string): void => void (errors[key] ??= []).push(msg);
  try {
    parseJdbcUrl(c['connection.url']);
  } catch (e) {
    add('connection.url', (e as Error).message);
  }
  const oneOf = (key: 'primary.key.mode' | 'schema.evolution', values: readonly string[]): void => {
    const v = c[key];
    if (v !== null && !values.includes(v)) add(key, `Invalid value ${v} for configuration ${key}: String must be one of: ${values.join(', ')}`);
  };
  oneOf('primary.key.mode', ['none', 'kafka', 'record_key', 'record_value']);
  oneOf('schema.evolution', ['none', 'basic']);
  const pkKey = c['primary.key.mode'] === null ? 'pk.mode' : 'primary.key.mode';
  const pkMode = c['primary.key.mode'] ?? c['pk.mode'];
  const pkFields = list(c['primary.key.fields']) ?? c['pk.fields'];
  if (c['delete.enabled'] && pkMode !== 'record_key') add('delete.enabled', `Deletes are only supported for ${pkKey} record_key`);
  if (c['insert.mode'].toLowerCase() !== 'insert' && pkMode === 'none') add(pkKey, `insert.mode=${c['insert.mode']} needs a primary key: set ${pkKey} to kafka, record_key or record_value`);
  if (pkMode === 'kafka' && pkFields.length !== 0 && pkFields.length !== 3) add(c['primary.key.fields'] === null ? 'pk.fields' : 'primary.key.fields', `${pkKey}=kafka takes exactly three key fields (topic, partition and offset columns), or none for the defaults`);
  return errors;
}
