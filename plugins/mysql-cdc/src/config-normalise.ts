/** Turns raw connector properties into a frozen CdcConfig, resolving older key names and naming every problem. */
import {
  BIGINT_UNSIGNED_MODES,
  BINARY_MODES,
  DECIMAL_MODES,
  KEY_ALIASES,
  SNAPSHOT_LOCKING_MODES,
  SNAPSHOT_MODES,
  SNAPSHOT_MODE_ALIASES,
  TIME_PRECISION_MODES,
  configDefinition,
} from './config.ts';
import type { CdcConfig } from './config.ts';
import { flavourOf } from './events/flavour.ts';
import { compilePatterns } from './filters.ts';

export type ConfigErrors = Record<string, string[]>;
export type NormaliseResult = { ok: true; config: CdcConfig } | { ok: false; errors: ConfigErrors };


class Reader {
  readonly errors: ConfigErrors = {};
  readonly raw: Readonly<Record<string, string>>;
  constructor(raw: Readonly<Record<string, string>>) {
    this.raw = raw;
  }
  fail(key: string, msg: string): void {
    (this.errors[key] ??= []).push(msg);
  }
  /** The value under the current name or its older alias; both set to different values is an error. */
  get(key: string): string | undefined {
    const olderNames = Object.keys(KEY_ALIASES).filter((o) => KEY_ALIASES[o] === key);
    let value = this.raw[key];
    for (const older of olderNames) {
      const v = this.raw[older];
      if (v === undefined) continue;
      if (value !== undefined && value.trim() !== v.trim()) this.fail(key, `${key} and its older name ${older} are both set, to different values; remove ${older}`);
      value ??= v;
    }
    return value;
  }
  defaultOf(key: string): string | undefined {
    const d = configDefinition.find((c) => c.name === key)?.default;
    return d === undefined || d === null ? undefined : Array.isArray(d) ? d.join(',') : String(d);
  }
  str(key: string, required = false): string {
    const v = (this.get(key) ?? this.defaultOf(key))?.trim();
    if (v === undefined || v === '') {
      if (required) this.fail(key, `Missing required configuration "${key}"`);
      return '';
    }
    return v;
  }
  int(key: string, min: number, max: number, required = false): number {
    const text = this.str(key, required);
    if (text === '') return 0;
    const n = Number(text);
    if (!Number.isInteger(n)) this.fail(key, `Invalid value ${text} for configuration ${key}: not an integer`);
    else if (n < min || n > max) this.fail(key, `Invalid value ${text} for configuration ${key}: must be between ${min} and ${max}`);
    return n;
  }
  bool(key: string): boolean {
    const text = this.str(key).toLowerCase();
    if (text !== 'true' && text !== 'false') this.fail(key, `Invalid value ${text} for configuration ${key}: Expected value to be either true or false`);
    return text === 'true';
  }
  oneOf<T extends string>(key: string, values: readonly T[], aliases: Readonly<Record<string, string>> = {}): T {
    const text = this.str(key).toLowerCase();
    const v = aliases[text] ?? text;
    if (!values.includes(v as T)) this.fail(key, `Invalid value ${text} for configuration ${key}: must be one of ${values.join(', ')}`);
    return v as T;
  }
  list(key: string): string[] {
    const text = this.str(key);
    if (text === '') return [];
    const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    try {
      compilePatterns(items);
    } catch (err) {
      this.fail(key, `Invalid regular expression in ${key}: ${(err as Error).message}`);
    }
    return items;
  }
}

export function normaliseConfig(raw: Readonly<Record<string, string>>): NormaliseResult {
  const r = new Reader(raw);
  const topicPrefix = r.str('topic.prefix');
  if (topicPrefix === '') r.fail('topic.prefix', 'Missing required configuration "topic.prefix" (the logical server name; database.server.name is accepted as its older name)');
  else if (!/^[A-Za-z0-9._-]+$/.test(topicPrefix)) r.fail('topic.prefix', `Invalid value ${topicPrefix} for configuration topic.prefix: only letters, digits, '.', '_' and '-' are allowed in topic names`);
  const config: CdcConfig = {
    flavour: flavourOf(raw['connector.class']),
    hostname: r.str('database.hostname', true),
    port: r.int('database.port', 1, 65535),
    user: r.str('database.user', true),
    password: r.get('database.password') ?? '',
    serverId: r.int('database.server.id', 1, 4294967295, true),
    topicPrefix,
    databaseInclude: r.list('database.include.list'),
    databaseExclude: r.list('database.exclude.list'),
    tableInclude: r.list('table.include.list'),
    tableExclude: r.list('table.exclude.list'),
    columnExclude: r.list('column.exclude.list'),
    snapshotMode: r.oneOf('snapshot.mode', SNAPSHOT_MODES, SNAPSHOT_MODE_ALIASES),
    snapshotLockingMode: r.oneOf('snapshot.locking.mode', SNAPSHOT_LOCKING_MODES),
    snapshotFetchSize: r.int('snapshot.fetch.size', 1, 10000),
    historyTopic: r.str('schema.history.internal.kafka.topic') || null,
    historyBootstrapServers: r.str('schema.history.internal.kafka.bootstrap.servers') || null,
    includeSchemaChanges: r.bool('include.schema.changes'),
    includeQuery: r.bool('include.query'),
    tombstonesOnDelete: r.bool('tombstones.on.delete'),
    provideTransactionMetadata: r.bool('provide.transaction.metadata'),
    transactionTopic: `${topicPrefix}.${r.str('topic.transaction')}`,
    decimalHandlingMode: r.oneOf('decimal.handling.mode', DECIMAL_MODES),
    timePrecisionMode: r.oneOf('time.precision.mode', TIME_PRECISION_MODES),
    bigintUnsignedHandlingMode: r.oneOf('bigint.unsigned.handling.mode', BIGINT_UNSIGNED_MODES),
    binaryHandlingMode: r.oneOf('binary.handling.mode', BINARY_MODES),
    maxBatchSize: r.int('max.batch.size', 1, 1_000_000),
    maxQueueSize: r.int('max.queue.size', 1, 10_000_000),
    pollIntervalMs: r.int('poll.interval.ms', 0, 3_600_000),
    heartbeatIntervalMs: r.int('heartbeat.interval.ms', 0, 2_147_483_647),
    heartbeatTopicsPrefix: r.str('heartbeat.topics.prefix'),
    errorsMaxRetries: r.int('errors.max.retries', -1, 2_147_483_647),
    retriableRestartWaitMs: r.int('retriable.restart.connector.wait.ms', 0, 3_600_000),
  };
  for (const [inc, exc] of [
    ['database.include.list', 'database.exclude.list'],
    ['table.include.list', 'table.exclude.list'],
  ] as const) {
    if (r.str(inc) !== '' && r.str(exc) !== '') r.fail(exc, `${inc} and ${exc} cannot both be set; use one of them`);
  }
  if (config.maxQueueSize <= config.maxBatchSize) r.fail('max.queue.size', `max.queue.size (${config.maxQueueSize}) must be larger than max.batch.size (${config.maxBatchSize})`);
  if (config.historyTopic === null && config.snapshotMode !== 'initial_only') {
    r.fail('schema.history.internal.kafka.topic', 'Missing required configuration "schema.history.internal.kafka.topic" (database.history.kafka.topic is accepted as its older name): the connector records table definitions there to decode older binlog events after a restart');
  }
  if (Object.keys(r.errors).length > 0) return { ok: false, errors: r.errors };
  return { ok: true, config: Object.freeze(config) };
}

/** The SDK's extra-validation hook: key → messages, empty when the config is valid. */
export function validateCdcConfig(raw: Readonly<Record<string, string>>): ConfigErrors {
  const result = normaliseConfig(raw);
  return result.ok ? {} : result.errors;
}
