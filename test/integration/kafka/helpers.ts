import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { createJsonLogger } from '../../../host/core/logger.ts';
import type { Logger } from '../../../host/core/logger.ts';
import { TopicAdmin } from '../../../host/kafka/admin.ts';
import { createKafka } from '../../../host/kafka/client.ts';
import type { KafkaClient } from '../../../host/kafka/client.ts';
import { createKafkajs } from '../../helpers/kafkajs-client.ts';
import { SourceProducer } from '../../../host/kafka/producer.ts';

export const BOOTSTRAP = process.env.CONVEYOR_KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';

export const logger: Logger = createJsonLogger({
  level: 'warn',
  write: (line) => {
    if (process.env.CONVEYOR_TEST_LOGS === '1') process.stderr.write(line + '\n');
  },
});

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface KafkaFixture {
  /** The host's client: what host/kafka's producers, consumers and admin connect with. */
  kafka: KafkaClient;
  /** kafkajs, an independent client, to check from the outside what the host wrote. */
  reference: Kafka;
  admin: TopicAdmin;
  topics: string[];
  groups: string[];
  /** Creates a topic that is deleted at cleanup. */
  topic(prefix: string, partitions?: number, configs?: Record<string, string>): Promise<string>;
  cleanup(): Promise<void>;
}

export async function kafkaFixture(): Promise<KafkaFixture> {
  const kafka = createKafka({ bootstrapServers: BOOTSTRAP, clientId: uniqueName('conveyor-test'), logger });
  const admin = await TopicAdmin.create(kafka, logger);
  const fx: KafkaFixture = {
    kafka,
    reference: createKafkajs({ bootstrapServers: BOOTSTRAP, clientId: uniqueName('conveyor-test-reference'), logger }),
    admin,
    topics: [],
    groups: [],
    async topic(prefix, partitions = 1, configs = {}) {
      const name = uniqueName(prefix);
      fx.topics.push(name);
      await admin.ensureTopic({ topic: name, partitions, replicationFactor: 1, configs });
      return name;
    },
    async cleanup() {
      await admin.deleteGroups(fx.groups).catch(() => undefined);
      await admin.deleteTopics(fx.topics).catch(() => undefined);
      await admin.close();
    },
  };
  return fx;
}

/** A fixture with one shared producer for tests that write records; cleanup closes the producer first. */
export interface ProducingFixture extends KafkaFixture {
  producer: SourceProducer;
}

export async function producingFixture(): Promise<ProducingFixture> {
  const fx = await kafkaFixture();
  const producer = await SourceProducer.create({ kafka: fx.kafka, admin: fx.admin, logger });
  return {
    ...fx,
    producer,
    async cleanup() {
      await producer.close();
      await fx.cleanup();
    },
  };
}

export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
