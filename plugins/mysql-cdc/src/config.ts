/**
 * The connector's configuration: Debezium's MySQL connector keys (with their older names as aliases), declared once
 * as a ConfigDefinition for the host, and normalised into a frozen CdcConfig for the task.
 */
import type { ConfigDefinition, ConfigKey } from '@conveyor/sdk';
import { MARIADB_CLASS_NAMES, MYSQL_CLASS } from './events/flavour.ts';
import type { FlavourName } from './events/flavour.ts';

export const CONNECTOR_CLASS = MYSQL_CLASS;
/** The MariaDB connector's class is an alias too: configured, events carry that connector's names (events/flavour.ts). */
export const CONNECTOR_ALIASES = ['MySqlConnector', 'MySqlCdcSource', ...MARIADB_CLASS_NAMES] as const;

export const SNAPSHOT_MODES = ['initial', 'initial_only', 'no_data', 'when_needed', 'always', 'recovery'] as const;
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number];
export const SNAPSHOT_LOCKING_MODES = ['minimal', 'none'] as const;
export type SnapshotLockingMode = (typeof SNAPSHOT_LOCKING_MODES)[number];
export const DECIMAL_MODES = ['precise', 'double', 'string'] as const;
export type DecimalHandlingMode = (typeof DECIMAL_MODES)[number];
export const TIME_PRECISION_MODES = ['adaptive_time_microseconds', 'connect'] as const;
export type TimePrecisionMode = (typeof TIME_PRECISION_MODES)[number];
export const BIGINT_UNSIGNED_MODES = ['long', 'precise'] as const;
export type BigintUnsignedHandlingMode = (typeof BIGINT_UNSIGNED_MODES)[number];
export const BINARY_MODES = ['bytes', 'base64', 'base64-url-safe', 'hex'] as const;
export type BinaryHandlingMode = (typeof BINARY_MODES)[number];

/** Older key → current key. A config may use either name, not both with different values. */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  'database.server.name': 'topic.prefix',
  'database.whitelist': 'database.include.list',
  'database.blacklist': 'database.exclude.list',
  'table.whitelist': 'table.include.list',
  'table.blacklist': 'table.exclude.list',
  'column.blacklist': 'column.exclude.list',
  'database.history.kafka.topic': 'schema.history.internal.kafka.topic',
  'database.history.kafka.bootstrap.servers': 'schema.history.internal.kafka.bootstrap.servers',
};

/** Older snapshot.mode values Debezium still accepts. */
export const SNAPSHOT_MODE_ALIASES: Readonly<Record<string, SnapshotMode>> = { schema_only: 'no_data', schema_only_recovery: 'recovery' };

export interface CdcConfig {
  /** Which Debezium connector's names events carry, by connector.class. */
  readonly flavour: FlavourName;
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly serverId: number;
  readonly topicPrefix: string;
  readonly databaseInclude: readonly string[];
  readonly databaseExclude: readonly string[];
  readonly tableInclude: readonly string[];
  readonly tableExclude: readonly string[];
  readonly columnExclude: readonly string[];
  readonly snapshotMode: SnapshotMode;
  readonly snapshotLockingMode: SnapshotLockingMode;
  readonly snapshotFetchSize: number;
  readonly historyTopic: string | null;
  readonly historyBootstrapServers: string | null;
  readonly includeSchemaChanges: boolean;
  readonly includeQuery: boolean;
  readonly tombstonesOnDelete: boolean;
  readonly provideTransactionMetadata: boolean;
  /** <topic.prefix>.<topic.transaction>: where BEGIN/END events go. */
  readonly transactionTopic: string;
  readonly decimalHandlingMode: DecimalHandlingMode;
  readonly timePrecisionMode: TimePrecisionMode;
  readonly bigintUnsignedHandlingMode: BigintUnsignedHandlingMode;
  readonly binaryHandlingMode: BinaryHandlingMode;
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
  readonly pollIntervalMs: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTopicsPrefix: string;
  /** Reconnections after a lost connection before the task fails; -1 is no limit (Debezium's errors.max.retries). */
  readonly errorsMaxRetries: number;
  /** Wait before reconnecting after a retriable error (Debezium's retriable.restart.connector.wait.ms). */
  readonly retriableRestartWaitMs: number;
}

const k = (key: ConfigKey): ConfigKey => key;
const oneOf = (values: readonly string[]) => [{ kind: 'oneOf', values }] as const;
const alias = (name: string, current: string): ConfigKey =>
  k({ name, type: name.endsWith('list') || name.endsWith('blacklist') || name.endsWith('whitelist') ? 'list' : 'string', default: null, importance: 'low', documentation: `Older name of ${current}; use ${current}.`, group: 'Deprecated' });

export const configDefinition: ConfigDefinition = [
  k({ name: 'database.hostname', type: 'string', importance: 'high', documentation: 'Host name of the MySQL or MariaDB server.', group: 'Connection', validators: [{ kind: 'nonEmpty' }] }),
  k({ name: 'database.port', type: 'int', default: 3306, importance: 'high', documentation: 'Port of the server.', group: 'Connection', validators: [{ kind: 'range', min: 1, max: 65535 }] }),
  k({ name: 'database.user', type: 'string', importance: 'high', documentation: 'User with SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE and REPLICATION CLIENT.', group: 'Connection', validators: [{ kind: 'nonEmpty' }] }),
  k({ name: 'database.password', type: 'password', default: '', importance: 'high', documentation: 'Password of database.user.', group: 'Connection' }),
  k({ name: 'database.server.id', type: 'long', importance: 'high', documentation: 'Numeric id this connector uses as a replica; unique among the server\'s replicas.', group: 'Connection', validators: [{ kind: 'range', min: 1, max: 4294967295 }] }),
  k({ name: 'topic.prefix', type: 'string', default: null, importance: 'high', documentation: 'Logical server name: the prefix of every topic and the source.name of every event. Required.', group: 'Connector' }),
  k({ name: 'database.include.list', type: 'list', default: '', importance: 'high', documentation: 'Comma-separated regular expressions matching whole database names to capture.', group: 'Filters' }),
  k({ name: 'database.exclude.list', type: 'list', default: '', importance: 'medium', documentation: 'Comma-separated regular expressions matching whole database names not to capture.', group: 'Filters' }),
  k({ name: 'table.include.list', type: 'list', default: '', importance: 'high', documentation: 'Comma-separated regular expressions matching whole db.table names to capture.', group: 'Filters' }),
  k({ name: 'table.exclude.list', type: 'list', default: '', importance: 'medium', documentation: 'Comma-separated regular expressions matching whole db.table names not to capture.', group: 'Filters' }),
  k({ name: 'column.exclude.list', type: 'list', default: '', importance: 'medium', documentation: 'Comma-separated regular expressions matching whole db.table.column names left out of events.', group: 'Filters' }),
  k({ name: 'snapshot.mode', type: 'string', default: 'initial', importance: 'medium', documentation: 'When to snapshot: initial, initial_only, no_data, when_needed, always, recovery.', group: 'Snapshot', validators: oneOf([...SNAPSHOT_MODES, ...Object.keys(SNAPSHOT_MODE_ALIASES)]) }),
  k({ name: 'snapshot.locking.mode', type: 'string', default: 'minimal', importance: 'low', documentation: 'minimal: a global read lock only while the position and table definitions are read; none: no lock (MariaDB reads the position from the snapshot transaction).', group: 'Snapshot', validators: oneOf(SNAPSHOT_LOCKING_MODES) }),
  k({ name: 'snapshot.fetch.size', type: 'int', default: 1024, importance: 'low', documentation: 'Rows per snapshot chunk (read by primary key).', group: 'Snapshot', validators: [{ kind: 'range', min: 1, max: 10000 }] }),
  k({ name: 'schema.history.internal.kafka.topic', type: 'string', default: null, importance: 'high', documentation: 'Topic (one partition) holding the schema history.', group: 'History' }),
  k({ name: 'schema.history.internal.kafka.bootstrap.servers', type: 'string', default: null, importance: 'high', documentation: 'Kafka brokers of the schema history topic.', group: 'History' }),
  k({ name: 'include.schema.changes', type: 'boolean', default: true, importance: 'medium', documentation: 'Publish schema changes to the topic named by topic.prefix.', group: 'Events' }),
  k({ name: 'include.query', type: 'boolean', default: false, importance: 'low', documentation: 'Fill source.query with the statement that changed the row (MariaDB: annotate rows events).', group: 'Events' }),
  k({ name: 'tombstones.on.delete', type: 'boolean', default: true, importance: 'medium', documentation: 'Follow each delete with a null-valued record of the same key.', group: 'Events' }),
  k({ name: 'provide.transaction.metadata', type: 'boolean', default: false, importance: 'low', documentation: 'Add a transaction block to data events and publish BEGIN/END events to <topic.prefix>.<topic.transaction>.', group: 'Events' }),
  k({ name: 'topic.transaction', type: 'string', default: 'transaction', importance: 'low', documentation: 'Suffix of the transaction metadata topic.', group: 'Events' }),
  k({ name: 'decimal.handling.mode', type: 'string', default: 'precise', importance: 'medium', documentation: 'DECIMAL as Connect Decimal (precise), double or string.', group: 'Types', validators: oneOf(DECIMAL_MODES) }),
  k({ name: 'time.precision.mode', type: 'string', default: 'adaptive_time_microseconds', importance: 'medium', documentation: 'adaptive_time_microseconds or connect (Kafka Connect Date/Time/Timestamp, millisecond precision).', group: 'Types', validators: oneOf(TIME_PRECISION_MODES) }),
  k({ name: 'bigint.unsigned.handling.mode', type: 'string', default: 'long', importance: 'medium', documentation: 'BIGINT UNSIGNED as int64 (long) or Connect Decimal (precise).', group: 'Types', validators: oneOf(BIGINT_UNSIGNED_MODES) }),
  k({ name: 'binary.handling.mode', type: 'string', default: 'bytes', importance: 'low', documentation: 'BINARY, VARBINARY and BLOB columns as bytes, or as base64, base64-url-safe or hex strings.', group: 'Types', validators: oneOf(BINARY_MODES) }),
  k({ name: 'max.batch.size', type: 'int', default: 2048, importance: 'low', documentation: 'Most records one poll returns.', group: 'Connector', validators: [{ kind: 'range', min: 1 }] }),
  k({ name: 'max.queue.size', type: 'int', default: 8192, importance: 'low', documentation: 'Most binlog events buffered ahead of poll; must exceed max.batch.size.', group: 'Connector', validators: [{ kind: 'range', min: 1 }] }),
  k({ name: 'poll.interval.ms', type: 'long', default: 500, importance: 'low', documentation: 'How long a poll waits for new events.', group: 'Connector', validators: [{ kind: 'range', min: 0 }] }),
  k({ name: 'heartbeat.interval.ms', type: 'int', default: 0, importance: 'low', documentation: 'Heartbeat period; 0 disables heartbeats.', group: 'Connector', validators: [{ kind: 'range', min: 0 }] }),
  k({ name: 'errors.max.retries', type: 'int', default: -1, importance: 'low', documentation: 'Reconnections to the database after a lost connection before the task fails: -1 no limit, 0 none.', group: 'Connector', validators: [{ kind: 'range', min: -1 }] }),
  k({ name: 'retriable.restart.connector.wait.ms', type: 'long', default: 10_000, importance: 'low', documentation: 'How long to wait before reconnecting after a retriable error such as a lost connection.', group: 'Connector', validators: [{ kind: 'range', min: 0 }] }),
  k({ name: 'heartbeat.topics.prefix', type: 'string', default: '__debezium-heartbeat', importance: 'low', documentation: 'Heartbeats go to <prefix>.<topic.prefix>.', group: 'Connector' }),
  ...Object.entries(KEY_ALIASES).map(([older, current]) => alias(older, current)),
];
