/** A source partition or offset as a connector declares it: a flat-ish JSON map. */
export type JsonValue = string | number | boolean | null | bigint | JsonValue[] | { [key: string]: JsonValue };
export type SourcePartition = Readonly<Record<string, JsonValue>>;
export type SourceOffset = Readonly<Record<string, JsonValue>>;

/** One source offset of one connector; `offset: null` deletes it (a tombstone on the offsets topic). */
export interface OffsetEntry {
  readonly connector: string;
  readonly partition: SourcePartition;
  readonly offset: SourceOffset | null;
}

/** Identifies a source partition of a connector for reads. */
export interface OffsetKey {
  readonly connector: string;
  readonly partition: SourcePartition;
}

/**
 * Where source offsets live: a local file in standalone mode, a compacted topic in distributed mode.
 * Keys are compared by content, so `{a:1,b:2}` and `{b:2,a:1}` name the same partition.
 */
export interface OffsetBackingStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Latest offsets for the given partitions; partitions without an offset are absent from the result. */
  get(keys: readonly OffsetKey[]): Promise<OffsetEntry[]>;
  /** Every stored offset of one connector (for GET /connectors/{c}/offsets). */
  getAll(connector: string): Promise<OffsetEntry[]>;
  /** Resolves once the entries are durable (file synced, or acknowledged by the broker). */
  set(entries: readonly OffsetEntry[]): Promise<void>;
  /** Resolves once every earlier `set` is durable. */
  flush(): Promise<void>;
}
