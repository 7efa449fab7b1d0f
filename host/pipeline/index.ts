/** The worker's Kafka-backed record pipelines: source tasks → Kafka, Kafka → sink tasks. */
export type { PipelineFactory, PipelineFactoryOptions, PipelineKafkaConfig, SinkPipelineHandle, SourcePipelineHandle } from './factory.ts';
export { createPipelineFactory } from './factory.ts';
export type { FlatConfig, PipelineWorkerSettings } from './config.ts';
export { DEFAULT_OFFSET_FLUSH_INTERVAL_MS, parseWorkerSettings } from './config.ts';
export type { SchemaSinkRecord, SchemaSourceRecord } from './records.ts';
export { SinkPipeline, DEFAULT_MAX_BUFFERED_RECORDS } from './sink-pipeline.ts';
export type { SinkPipelineOptions } from './sink-pipeline.ts';
export { SourcePipeline, PRODUCER_CLASS } from './source-pipeline.ts';
export type { SourcePipelineOptions } from './source-pipeline.ts';
export type { ConsumerHandlers, PipelineState, PipelineStats, RecordConsumer, RecordProducer, TopicEnsurer } from './types.ts';
export { pipelineOffsetReader } from './offsets.ts';
