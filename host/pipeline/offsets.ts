/**
 * Source offsets as the worker's task runners and capability broker see them (SourceOffsetStore), backed by the
 * same OffsetBackingStore the source pipelines write through their OffsetWriters. Writes from the runner are
 * ignored on purpose: with the Kafka pipelines, a record's offset is committed by its pipeline once Kafka
 * acknowledged the record, never by the runner after append().
 */
import type { SourceOffset, SourcePartition } from '../../sdk/records.ts';
import type { OffsetBackingStore } from '../storage/offset-store.ts';
import type { SourceOffsetStore } from '../worker/offset-store.ts';

export function pipelineOffsetReader(store: OffsetBackingStore): SourceOffsetStore {
  return {
    async get(connector: string, partition: SourcePartition): Promise<SourceOffset | null> {
      const [entry] = await store.get([{ connector, partition }]);
      return (entry?.offset as SourceOffset | null | undefined) ?? null;
    },
    commit: () => Promise.resolve(),
  };
}
