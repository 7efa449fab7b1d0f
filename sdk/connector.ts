import type { Capabilities } from './capabilities.ts';
import type { ConfigDefinition, ConfigValues, ParsedConfig } from './config.ts';
import type { JsonValue, RecordMetadata, SinkRecord, SourceRecord, TopicPartition, TopicPartitionOffsets } from './records.ts';

/** A connector's config as the worker holds it: string properties. */
export type RawConfig = Readonly<Record<string, string>>;

/** What a connector receives: the capabilities plus its config, parsed into V (see ConnectorContext). */
export interface ConnectorContextOf<V extends ParsedConfig> extends Capabilities {
  /** The connector's raw string properties. */
  readonly raw: RawConfig;
  /** The properties parsed against the plugin's config definition: numbers, booleans, lists, Passwords. */
  readonly config: V;
}

/** What a task receives: the connector's context plus the connector's name and this task's number. */
export interface TaskContextOf<V extends ParsedConfig> extends ConnectorContextOf<V> {
  readonly connector: string;
  readonly taskId: number;
}

/**
 * What a sink task receives: the task's context plus Kafka Connect's SinkTaskContext. Its requests are carried back
 * to the worker with the result of the call they were made in (start, open, close, put), so they cost no crossing.
 */
export interface SinkTaskContextOf<V extends ParsedConfig> extends TaskContextOf<V> {
  /** Asks the worker to commit offsets (preCommit, then the consumer group commit) as soon as it can. */
  requestCommit(): void;
  /**
   * Rewinds (or skips) partitions: the worker reads each from the given offset next ("topic/partition" → the next
   * offset to read), dropping what it fetched beyond. Applied after the current call returns.
   */
  offset(offsets: TopicPartitionOffsets): void;
  /** Rewinds (or skips) one partition; see offset(offsets). */
  offset(topic: string, partition: number, offset: number): void;
  /** How long to wait before redelivering a batch whose put threw a RetriableError (Kafka Connect's context.timeout). */
  timeout(ms: number): void;
  /** The partitions currently assigned to this task (as of the last open/close). */
  assignment(): TopicPartition[];
}

/**
 * What a connector receives. `C` is the plugin's config definition: declared `as const`, it types `ctx.config` key by
 * key (`ConnectorContext<typeof config>`; see ConfigValues).
 */
export type ConnectorContext<C extends ConfigDefinition = ConfigDefinition> = ConnectorContextOf<ConfigValues<C>>;
/** What a task receives (`TaskContext<typeof config>` for a typed `ctx.config`). */
export type TaskContext<C extends ConfigDefinition = ConfigDefinition> = TaskContextOf<ConfigValues<C>>;
/** What a sink task receives (`SinkTaskContext<typeof config>` for a typed `ctx.config`). */
export type SinkTaskContext<C extends ConfigDefinition = ConfigDefinition> = SinkTaskContextOf<ConfigValues<C>>;

/** Extra validation beyond the declarative config definition: returns key → error messages. */
export type ExtraValidation<C extends ConfigDefinition = ConfigDefinition> = (config: ConfigValues<C>, raw: RawConfig) => Record<string, string[]>;

/** Connector-level lifecycle: Kafka Connect's Connector (its config parsed into V). */
export interface ConnectorOf<V extends ParsedConfig> {
  /** Receives the connector's config before taskConfigs. */
  start?(ctx: ConnectorContextOf<V>): void | Promise<void>;
  /** One config per task, at most maxTasks of them. */
  taskConfigs(maxTasks: number): RawConfig[] | Promise<RawConfig[]>;
  /** Releases what start took. */
  stop?(): void | Promise<void>;
}

/** Kafka Connect's SourceTask (its config parsed into V); see SourceTask. */
export interface SourceTaskOf<V extends ParsedConfig> {
  /** Opens what the task reads from; resume from ctx.offsets. A throw fails the task with its message. */
  start(ctx: TaskContextOf<V>): void | Promise<void>;
  /** A batch of records, or an empty array / null when nothing is available right now. */
  poll(): SourceRecord[] | null | Promise<SourceRecord[] | null>;
  /** Called after the records returned so far have been durably written. */
  commit?(): void | Promise<void>;
  /**
   * Kafka Connect's commitRecord: called for each record once Kafka acknowledged it, with where it was written
   * (null when a transform dropped it or, under errors.tolerance=all, its send failed). The worker calls it for a
   * whole batch at once, in poll order, with the record objects poll returned; keep it synchronous and cheap.
   * Records of a batch written in an exactly-once transaction get a null metadata.
   */
  commitRecord?(record: SourceRecord, metadata: RecordMetadata | null): void;
  /** Releases what start opened; capabilities are revoked once it returns. */
  stop(): void | Promise<void>;
}

/** Kafka Connect's SinkTask (its config parsed into V); see SinkTask. */
export interface SinkTaskOf<V extends ParsedConfig> {
  /** Opens what the task writes to; keep ctx for its requests (requestCommit, offset, timeout). A throw fails the task. */
  start(ctx: SinkTaskContextOf<V>): void | Promise<void>;
  /**
   * Kafka Connect's open: the task was assigned these partitions (at start and after each rebalance), before any of
   * their records is put.
   */
  open?(partitions: TopicPartition[]): void | Promise<void>;
  /**
   * Writes (or buffers) one batch. A RetriableError asks for the same batch again after a backoff (the partitions
   * are paused meanwhile); any other throw fails the task.
   */
  put(records: SinkRecord[]): void | Promise<void>;
  /**
   * Kafka Connect's close: the task lost these partitions (a rebalance, or the task stopping); no more of their
   * records will be put. Release what the task holds for them; write out what it buffered of them if it can
   * (offsets the group already committed for them stand; later writes are at-least-once duplicates for the next owner).
   */
  close?(partitions: TopicPartition[]): void | Promise<void>;
  /** Makes everything put so far durable (used when preCommit is absent). */
  flush?(offsets: TopicPartitionOffsets): void | Promise<void>;
  /** Returns the offsets that are durable; defaults to flush(offsets) then the offsets given. */
  preCommit?(offsets: TopicPartitionOffsets): TopicPartitionOffsets | Promise<TopicPartitionOffsets>;
  /** Releases what start opened; capabilities are revoked once it returns. */
  stop(): void | Promise<void>;
}

/** Connector-level lifecycle: Kafka Connect's Connector (`Connector<typeof config>` for a typed `ctx.config`). */
export type Connector<C extends ConfigDefinition = ConfigDefinition> = ConnectorOf<ConfigValues<C>>;
/** Kafka Connect's SourceTask: poll() returns batches of records for the host to write to Kafka. */
export type SourceTask<C extends ConfigDefinition = ConfigDefinition> = SourceTaskOf<ConfigValues<C>>;
/** Kafka Connect's SinkTask: put() receives batches of records read from Kafka. */
export type SinkTask<C extends ConfigDefinition = ConfigDefinition> = SinkTaskOf<ConfigValues<C>>;

/** V is the parsed config (ConfigValues<C>), a parameter of its own so that definitions compare covariantly. */
interface PluginBase<C extends ConfigDefinition, V extends ParsedConfig> {
  /** The class name users put in connector.class. */
  className: string;
  aliases?: readonly string[];
  config: C;
  /** Extra validation beyond the declarative config definition: returns key → error messages. */
  validate?(config: V, raw: RawConfig): Record<string, string[]>;
  /** Defaults to a connector that hands every task the connector's own config. */
  connector?: () => ConnectorOf<V>;
  /**
   * Kafka Connect's Connector.alterOffsets: checks the offsets a user writes with PATCH /connectors/{c}/offsets before
   * any is written (a null offset resets its partition). Throw an Error to refuse them: its message is the answer's.
   */
  alterOffsets?(config: V, offsets: readonly OffsetAlteration[]): void;
}

/** One partition's offset as PATCH /connectors/{c}/offsets gives it (source connectors: the plugin's own shapes). */
export interface OffsetAlteration {
  partition: { readonly [key: string]: JsonValue };
  offset: { readonly [key: string]: JsonValue } | null;
}
/** A source plugin: the definition defineSource returns. */
export interface SourcePluginDefinition<C extends ConfigDefinition = ConfigDefinition, V extends ParsedConfig = ConfigValues<C>> extends PluginBase<C, V> {
  type: 'source';
  task: () => SourceTaskOf<V>;
}
/** A sink plugin: the definition defineSink returns. */
export interface SinkPluginDefinition<C extends ConfigDefinition = ConfigDefinition, V extends ParsedConfig = ConfigValues<C>> extends PluginBase<C, V> {
  type: 'sink';
  task: () => SinkTaskOf<V>;
}
/** What a bundle's entry exports by default. */
export type PluginDefinition<C extends ConfigDefinition = ConfigDefinition> = SourcePluginDefinition<C> | SinkPluginDefinition<C>;

/**
 * Defines a source plugin: the bundle's default export. With the config declared `as const` (or inline), the task's
 * `ctx.config` is typed from it.
 */
export function defineSource<const C extends ConfigDefinition>(def: Omit<SourcePluginDefinition<C>, 'type'>): SourcePluginDefinition<C> {
  return { ...def, type: 'source' };
}

/**
 * Defines a sink plugin: the bundle's default export. With the config declared `as const` (or inline), the task's
 * `ctx.config` is typed from it.
 */
export function defineSink<const C extends ConfigDefinition>(def: Omit<SinkPluginDefinition<C>, 'type'>): SinkPluginDefinition<C> {
  return { ...def, type: 'sink' };
}

/** The default connector: every task gets the connector's config, tasks.max of them (at least one). */
export function replicatingConnector(): Connector {
  let raw: RawConfig = {};
  return {
    start(ctx) {
      raw = ctx.raw;
    },
    taskConfigs(maxTasks) {
      return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...raw }));
    },
  };
}
