/**
 * Plugin transforms (Kafka Connect's Transformation, a batch at a time): what a transform bundle's entry exports.
 * Runs inside the sandbox; the host evaluates the stage's predicate and checks every record the transform returns.
 */
import type { ConfigDefinition, ConfigValues, ParsedConfig } from './config.ts';
import type { ConnectorContextOf, RawConfig } from './connector.ts';
import type { Headers, JsonValue } from './records.ts';
import type { ConnectSchema } from './schema.ts';

/**
 * One record as a transform sees it: key and value as JsonConverter payload JSON with their schemas (null when
 * schemaless). A returned record's fields replace the input's; partition null lets the producer choose.
 */
export interface TransformRecord {
  topic: string;
  partition: number | null;
  key: JsonValue;
  keySchema: ConnectSchema | null;
  value: JsonValue;
  valueSchema: ConnectSchema | null;
  /** One value per key; a record whose keys repeat shows the last value. */
  headers: Headers;
  /** Milliseconds since the epoch, or null. */
  timestamp: number | null;
}

/**
 * A started transform. `apply` receives a batch and returns an array of the same length: slot i holds record i
 * transformed, or null to drop it. It may be async (when it awaits a capability); a throw fails the batch as a
 * transformation error (errors.tolerance decides what happens to its records).
 */
export interface TransformOf<V extends ParsedConfig> {
  start?(context: TransformContextOf<V>): void | Promise<void>;
  apply(records: TransformRecord[]): (TransformRecord | null)[] | Promise<(TransformRecord | null)[]>;
  stop?(): void | Promise<void>;
}

export interface TransformContextOf<V extends ParsedConfig> extends ConnectorContextOf<V> {
  /** The alias of the stage (transforms.<alias>.type). */
  readonly alias: string;
}

export type Transform<C extends ConfigDefinition = ConfigDefinition> = TransformOf<ConfigValues<C>>;
export type TransformContext<C extends ConfigDefinition = ConfigDefinition> = TransformContextOf<ConfigValues<C>>;

/** A transform plugin: the definition defineTransform returns. */
export interface TransformPluginDefinition<C extends ConfigDefinition = ConfigDefinition, V extends ParsedConfig = ConfigValues<C>> {
  type: 'transform';
  /** The class name users put in transforms.<alias>.type. */
  className: string;
  aliases?: readonly string[];
  config: C;
  validate?(config: V, raw: RawConfig): Record<string, string[]>;
  transform: () => TransformOf<V>;
}

/** Defines a transform plugin: the bundle's default export. */
export function defineTransform<const C extends ConfigDefinition>(def: Omit<TransformPluginDefinition<C>, 'type'>): TransformPluginDefinition<C> {
  return { ...def, type: 'transform' };
}
