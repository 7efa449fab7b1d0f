/**
 * The settings one task's pipeline runs with, read from the connector config and the worker properties with Kafka
 * Connect's keys and defaults; everything is parsed up front so a bad config fails when the task is created.
 */
import type { ConnectorConverters } from '../connect/converters/from-config.ts';
import { buildConverters } from '../connect/converters/from-config.ts';
import type { TransformChain } from '../connect/transforms/chain.ts';
import { buildTransformChain } from '../connect/transforms/chain.ts';
import type { TransformRegistry } from '../connect/transforms/builtins.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { ErrorHandlingConfig } from '../errors/error-config.ts';
import { parseErrorHandlingConfig } from '../errors/error-config.ts';
import { parseSubscription } from '../kafka/sink-records.ts';
import type { TopicSubscription } from '../kafka/sink-records.ts';
import { consumerOptions, parseOverridePolicy, producerOptions } from '../kafka/client-overrides.ts';
import type { ConsumerClientOptions, OverridePolicy } from '../kafka/client-overrides.ts';
import type { CompressionCodec } from '../kafka/producer.ts';
import { parseTopicCreationRules } from '../kafka/topic-creation.ts';
import type { TopicCreationRules } from '../kafka/topic-creation.ts';
import type { Logger } from '../core/logger.ts';

export type FlatConfig = Readonly<Record<string, string>>;

/** Kafka Connect's offset.flush.interval.ms default. */
export const DEFAULT_OFFSET_FLUSH_INTERVAL_MS = 60_000;

/** Worker properties the pipelines read (key/value/header.converter and their sub-keys are read by buildConverters). */
export interface PipelineWorkerSettings {
  readonly offsetFlushIntervalMs: number;
  readonly topicCreationEnable: boolean;
  /** The worker's producer.compression.type, for producers no connector owns (the dead letter queue's). */
  readonly compression: CompressionCodec;
  readonly overridePolicy: OverridePolicy;
}

export function parseWorkerSettings(worker: FlatConfig): PipelineWorkerSettings {
  return Object.freeze({
    offsetFlushIntervalMs: positiveInt(worker, 'offset.flush.interval.ms', DEFAULT_OFFSET_FLUSH_INTERVAL_MS),
    topicCreationEnable: bool(worker, 'topic.creation.enable', true),
    compression: producerOptions(worker, {}).compression ?? 'none',
    overridePolicy: parseOverridePolicy(worker),
  });
}

interface CommonTaskConfig {
  readonly connectorClass: string;
  readonly converters: ConnectorConverters;
  readonly chain: TransformChain;
  readonly errors: ErrorHandlingConfig;
}

export interface SourceTaskConfig extends CommonTaskConfig {
  readonly topicCreation: TopicCreationRules;
  readonly compression: CompressionCodec;
  readonly idempotent: boolean;
}

export interface SinkTaskConfig extends CommonTaskConfig {
  readonly subscription: TopicSubscription;
  /** consumer.* (worker) and consumer.override.* (connector) as the sink consumer's options. */
  readonly consumer: ConsumerClientOptions;
}

function common(connector: FlatConfig, worker: FlatConfig, transforms?: TransformRegistry): CommonTaskConfig {
  return {
    connectorClass: connector['connector.class'] ?? 'unknown',
    converters: buildConverters(connector, worker),
    chain: buildTransformChain(connector, transforms === undefined ? {} : { transforms }),
    errors: parseErrorHandlingConfig(connector),
  };
}

/** transforms: the built-in SMTs plus the transform bundles the connector may use (the built-ins alone by default). */
export function sourceTaskConfig(connector: FlatConfig, worker: FlatConfig, settings: PipelineWorkerSettings, log?: Logger, transforms?: TransformRegistry): SourceTaskConfig {
  const producer = producerOptions(worker, connector, log);
  return {
    ...common(connector, worker, transforms),
    topicCreation: parseTopicCreationRules(connector, settings.topicCreationEnable),
    compression: producer.compression ?? settings.compression,
    idempotent: producer.idempotent ?? true,
  };
}

export function sinkTaskConfig(connector: FlatConfig, worker: FlatConfig, log?: Logger, transforms?: TransformRegistry): SinkTaskConfig {
  return { ...common(connector, worker, transforms), subscription: parseSubscription(connector), consumer: consumerOptions(worker, connector, log) };
}

function positiveInt(config: FlatConfig, key: string, fallback: number): number {
  const raw = config[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 1) throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${raw} for configuration ${key}: must be a positive integer`);
  return n;
}

function bool(config: FlatConfig, key: string, fallback: boolean): boolean {
  const raw = config[key]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${raw} for configuration ${key}: Expected value to be either true or false`);
  return raw === 'true';
}
