/**
 * The two narrow interfaces task runners move records through: a source task's batches go into a RecordSink, a sink
 * task's batches come out of a RecordSource. The Kafka pipelines (source-pipeline.ts, sink-pipeline.ts) implement
 * them; so do the local runner's record files (host/cli/record-files.ts) and the in-memory topics of unit tests.
 */
import type { SinkRecord, SourceRecord, TopicPartitionOffsets } from '../../sdk/records.ts';

/** Where a source task's records go. Resolves once they are durable. */
export interface RecordSink {
  append(records: readonly SourceRecord[]): Promise<void>;
}

/** Where a sink task's records come from. */
export interface RecordSource {
  /** Up to max records, waiting at most waitMs for the first one. */
  fetch(max: number, waitMs: number): Promise<SinkRecord[]>;
  /** Offsets after the last record handed out, per topic-partition. */
  position(): TopicPartitionOffsets;
  commit(offsets: TopicPartitionOffsets): Promise<void>;
  close(): void;
}
