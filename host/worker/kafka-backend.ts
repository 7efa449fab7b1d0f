/**
 * The Kafka side of a standalone worker: source offsets in a local file (offset.storage.file.filename), per-task
 * pipelines from host/pipeline, and an admin client for offsets of sink connectors (consumer group connect-<name>).
 */
import type { Admin, Kafka } from 'kafkajs';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import { createKafka } from '../kafka/client.ts';
import { createPipelineFactory, pipelineOffsetReader } from '../pipeline/index.ts';
import type { PipelineFactory } from '../pipeline/index.ts';
import { FileOffsetBackingStore } from '../storage/file-offset-store.ts';
import type { OffsetBackingStore } from '../storage/offset-store.ts';
import type { SourceOffsetStore } from './offset-store.ts';
import type { WorkerConfig } from './worker-config.ts';

export interface KafkaBackend {
  readonly pipelines: PipelineFactory;
  readonly offsetStore: OffsetBackingStore;
  readonly offsetReader: SourceOffsetStore;
  admin(): Promise<Admin>;
  clusterId(): Promise<string | null>;
  close(): Promise<void>;
}

export async function createKafkaBackend(
  config: WorkerConfig,
  log: Logger,
  onTopicUsed?: (connector: string, topic: string) => void,
): Promise<KafkaBackend | null> {
  if (config.bootstrapServers === null || config.offsetStorageFile === null) return null;
  const klog = log.child({ [LogField.component]: 'kafka' });
  const offsetStore = new FileOffsetBackingStore({ filename: config.offsetStorageFile, logger: klog });
  await offsetStore.start();
  const pipelines = createPipelineFactory({
    kafka: { bootstrapServers: config.bootstrapServers, clientId: `conveyor-${config.workerId}` },
    worker: config.connectProperties,
    offsetStore,
    logger: log,
    ...(onTopicUsed === undefined ? {} : { onTopicUsed }),
  });
  const kafka: Kafka = createKafka({ bootstrapServers: config.bootstrapServers, clientId: `conveyor-admin-${config.workerId}`, logger: klog });
  let admin: Promise<Admin> | undefined;
  const getAdmin = (): Promise<Admin> => {
    admin ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })().catch((e: unknown) => {
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
        return (await (await getAdmin()).describeCluster()).clusterId;
      } catch {
        return null;
      }
    },
    async close() {
      await pipelines.close();
      await (await admin?.catch(() => undefined))?.disconnect();
      await offsetStore.stop();
    },
  };
}
