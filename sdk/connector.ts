import type { Capabilities } from './capabilities.ts';
import type { ConfigDefinition, ParsedConfig } from './config.ts';
import type { SinkRecord, SourceRecord, TopicPartitionOffsets } from './records.ts';

export type RawConfig = Readonly<Record<string, string>>;

export interface ConnectorContext extends Capabilities {
  /** The connector's raw string properties. */
  readonly raw: RawConfig;
  /** The properties parsed against the plugin's config definition. */
  readonly config: ParsedConfig;
}

export interface TaskContext extends ConnectorContext {
  readonly connector: string;
  readonly taskId: number;
}

/** Extra validation beyond the declarative config definition: returns key → error messages. */
export type ExtraValidation = (config: ParsedConfig, raw: RawConfig) => Record<string, string[]>;

/** Connector-level lifecycle: Kafka Connect's Connector. */
export interface Connector {
  start?(ctx: ConnectorContext): void | Promise<void>;
  /** One config per task, at most maxTasks of them. */
  taskConfigs(maxTasks: number): RawConfig[] | Promise<RawConfig[]>;
  stop?(): void | Promise<void>;
}

export interface SourceTask {
  start(ctx: TaskContext): void | Promise<void>;
  /** A batch of records, or an empty array / null when nothing is available right now. */
  poll(): SourceRecord[] | null | Promise<SourceRecord[] | null>;
  /** Called after the records returned so far have been durably written. */
  commit?(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface SinkTask {
  start(ctx: TaskContext): void | Promise<void>;
  put(records: SinkRecord[]): void | Promise<void>;
  flush?(offsets: TopicPartitionOffsets): void | Promise<void>;
  /** Returns the offsets that are durable; defaults to flush(offsets) then the offsets given. */
  preCommit?(offsets: TopicPartitionOffsets): TopicPartitionOffsets | Promise<TopicPartitionOffsets>;
  stop(): void | Promise<void>;
}

interface PluginBase {
  /** The class name users put in connector.class. */
  className: string;
  aliases?: readonly string[];
  config: ConfigDefinition;
  validate?: ExtraValidation;
  /** Defaults to a connector that hands every task the connector's own config. */
  connector?: () => Connector;
}
export interface SourcePluginDefinition extends PluginBase {
  type: 'source';
  task: () => SourceTask;
}
export interface SinkPluginDefinition extends PluginBase {
  type: 'sink';
  task: () => SinkTask;
}
export type PluginDefinition = SourcePluginDefinition | SinkPluginDefinition;

export function defineSource(def: Omit<SourcePluginDefinition, 'type'>): SourcePluginDefinition {
  return { ...def, type: 'source' };
}
export function defineSink(def: Omit<SinkPluginDefinition, 'type'>): SinkPluginDefinition {
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
