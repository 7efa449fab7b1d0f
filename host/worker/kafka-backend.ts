/**
 * The Kafka side of a worker: source offsets in a local file (standalone, offset.storage.file.filename) or a compacted
 * topic (distributed, offset.storage.topic), per-task pipelines from host/pipeline, and an admin client for offsets
 * of sink connectors (consumer group connect-<name>).
 */
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import { createKafka } from '../kafka/client.ts';
import type { KafkaClient } from '../kafka/client.ts';
import { createPipelineFactory, pipelineOffsetReader } from '../pipeline/index.ts';
import type { PipelineFactory, PipelineFactoryOptions } from '../pipeline/index.ts';
import { retryWithBackoff } from '../errors/retry.ts';
import { TopicAdmin } from '../kafka/admin.ts';
import { SourceProducer } from '../kafka/producer.ts';
import { FileOffsetBackingStore } from '../storage/file-offset-store.ts';
import { KafkaOffsetBackingStore } from '../storage/kafka-offset-store.ts';
import type { OffsetBackingStore } from '../storage/offset-store.ts';
import type { SourceOffsetReader } from './offset-store.ts';
import type { WorkerConfig } from './worker-config.ts';

export interface KafkaBackend {
  readonly pipelines: PipelineFactory;
  readonly offsetStore: OffsetBackingStore;
  readonly offsetReader: SourceOffsetReader;
  admin(): Promise<TopicAdmin>;
  clusterId(): Promise<string | null>;
  close(): Promise<void>;
}

/** Options the distributed worker adds to every pipeline (exactly-once source, ownership fencing). */
export type PipelineExtras = Pick<PipelineFactoryOptions, 'exactlyOnce' | 'fence' | 'tenantTopicPrefixes' | 'transforms'>;

interface OffsetBacking {
  readonly store: OffsetBackingStore;
  close(): Promise<void>;
}

async function openOffsetStore(config: WorkerConfig, kafka: KafkaClient, log: Logger): Promise<OffsetBacking> {
  if (config.offsetStorageFile !== null) {
    const store = new FileOffsetBackingStore({ filename: config.offsetStorageFile, logger: log });
    await store.start();
    return { store, close: () => store.stop() };
  }
  if (config.offsetStorageTopic === null) throw new ConveyorError(ErrorCode.configInvalid, 'worker config: offset.storage.file.filename or offset.storage.topic is required');
  const admin = await TopicAdmin.create(kafka, log);
  const producer = await SourceProducer.create({ kafka, admin, logger: log });
  const props = config.connectProperties;
  const store = new KafkaOffsetBackingStore({
    kafka,
    admin,
    producer,
    logger: log,
    topic: config.offsetStorageTopic,
    partitions: Number(props['offset.storage.partitions'] ?? 25),
    // Kafka Connect defaults to 3; -1 (the broker's default) also suits a single-broker development cluster.
    replicationFactor: Number(props['offset.storage.replication.factor'] ?? -1),
  });
  // Right after the topic is created (or while Kafka restarts) its partitions may have no leader yet: retry.
  await retryWithBackoff(() => store.start(), { timeoutMs: 60_000, maxDelayMs: 2000, onRetry: (attempt, error) => log.warn('offset store not ready; retrying', { attempt, error }) });
  return {
    store,
    async close() {
      await store.stop();
      await producer.close();
      await admin.close();
    },
  };
}

export async function createKafkaBackend(
  config: WorkerConfig,
  log: Logger,
  onTopicUsed?: (connector: string, topic: string) => void,
  extras: PipelineExtras = {},
): Promise<KafkaBackend> {
  const klog = log.child({ [LogField.component]: 'kafka' });
  const kafka: KafkaClient = createKafka({ bootstrapServers: config.bootstrapServers, clientId: `conveyor-admin-${config.workerId}`, logger: klog });
  const offsets = await openOffsetStore(config, kafka, klog);
  const offsetStore = offsets.store;
  const pipelines = createPipelineFactory({
    kafka: { bootstrapServers: config.bootstrapServers, clientId: `conveyor-${config.workerId}` },
    worker: config.connectProperties,
    offsetStore,
    logger: log,
    ...(onTopicUsed === undefined ? {} : { onTopicUsed }),
    ...extras,
  });
  let admin: Promise<TopicAdmin> | undefined;
  const getAdmin = (): Promise<TopicAdmin> => {
    admin ??= TopicAdmin.create(kafka, log).catch((e: unknown) => {
      admin = undefined;
      throw e;
    });
    return admin;
  };
  return {
    pipelines,
    offsetStore,
    offsetReader: pipelineOffsetReader(offsetStore),
    admin: getAdmin,
    async clusterId() {
      try {
        return await (await getAdmin()).clusterId();
      } catch {
        return null;
      }
    },
    async close() {
      await pipelines.close();
      await (await admin?.catch(() => undefined))?.close();
      await offsets.close();
    },
  };
}
