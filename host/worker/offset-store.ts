/**
 * Source offsets as tasks read them (ctx.offsets.get). With Kafka pipelines the reader is the worker's offset backing
 * store and offsets are written by each record's pipeline once Kafka acknowledged it; only a runner appending to a
 * RecordSink that does not commit offsets itself (the local runner's record files, the in-memory topics of tests and the sandbox bench) writes them
 * through a SourceOffsetStore.
 */
import type { SourceOffset, SourcePartition } from '../../sdk/records.ts';

export interface SourceOffsetReader {
  get(connector: string, partition: SourcePartition): Promise<SourceOffset | null>;
}

export interface SourceOffsetStore extends SourceOffsetReader {
  commit(connector: string, offsets: readonly { partition: SourcePartition; offset: SourceOffset }[]): Promise<void>;
}

/** Offsets kept in memory (the local runner, tests); keyed like Kafka Connect: [connector, partition]. */
export class InMemoryOffsetStore implements SourceOffsetStore {
  private readonly data = new Map<string, SourceOffset>();

  private key(connector: string, partition: SourcePartition): string {
    return JSON.stringify([connector, partition]);
  }

  get(connector: string, partition: SourcePartition): Promise<SourceOffset | null> {
    return Promise.resolve(this.data.get(this.key(connector, partition)) ?? null);
  }

  commit(connector: string, offsets: readonly { partition: SourcePartition; offset: SourceOffset }[]): Promise<void> {
    for (const o of offsets) this.data.set(this.key(connector, o.partition), o.offset);
    return Promise.resolve();
  }
}
