import type { JsonValue, SourceOffset, SourcePartition } from './records.ts';

/** Capability names a manifest may request. log, config, clock and offsets are always granted. */
export const CAPABILITY_NAMES = ['log', 'config', 'clock', 'offsets', 'mysql', 'elasticsearch', 'http', 'files'] as const;
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];
export const ALWAYS_GRANTED: readonly CapabilityName[] = ['log', 'config', 'clock', 'offsets'];

export type LogFields = Record<string, JsonValue>;
export interface LogCapability {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface ClockCapability {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface OffsetsCapability {
  /** The last committed offset of one source partition of this task, or null. */
  get(partition: SourcePartition): Promise<SourceOffset | null>;
}

export interface MysqlConnectOptions {
  host: string;
  port?: number;
  user: string;
  password?: string;
  database?: string;
}
export interface MysqlQueryResult {
  rows: Record<string, JsonValue>[];
  affectedRows?: number;
  insertId?: number;
}
export interface BinlogPosition {
  file: string;
  position: number;
}
export interface BinlogRowEvent {
  type: 'insert' | 'update' | 'delete';
  database: string;
  table: string;
  rows: { before?: Record<string, JsonValue>; after?: Record<string, JsonValue> }[];
  position: BinlogPosition;
  timestamp: number;
}
export interface MysqlCapability {
  connect(options: MysqlConnectOptions): Promise<string>;
  query(connection: string, sql: string, params?: JsonValue[]): Promise<MysqlQueryResult>;
  close(connection: string): Promise<void>;
  /** Opens a binlog stream from a position (or the current end when omitted); read it in batches. */
  binlogOpen(options: MysqlConnectOptions & { serverId: number; from?: BinlogPosition; tables?: string[] }): Promise<string>;
  binlogRead(stream: string, max: number, waitMs?: number): Promise<BinlogRowEvent[]>;
  binlogClose(stream: string): Promise<void>;
}

export interface ElasticsearchCapability {
  bulk(operations: JsonValue[], options?: { refresh?: boolean }): Promise<{ errors: boolean; items: JsonValue[] }>;
  indexExists(index: string): Promise<boolean>;
  indexCreate(index: string, body?: JsonValue): Promise<void>;
  putMapping(index: string, mapping: JsonValue): Promise<void>;
  getMapping(index: string): Promise<JsonValue>;
  search(index: string, query: JsonValue): Promise<JsonValue>;
  refresh(index: string): Promise<void>;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
export interface HttpCapability {
  fetch(url: string, request?: HttpRequest): Promise<HttpResponse>;
}

export interface FilesCapability {
  read(path: string): Promise<string>;
  write(path: string, data: string, options?: { append?: boolean }): Promise<void>;
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
  mysql: MysqlCapability;
  elasticsearch: ElasticsearchCapability;
  http: HttpCapability;
  files: FilesCapability;
}
