/**
 * Source offsets as tasks read them (SourceOffsetReader), from the same OffsetBackingStore the source pipelines write
 * through their OffsetWriters: with the Kafka pipelines a record's offset is committed by its pipeline once Kafka
 * acknowledged the record, never by the task runner.
 */
import type { SourceOffset, SourcePartition } from '../../sdk/records.ts';
import type { OffsetBackingStore } from '../storage/offset-store.ts';
import type { SourceOffsetReader } from '../worker/offset-store.ts';

export function pipelineOffsetReader(store: OffsetBackingStore): SourceOffsetReader {
  return {
    async get(connector: string, partition: SourcePartition): Promise<SourceOffset | null> {
      const [entry] = await store.get([{ connector, partition }]);
      return (entry?.offset as SourceOffset | null | undefined) ?? null;
    },
  };
}
