import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import type { ConnectRecord } from '../record.ts';

/** org.apache.kafka.connect.transforms.Transformation: a record in, a record or null (dropped) out. */
export interface Transformation {
  apply<R extends ConnectRecord>(record: R): R | null;
  close?(): void;
}

/**
 * A transformation that runs a batch at a time outside the host's trust (a sandboxed plugin): slot i of the result is
 * record i transformed, or null when it was dropped. A failure rejects with a DataError; `batchFatal` on it says the
 * transform's sandbox breached a limit, so its records are not retried one at a time.
 */
export interface BatchTransformation {
  applyBatch<R extends ConnectRecord>(records: readonly R[]): Promise<(R | null)[]>;
  close?(): void;
}

/** org.apache.kafka.connect.transforms.predicates.Predicate. */
export interface Predicate {
  test(record: ConnectRecord): boolean;
  close?(): void;
}

interface PluginBase {
  /** Fully qualified Kafka Connect class name, e.g. org.apache.kafka.connect.transforms.Cast$Value. */
  readonly className: string;
  /** Other accepted names, e.g. Cast$Value. */
  readonly aliases: readonly string[];
  readonly version: string;
  readonly configDef: ConfigDef;
  /** Keys the plugin accepts beyond its definition (deprecated spellings). */
  readonly acceptedAliasKeys?: readonly string[];
}

export interface TransformPlugin extends PluginBase {
  /** Builds an instance from configuration already parsed against configDef. */
  readonly create: (config: ParsedConfig, raw: Readonly<Record<string, unknown>>) => Transformation;
  /** A plugin that runs a batch at a time (sandboxed): the chain builds its stage with this instead of create. */
  readonly createBatch?: (config: ParsedConfig, raw: Readonly<Record<string, unknown>>, alias: string) => BatchTransformation;
}

export interface PredicatePlugin extends PluginBase {
  readonly create: (config: ParsedConfig) => Predicate;
}

export const TRANSFORMS_VERSION = '4.0.0';
export const TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms.';
export const PREDICATES_PACKAGE = 'org.apache.kafka.connect.transforms.predicates.';
