/**
 * The seams the pipelines depend on, declared here so each side can be driven by a fake in unit tests. The real
 * implementations are host/kafka's SourceProducer, TopicCreator and SinkConsumer.
 */
import type { ProducerRecord, RecordMetadata } from '../kafka/producer.ts';
import type { DurableOffset, SinkBatch, TopicPartition } from '../kafka/sink-records.ts';
import type { ConveyorError } from '../core/errors.ts';

export type PipelineState = 'CREATED' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';

export interface RecordProducer {
  /** Resolves once the broker acknowledged every record (acks=all), one metadata per record in input order. */
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  close(): Promise<void>;
}

export interface TopicEnsurer {
  /** Creates the topic per topic.creation.* when the rules apply and it is missing; a no-op otherwise. */
  ensure(topic: string): Promise<void>;
}

export interface ConsumerHandlers {
  onBatch(batch: SinkBatch): Promise<void>;
  onRevoked(partitions: TopicPartition[]): void;
  onAssigned(partitions: TopicPartition[]): void;
  onFailure(error: ConveyorError): void;
}

export interface RecordConsumer {
  assignment(): TopicPartition[];
  markDurable(offsets: readonly DurableOffset[]): void;
  commit(): Promise<void>;
  pause(partitions: readonly TopicPartition[]): void;
  /** Reads these partitions from the given offsets next (commits them, even backwards, and rejoins the group). */
  seek?(offsets: readonly DurableOffset[]): Promise<void>;
  resume(partitions: readonly TopicPartition[]): void;
  close(): Promise<void>;
}

/** Counters a pipeline exposes for status and tests. */
export interface PipelineStats {
  /** Records acknowledged by Kafka (source) or handed to the task (sink). */
  records: number;
  /** Records dropped by a transform (null); their offsets still count as processed. */
  filtered: number;
  /** Records that failed a stage and were tolerated (errors.tolerance=all). */
  failed: number;
}
