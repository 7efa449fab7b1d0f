/** Source offsets as task runners see them; the Kafka offset topic implements this in the full pipeline. */
import type { SourceOffset, SourcePartition } from '../../sdk/records.ts';

export interface SourceOffsetStore {
  get(connector: string, partition: SourcePartition): Promise<SourceOffset | null>;
  commit(connector: string, offsets: readonly { partition: SourcePartition; offset: SourceOffset }[]): Promise<void>;
}

/** Offsets kept in memory (standalone without Kafka); keyed like Kafka Connect: [connector, partition]. */
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
