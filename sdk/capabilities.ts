import type { MetricLabels } from './metrics.ts';
import type { JsonValue, SourceOffset, SourcePartition } from './records.ts';

/** Capability names a manifest may request. log, config, clock, offsets and metrics are always granted. */
export const CAPABILITY_NAMES = ['log', 'config', 'clock', 'offsets', 'metrics', 'mysql', 'elasticsearch', 'http', 'files', 'errantRecordReporter'] as const;
/** A capability's name, as conveyor-plugin.json lists it. */
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];
/** Granted to every plugin without asking. */
export const ALWAYS_GRANTED: readonly CapabilityName[] = ['log', 'config', 'clock', 'offsets', 'metrics'];

/** Structured fields of a log line (JSON values). */
export type LogFields = Record<string, JsonValue>;
/** The worker's structured log, attributed to the connector and task; never log secrets (Password hides itself). */
export interface LogCapability {
  /** Detail for debugging, off by default. */
  debug(msg: string, fields?: LogFields): void;
  /** Lifecycle and progress. */
  info(msg: string, fields?: LogFields): void;
  /** Something wrong that the task survives. */
  warn(msg: string, fields?: LogFields): void;
  /** Something wrong that needs attention. */
  error(msg: string, fields?: LogFields): void;
}

/** Time, replaceable in tests (HarnessOptions.clock). */
export interface ClockCapability {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after ms milliseconds (bounded by the task's call deadline). */
  sleep(ms: number): Promise<void>;
}

/**
 * The task's own Prometheus metrics, as its manifest's `metrics` declares them (served on the worker's GET /metrics
 * with `connector` and `task` labels the worker adds). Calls are plain in-isolate bookkeeping; the changes reach the
 * worker with the task's next calls, at most a few times a second. A name, label or value the manifest does not
 * allow throws; so does a report the worker refused earlier.
 */
export interface MetricsCapability {
  /** A gauge's value. */
  set(name: string, value: number, labels?: MetricLabels): void;
  /** Adds to a counter (or a gauge); value defaults to 1. */
  inc(name: string, value?: number, labels?: MetricLabels): void;
  /** One observation of a histogram. */
  observe(name: string, value: number, labels?: MetricLabels): void;
}

/** A source task's committed offsets. */
export interface OffsetsCapability {
  /** The last committed offset of one source partition of this task, or null. */
  get(partition: SourcePartition): Promise<SourceOffset | null>;
}

/** Where and how to connect to MySQL/MariaDB; host:port must be allowed by the connector's policy. */
export interface MysqlConnectOptions {
  host: string;
  port?: number;
  user: string;
  password?: string;
  database?: string;
}
/** The rows (or counts) of one statement. */
export interface MysqlQueryResult {
  rows: Record<string, JsonValue>[];
  affectedRows?: number;
  insertId?: number;
}
/**
 * Binlog events as the host's reader delivers them (JSON-safe; one union per kind). `pos` is where an event starts,
 * `nextPos` where the next one starts, `txFile`/`txPos` where the enclosing transaction began (its GTID or BEGIN).
 * Row values: integers as numbers (beyond ±2^53 as decimal strings), DECIMAL as strings, temporal values as
 * strings, binary as base64, JSON as its text.
 */
export type BinlogRow = Record<string, JsonValue>;
interface BinlogPositioned {
  file: string;
  pos: number;
  nextPos: number;
  /** Milliseconds since the epoch (the binlog stores seconds). */
  timestamp: number;
  serverId: number;
  /** The transaction's GTID: 'domain-server-seq' (MariaDB) or 'uuid:n' (MySQL); null when unknown. */
  gtid: string | null;
}
export interface RotateEvent {
  kind: 'rotate';
  file: string;
  pos: number;
}
export interface BeginEvent extends BinlogPositioned {
  kind: 'begin';
}
export interface RowsEvent extends BinlogPositioned {
  kind: 'rows';
  op: 'insert' | 'update' | 'delete';
  db: string;
  table: string;
  tableId: number;
  txFile: string;
  txPos: number;
  rows: { before: BinlogRow | null; after: BinlogRow | null }[];
  /** The statement behind the rows (MariaDB annotate rows / MySQL rows query events), when requested. */
  query: string | null;
  thread: number | null;
}
export interface CommitEvent extends BinlogPositioned {
  kind: 'commit';
}
/** A statement outside a row transaction: DDL and the like. It is its own transaction (no commit follows). */
export interface QueryEvent extends BinlogPositioned {
  kind: 'query';
  db: string;
  sql: string;
  thread: number | null;
  /** Where the statement's own event starts (`pos` is where its transaction, the GTID event, starts). */
  statementPos?: number;
}
export interface HeartbeatEvent {
  kind: 'heartbeat';
  file: string;
  pos: number;
}
export type BinlogEvent = RotateEvent | BeginEvent | RowsEvent | CommitEvent | QueryEvent | HeartbeatEvent;

/** Where a binlog stream starts: a file/position, a GTID position/set, or the server's current end. */
export type BinlogStartSpec = { file: string; pos: number } | { gtids: string } | 'end';
/** Debezium include/exclude lists: anchored, case-insensitive regexes against `db` and `db.table`. */
export interface MysqlTableFilter {
  databaseInclude?: string[];
  databaseExclude?: string[];
  tableInclude?: string[];
  tableExclude?: string[];
}
export interface MysqlPreflightReport {
  /** Each problem names what is wrong and the fix. */
  problems: { check: string; message: string }[];
  warnings: string[];
  server: { version: string; mariadb: boolean; serverId: number; binlogFiles: { file: string; size: number }[] } | null;
}
export interface MysqlSnapshotTable {
  db: string;
  table: string;
  /** SHOW CREATE TABLE at the snapshot instant. */
  ddl: string;
  primaryKey: string[];
  estimatedRows: number;
}
export interface MysqlSnapshot {
  id: string;
  /** The binlog position (and GTID position) the snapshot is consistent with. */
  position: { file: string; pos: number; gtids: string | null };
  tables: MysqlSnapshotTable[];
}
export interface MysqlSnapshotChunk {
  rows: BinlogRow[];
  done: boolean;
  rowsRead: number;
}
/** MySQL/MariaDB through the host's client: queries, consistent snapshots and binlog streams. */
export interface MysqlCapability {
  /** Opens a connection; resolves to its handle. */
  connect(options: MysqlConnectOptions): Promise<string>;
  /** Runs one statement with `?` parameters. */
  query(connection: string, sql: string, params?: JsonValue[]): Promise<MysqlQueryResult>;
  /** Closes a connection. */
  close(connection: string): Promise<void>;
  /** Checks binary logging, ROW/FULL images, privileges, a stored position and include lists. */
  preflight(options: MysqlConnectOptions & { position?: { file: string; pos: number; gtids?: string | null } | null; tableIncludeList?: string[]; databaseIncludeList?: string[] }): Promise<MysqlPreflightReport>;
  /** Opens a binlog stream (default: the current end); events of tables outside `filter` are dropped on the host. */
  binlogOpen(options: MysqlConnectOptions & { serverId: number; start?: BinlogStartSpec; filter?: MysqlTableFilter; includeQuery?: boolean; maxQueued?: number }): Promise<string>;
  /** Up to max (<= 10,000) events; waits up to waitMs (<= 30,000) when none are buffered. */
  binlogRead(stream: string, max: number, waitMs?: number): Promise<BinlogEvent[]>;
  /** Closes a binlog stream. */
  binlogClose(stream: string): Promise<void>;
  /** A consistent snapshot session (REPEATABLE READ, WITH CONSISTENT SNAPSHOT) of the tables inside `filter`. */
  snapshotOpen(options: MysqlConnectOptions & { lockMode?: 'minimal' | 'none'; filter?: MysqlTableFilter }): Promise<MysqlSnapshot>;
  /** The next chunk (<= 10,000 rows) of a table in primary-key order. */
  snapshotRead(snapshot: string, db: string, table: string, limit: number): Promise<MysqlSnapshotChunk>;
  /** Ends a snapshot session. */
  snapshotClose(snapshot: string): Promise<void>;
}

/** The cluster a task writes to (see ElasticsearchCapability.connect). */
export interface ElasticsearchConnectOptions {
  /** Node URLs (the connector's connection.url); each host:port must be allowed by the connector policy. */
  urls: string[];
  username?: string | null;
  password?: string | null;
  requestTimeoutMs?: number;
}
/** A bulk request that failed as a whole: HTTP status (0 without a response) and Elasticsearch's error type. */
export interface ElasticsearchRequestFailure {
  statusCode: number;
  type: string;
  reason: string;
}
/** Elasticsearch through the host's official client, limited to the policy's hosts and index prefixes. */
export interface ElasticsearchCapability {
  /** Names the cluster the later calls reach; without it the policy's elasticsearchNode is used. */
  connect(options: ElasticsearchConnectOptions): Promise<void>;
  /**
   * One _bulk request: action and document lines, as objects or as the NDJSON text itself (which crosses the sandbox
   * as bytes and goes to Elasticsearch as is: the cheaper way for large requests); per-item results, or the failure
   * of the request as a whole. `filterPath` is Elasticsearch's `filter_path` for the items (e.g.
   * `items.*.status,items.*.error`; `errors` is always kept): a smaller response to carry back.
   */
  bulk(operations: JsonValue[] | string, options?: { refresh?: boolean; filterPath?: string }): Promise<{ errors: boolean; items: JsonValue[]; failure?: ElasticsearchRequestFailure }>;
  /** Whether the index (or alias, or data stream) exists. */
  indexExists(index: string): Promise<boolean>;
  /** Creates an index with optional settings and mappings. */
  indexCreate(index: string, body?: JsonValue): Promise<void>;
  /** Adds fields to an index's mapping. */
  putMapping(index: string, mapping: JsonValue): Promise<void>;
  /** An index's mapping. */
  getMapping(index: string): Promise<JsonValue>;
  /** A search request's response. */
  search(index: string, query: JsonValue): Promise<JsonValue>;
  /** Makes recent writes searchable. */
  refresh(index: string): Promise<void>;
}

/** What a sink task reports about a record it cannot write (Kafka Connect's ErrantRecordReporter). */
export interface ErrantRecord {
  topic: string;
  partition: number;
  offset: number;
  /** The exact offset as decimal text when it is past 2^53 (a SinkRecord's offsetText; pass the record as it came). */
  offsetText?: string;
  key: JsonValue;
  value: JsonValue;
  headers?: Record<string, string>;
  timestamp?: number;
}
/** Why a record could not be written. */
export interface ErrantRecordError {
  message: string;
  /** The error's class or type, e.g. Elasticsearch's document_parsing_exception. */
  type?: string;
}
/**
 * Sends a record the sink task could not write to the connector's error handling: the dead-letter queue
 * (errors.deadletterqueue.*, with __connect.errors.* headers) and the error log; resolves once it is reported,
 * rejects (failing the task) when errors.tolerance=none. Key and value that are not strings are written as JSON.
 */
export interface ErrantRecordReporterCapability {
  report(record: ErrantRecord, error: ErrantRecordError): Promise<void>;
}

/** An HTTP request's method, headers, text body and timeout. */
export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}
/** An HTTP response with its text body. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
/** HTTP to the origins the connector's policy allows. */
export interface HttpCapability {
  /** One request; resolves with the response whatever its status, rejects on a denied origin or a network error. */
  fetch(url: string, request?: HttpRequest): Promise<HttpResponse>;
}

/** Files inside the directories the connector's policy allows (absolute paths). */
export interface FilesCapability {
  /** A whole (bounded) file as UTF-8 text. */
  read(path: string): Promise<string>;
  /** Writes (or appends) text; one path's writes are applied in the order they were issued. */
  write(path: string, data: string, options?: { append?: boolean }): Promise<void>;
  /** The names in a directory. */
  list(dir: string): Promise<string[]>;
  /**
   * Complete lines (split on \n, a \r before it kept) starting at byte `position`, reading at most `maxBytes`; `position`
   * in the result is where the next call continues (a partial last line is left for it).
   */
  readLines(path: string, position: number, maxBytes: number): Promise<{ lines: string[]; position: number }>;
}

/** What every task and connector receives. Calls to a capability the manifest does not request are denied. */
export interface Capabilities {
  log: LogCapability;
  clock: ClockCapability;
  offsets: OffsetsCapability;
  metrics: MetricsCapability;
  mysql: MysqlCapability;
  elasticsearch: ElasticsearchCapability;
  http: HttpCapability;
  files: FilesCapability;
  errantRecordReporter: ErrantRecordReporterCapability;
}
