/**
 * The two narrow interfaces task runners move records through: a source task's batches go into a RecordSink, a sink
 * task's batches come out of a RecordSource. The Kafka pipelines (source-pipeline.ts, sink-pipeline.ts) implement
 * them; so do the local runner's record files (host/cli/record-files.ts) and the in-memory topics of unit tests.
 */
import type { RecordMetadata, SinkRecord, SourceRecord, TopicPartition, TopicPartitionOffsets } from '../../sdk/records.ts';

/** Where a source task's records go. */
export interface RecordSink {
  /**
   * Resolves once the records are durable: with where each was written, in input order (null for a record a
   * transform dropped or whose send was tolerated), or nothing when the sink does not know.
   */
  append(records: readonly SourceRecord[]): Promise<readonly (RecordMetadata | null)[] | void>;
}

/** A change of a sink task's partitions, reported in the order it happened. */
export interface AssignmentChange {
  kind: 'assigned' | 'revoked';
  partitions: TopicPartition[];
}

/** Where a sink task's records come from. */
export interface RecordSource {
  /** Up to max records, waiting at most waitMs for the first one. */
  fetch(max: number, waitMs: number): Promise<SinkRecord[]>;
  /** Offsets after the last record handed out, per topic-partition. */
  position(): TopicPartitionOffsets;
  commit(offsets: TopicPartitionOffsets): Promise<void>;
  close(): void;
  /** The assignment changes since the last call, oldest first (the runner calls the task's open/close with them). */
  takeAssignmentChanges?(): AssignmentChange[];
  /** Whether a record consumed from this partition may still be handed to the task (it was not revoked). */
  owns?(topic: string, partition: number): boolean;
  /** Reads these partitions ("topic/partition" → next offset) from the given offsets next, dropping what was fetched beyond. */
  rewind?(offsets: TopicPartitionOffsets): Promise<void>;
  /** Pauses every assigned partition (true) while a batch waits to be delivered again, or lets them go (false). */
  hold?(on: boolean): void;
}
