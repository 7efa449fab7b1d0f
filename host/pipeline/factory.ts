/**
 * Builds the Kafka-backed record pipelines the worker hands its task runners: one
 * producer, topic creator and offset writer per source task; one consumer (group connect-<connector>) per sink
 * task. The Kafka client, the admin connection and the dead-letter-queue producer are shared and opened on first use.
 */
import type { RawConfig } from '../../sdk/connector.ts';
import type { TransformRegistry } from '../connect/transforms/builtins.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import { DeadLetterQueueReporter } from '../errors/dead-letter-queue.ts';
import { TopicAdmin } from '../kafka/admin.ts';
import { createKafka } from '../kafka/client.ts';
import { SinkConsumer } from '../kafka/consumer.ts';
import { SourceProducer } from '../kafka/producer.ts';
import { TransactionalProducer } from '../kafka/transactional-producer.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { KafkaOffsetBackingStore } from '../storage/kafka-offset-store.ts';
import { TopicCreator } from '../kafka/topic-creation.ts';
import type { OffsetBackingStore } from '../storage/offset-store.ts';
import { OffsetWriter } from '../storage/offset-writer.ts';
import type { RecordSink, RecordSource } from './record-ports.ts';
import { parseWorkerSettings, sinkTaskConfig, sourceTaskConfig } from './config.ts';
import { connectorTopicCheck, internalTopics, TENANT_CONFIG_KEY } from './internal-topics.ts';
import type { FlatConfig, PipelineWorkerSettings } from './config.ts';
import { SinkPipeline } from './sink-pipeline.ts';
import { SourcePipeline } from './source-pipeline.ts';
import type { PipelineState, PipelineStats } from './types.ts';

export interface PipelineKafkaConfig {
  /** bootstrap.servers */
  bootstrapServers: string | readonly string[];
  clientId?: string;
}

export interface PipelineFactoryOptions {
  kafka: PipelineKafkaConfig;
  /**
   * Kafka Connect worker properties: key.converter, value.converter, header.converter and their sub-keys (the
   * fallback when a connector sets none), offset.flush.interval.ms, topic.creation.enable, producer.compression.type.
   */
  worker: FlatConfig;
  /** Source offsets (file or Kafka topic), started and stopped by the caller. */
  offsetStore: OffsetBackingStore;
  logger: Logger;
  /** Consumed records a sink task may have buffered before its partitions are paused. */
  sinkBufferRecords?: number;
  /** Consumer session timeout for sink tasks unless consumer.session.timeout.ms sets one (the Java consumer's default, 45 s). */
  sinkSessionTimeoutMs?: number;
  /** Told each topic a connector's tasks produced to or consumed from (Kafka Connect's active topics). */
  onTopicUsed?: (connector: string, topic: string) => void;
  /**
   * exactly.once.source.support=enabled: each source task's records and offsets commit in one transaction under
   * this transactional.id. Needs offsets in a Kafka topic (KafkaOffsetBackingStore).
   */
  exactlyOnce?: { transactionalId(connector: string, task: number): string };
  /** The topic prefixes of a tenant (conveyor.tenants.file); a tenant's source task may write only under them. */
  tenantTopicPrefixes?: (tenant: string) => readonly string[] | undefined;
  /** The transforms a task's chain may name: the built-in SMTs plus the transform bundles its connector may use. */
  transforms?: (connector: string, taskId: number, connectorConfig: RawConfig) => TransformRegistry;
  /** Distributed mode: throws once this worker no longer owns the task; checked before every offset commit. */
  fence?: (connector: string, task: number) => Promise<void>;
}

interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly state: PipelineState;
  readonly stats: PipelineStats;
}

export type SourcePipelineHandle = RecordSink & Lifecycle;
export type SinkPipelineHandle = RecordSource & Lifecycle;

export interface PipelineFactory {
  readonly settings: PipelineWorkerSettings;
  /** The pipeline of one source task; config errors throw here (configInvalid). */
  sourceSink(connectorName: string, taskId: number, connectorConfig: RawConfig): SourcePipelineHandle;
  /** The pipeline of one sink task; config errors throw here (configInvalid). */
  sinkSource(connectorName: string, taskId: number, connectorConfig: RawConfig): SinkPipelineHandle;
  /** Closes the shared admin connection and DLQ producer (stop the pipelines first). */
  close(): Promise<void>;
}

export function createPipelineFactory(options: PipelineFactoryOptions): PipelineFactory {
  const settings = parseWorkerSettings(options.worker);
  const log = options.logger.child({ [LogField.component]: 'pipelines' });
  const kafka = createKafka({
    bootstrapServers: options.kafka.bootstrapServers,
    clientId: options.kafka.clientId ?? 'conveyor-worker',
    logger: log,
  });
  const tenantOf = (c: RawConfig): readonly string[] | undefined => {
    const t = c[TENANT_CONFIG_KEY];
    return t === undefined ? undefined : options.tenantTopicPrefixes?.(t);
  };
  let admin: Promise<TopicAdmin> | undefined;
  let dlqProducer: Promise<SourceProducer> | undefined;
  const sharedAdmin = (): Promise<TopicAdmin> => {
    admin ??= TopicAdmin.create(kafka, log).catch((e: unknown) => {
      admin = undefined;
      throw e;
    });
    return admin;
  };
  const sharedDlqProducer = (): Promise<SourceProducer> => {
    dlqProducer ??= sharedAdmin()
      .then((a) => SourceProducer.create({ kafka, admin: a, logger: log, compression: settings.compression }))
      .catch((e: unknown) => {
        dlqProducer = undefined;
        throw e;
      });
    return dlqProducer;
  };

  return {
    settings,
    sourceSink(connector, taskId, connectorConfig) {
      const logger = options.logger.child({ [LogField.connector]: connector, [LogField.task]: taskId });
      const cfg = sourceTaskConfig(connectorConfig, options.worker, settings, logger, options.transforms?.(connector, taskId, connectorConfig));
      let creator: TopicCreator | undefined;
      const fence = options.fence === undefined ? undefined : () => (options.fence as NonNullable<typeof options.fence>)(connector, taskId);
      const eos = options.exactlyOnce;
      const offsetsTopic = options.offsetStore instanceof KafkaOffsetBackingStore ? options.offsetStore.topic : undefined;
      if (eos !== undefined && offsetsTopic === undefined) {
        throw new ConveyorError(ErrorCode.configInvalid, 'exactly.once.source.support=enabled needs source offsets in a Kafka topic (offset.storage.topic, distributed mode)');
      }
      return new SourcePipeline({
        connector,
        taskId,
        internalTopic: connectorTopicCheck(internalTopics(options.worker, offsetsTopic), connectorConfig[TENANT_CONFIG_KEY], tenantOf(connectorConfig)),
        ...(eos === undefined || offsetsTopic === undefined
          ? {}
          : {
              transactions: {
                open: async () =>
                  TransactionalProducer.create({
                    kafka,
                    transactionalId: eos.transactionalId(connector, taskId),
                    admin: await sharedAdmin(),
                    logger,
                  }),
                offsetsTopic,
                ...(fence === undefined ? {} : { fence }),
              },
            }),
        connectorClass: cfg.connectorClass,
        converters: cfg.converters,
        chain: cfg.chain,
        errors: cfg.errors,
        offsets: new OffsetWriter({ connector, store: options.offsetStore, logger, flushIntervalMs: settings.offsetFlushIntervalMs, ...(fence === undefined ? {} : { beforeFlush: fence }) }),
        topics: {
          ensure: async (t) => {
            creator ??= new TopicCreator(cfg.topicCreation, await sharedAdmin(), logger);
            return creator.ensure(t);
          },
        },
        openProducer: async () => SourceProducer.create({ kafka, admin: await sharedAdmin(), logger, compression: cfg.compression, idempotent: cfg.idempotent }),
        logger,
        ...(options.onTopicUsed === undefined ? {} : { onTopicUsed: (topic: string) => options.onTopicUsed?.(connector, topic) }),
      });
    },
    sinkSource(connector, taskId, connectorConfig) {
      const logger = options.logger.child({ [LogField.connector]: connector, [LogField.task]: taskId });
      const cfg = sinkTaskConfig(connectorConfig, options.worker, logger, options.transforms?.(connector, taskId, connectorConfig));
      const dlq = cfg.errors.deadLetterQueue;
      return new SinkPipeline({
        connector,
        taskId,
        connectorClass: cfg.connectorClass,
        converters: cfg.converters,
        chain: cfg.chain,
        errors: cfg.errors,
        logger,
        ...(options.onTopicUsed === undefined ? {} : { onTopicUsed: (topic: string) => options.onTopicUsed?.(connector, topic) }),
        ...(options.sinkBufferRecords === undefined ? {} : { maxBufferedRecords: options.sinkBufferRecords }),
        openConsumer: (handlers) =>
          SinkConsumer.create({
            kafka,
            connector,
            logger,
            subscription: cfg.subscription,
            commitOnDurable: false,
            joinInBackground: true,
            ...(options.fence === undefined ? {} : { beforeCommit: () => (options.fence as NonNullable<typeof options.fence>)(connector, taskId) }),
            ...handlers,
            ...(options.sinkSessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sinkSessionTimeoutMs }),
            ...cfg.consumer,
          }),
        ...(dlq === undefined
          ? {}
          : {
              openDeadLetterQueue: async () =>
                DeadLetterQueueReporter.create({ admin: await sharedAdmin(), producer: await sharedDlqProducer(), logger, connector, taskId, ...dlq }),
            }),
      });
    },
    async close() {
      const p = dlqProducer;
      const a = admin;
      dlqProducer = undefined;
      admin = undefined;
      await (await p?.catch(() => undefined))?.close();
      await (await a?.catch(() => undefined))?.close();
    },
  };
}
