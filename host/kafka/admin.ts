import type { Admin, Kafka, PartitionMetadata } from 'kafkajs';
import type { Logger } from '../core/logger.ts';
import { toConveyorError } from './client.ts';

export interface TopicSpec {
  topic: string;
  /** -1: the broker's num.partitions */
  partitions: number;
  /** -1: the broker's default.replication.factor */
  replicationFactor: number;
  configs?: Readonly<Record<string, string>>;
}

const TOPIC_ALREADY_EXISTS = 'TOPIC_ALREADY_EXISTS';

/** The admin calls the worker needs; one connection, opened by create(). */
export class TopicAdmin {
  readonly #admin: Admin;
  readonly #log: Logger;

  private constructor(admin: Admin, log: Logger) {
    this.#admin = admin;
    this.#log = log;
  }

  static async create(kafka: Kafka, logger: Logger): Promise<TopicAdmin> {
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (e) {
      throw toConveyorError(e, 'cannot connect the Kafka admin client');
    }
    return new TopicAdmin(admin, logger.child({ component: 'topic-admin' }));
  }

  /** The subset of `topics` that exist. */
  async existingTopics(topics: readonly string[]): Promise<Set<string>> {
    try {
      const all = new Set(await this.#admin.listTopics());
      return new Set(topics.filter((t) => all.has(t)));
    } catch (e) {
      throw toConveyorError(e, 'cannot list topics');
    }
  }

  /** Creates the topic unless it exists; resolves true when this call created it. */
  async ensureTopic(spec: TopicSpec): Promise<boolean> {
    if ((await this.existingTopics([spec.topic])).has(spec.topic)) return false;
    try {
      const created = await this.#admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: spec.topic,
            numPartitions: spec.partitions,
            replicationFactor: spec.replicationFactor,
            configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      if (created) this.#log.info('created topic', { topic: spec.topic, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: spec.configs });
      return created;
    } catch (e) {
      if (hasErrorType(e, TOPIC_ALREADY_EXISTS)) return false;
      throw toConveyorError(e, `cannot create topic ${spec.topic}`);
    }
  }

  /** Topic-level configs as the broker reports them (only non-default values unless `names` lists keys). */
  async topicConfig(topic: string, names?: readonly string[]): Promise<Record<string, string>> {
    try {
      const res = await this.#admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, ...(names === undefined ? {} : { configNames: [...names] }) }],
      });
      const out: Record<string, string> = {};
      for (const c of res.resources[0]?.configEntries ?? []) if (names !== undefined || !c.isDefault) out[c.configName] = c.configValue;
      return out;
    } catch (e) {
      throw toConveyorError(e, `cannot describe topic ${topic}`);
    }
  }

  /** Partition metadata of an existing topic (rejects with a retriable error when it does not exist yet). */
  async partitions(topic: string): Promise<PartitionMetadata[]> {
    try {
      const md = await this.#admin.fetchTopicMetadata({ topics: [topic] });
      return md.topics[0]?.partitions ?? [];
    } catch (e) {
      throw toConveyorError(e, `cannot read metadata of topic ${topic}`);
    }
  }

  /** Per partition: the offset after the last record (the high watermark) and the first available offset. */
  async endOffsets(topic: string): Promise<Map<number, { high: bigint; low: bigint }>> {
    try {
      const offsets = await this.#admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((o) => [o.partition, { high: BigInt(o.high), low: BigInt(o.low) }]));
    } catch (e) {
      throw toConveyorError(e, `cannot read end offsets of topic ${topic}`);
    }
  }

  /** Committed offsets of a consumer group: topic → partition → next offset to read (-1 when none). */
  async groupOffsets(groupId: string, topics: readonly string[]): Promise<Map<string, Map<number, bigint>>> {
    try {
      const res = await this.#admin.fetchOffsets({ groupId, topics: [...topics] });
      return new Map(res.map((t) => [t.topic, new Map(t.partitions.map((p) => [p.partition, BigInt(p.offset)]))]));
    } catch (e) {
      throw toConveyorError(e, `cannot read offsets of group ${groupId}`);
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    try {
      await this.#admin.deleteTopics({ topics: [...topics] });
    } catch (e) {
      throw toConveyorError(e, `cannot delete topics ${topics.join(',')}`);
    }
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    try {
      await this.#admin.deleteGroups([...groupIds]);
    } catch (e) {
      throw toConveyorError(e, `cannot delete groups ${groupIds.join(',')}`);
    }
  }

  async close(): Promise<void> {
    await this.#admin.disconnect();
  }
}

function hasErrorType(e: unknown, type: string): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { type?: unknown; errors?: unknown[] };
  if (err.type === type) return true;
  return Array.isArray(err.errors) && err.errors.some((x) => hasErrorType(x, type));
}
