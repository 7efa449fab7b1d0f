import { Admin, ConfigResourceTypes, ConfigSources, ListOffsetTimestamps } from '@platformatic/kafka';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { endpointOf, toConveyorError } from './client.ts';
import type { KafkaClient } from './client.ts';

export interface TopicSpec {
  topic: string;
  /** -1: the broker's num.partitions */
  partitions: number;
  /** -1: the broker's default.replication.factor */
  replicationFactor: number;
  configs?: Readonly<Record<string, string>>;
}

export interface PartitionInfo {
  partition: number;
  /** Broker id of the leader; -1 while the partition has none. */
  leader: number;
}

export interface GroupPartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/** How long ensureTopic waits for a created topic's partitions to have leaders (kafkajs's waitForLeaders did this). */
const LEADERS_TIMEOUT_MS = 30_000;

/** The admin calls the worker needs, on @platformatic/kafka; one client, checked by create(). */
export class TopicAdmin {
  readonly #admin: Admin;
  readonly #log: Logger;

  private constructor(admin: Admin, log: Logger) {
    this.#admin = admin;
    this.#log = log;
  }

  static async create(kafka: KafkaClient, logger: Logger): Promise<TopicAdmin> {
    const endpoint = endpointOf(kafka);
    const admin = new Admin({ clientId: endpoint.clientId, bootstrapBrokers: [...endpoint.bootstrapServers] });
    try {
      await admin.metadata({ topics: [] });
    } catch (e) {
      await admin.close().catch(() => undefined);
      throw toConveyorError(e, 'cannot connect the Kafka admin client');
    }
    return new TopicAdmin(admin, logger.child({ component: 'topic-admin' }));
  }

  /** The subset of `topics` that exist. */
  async existingTopics(topics: readonly string[]): Promise<Set<string>> {
    try {
      const all = new Set(await this.#admin.listTopics({ includeInternals: true }));
      return new Set(topics.filter((t) => all.has(t)));
    } catch (e) {
      throw toConveyorError(e, 'cannot list topics');
    }
  }

  /** Creates the topic unless it exists and waits for its partitions' leaders; resolves true when this call created it. */
  async ensureTopic(spec: TopicSpec): Promise<boolean> {
    if ((await this.existingTopics([spec.topic])).has(spec.topic)) return false;
    try {
      await this.#admin.createTopics({
        topics: [spec.topic],
        partitions: spec.partitions,
        replicas: spec.replicationFactor,
        configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
      });
    } catch (e) {
      if (hasApiError(e, 'TOPIC_ALREADY_EXISTS')) return false;
      throw toConveyorError(e, `cannot create topic ${spec.topic}`);
    }
    await this.#waitForLeaders(spec.topic);
    this.#log.info('created topic', { topic: spec.topic, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: spec.configs });
    return true;
  }

  async #waitForLeaders(topic: string): Promise<void> {
    const deadline = Date.now() + LEADERS_TIMEOUT_MS;
    for (;;) {
      const parts = await this.partitions(topic).catch(() => []);
      if (parts.length > 0 && parts.every((p) => p.leader >= 0)) return;
      if (Date.now() > deadline) throw new ConveyorError(ErrorCode.timeout, `topic ${topic} was created but its partitions have no leader after ${LEADERS_TIMEOUT_MS} ms`, { retriable: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Topic-level configs as the broker reports them (only non-default values unless `names` lists keys). */
  async topicConfig(topic: string, names?: readonly string[]): Promise<Record<string, string>> {
    try {
      const res = await this.#admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, ...(names === undefined ? {} : { configurationKeys: [...names] }) }],
      });
      const out: Record<string, string> = {};
      for (const c of res[0]?.configs ?? []) {
        if (c.value === null || c.value === undefined) continue;
        if (names !== undefined || c.configSource !== ConfigSources.DEFAULT_CONFIG) out[c.name] = c.value;
      }
      return out;
    } catch (e) {
      throw toConveyorError(e, `cannot describe topic ${topic}`);
    }
  }

  /** Partitions of an existing topic (rejects with a retriable error when it does not exist yet). */
  async partitions(topic: string): Promise<PartitionInfo[]> {
    try {
      const md = await this.#admin.metadata({ topics: [topic], forceUpdate: true });
      const t = md.topics.get(topic);
      // @platformatic/kafka leaves Kafka's internal topics (__consumer_offsets, __transaction_state) out of its metadata.
      if (t === undefined) throw new ConveyorError(ErrorCode.badRequest, `topic ${topic} is internal to Kafka; its metadata is not read here`);
      return t.partitions.map((p, partition) => ({ partition, leader: p.leader }));
    } catch (e) {
      // An unknown topic is a UserError there, not a retriable protocol error; it may be being created.
      if (e instanceof Error && e.message.startsWith('Unknown topic')) {
        throw new ConveyorError(ErrorCode.unavailable, `cannot read metadata of topic ${topic}: ${e.message}`, { cause: e, retriable: true });
      }
      throw toConveyorError(e, `cannot read metadata of topic ${topic}`);
    }
  }

  /** Per partition: the offset after the last record (the high watermark) and the first available offset. */
  async endOffsets(topic: string): Promise<Map<number, { high: bigint; low: bigint }>> {
    try {
      const parts = await this.partitions(topic);
      const ask = async (timestamp: bigint): Promise<Map<number, bigint>> => {
        const res = await this.#admin.listOffsets({ topics: [{ name: topic, partitions: parts.map((p) => ({ partitionIndex: p.partition, timestamp })) }] });
        return new Map((res[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
      };
      const [high, low] = await Promise.all([ask(ListOffsetTimestamps.LATEST), ask(ListOffsetTimestamps.EARLIEST)]);
      return new Map(parts.map((p) => [p.partition, { high: high.get(p.partition) ?? 0n, low: low.get(p.partition) ?? 0n }]));
    } catch (e) {
      throw toConveyorError(e, `cannot read end offsets of topic ${topic}`);
    }
  }

  /** Committed offsets of a consumer group: topic → partition → next offset to read (-1 when none). */
  async groupOffsets(groupId: string, topics: readonly string[]): Promise<Map<string, Map<number, bigint>>> {
    try {
      const wanted = await Promise.all(topics.map(async (name) => ({ name, partitionIndexes: (await this.partitions(name)).map((p) => p.partition) })));
      const res = await this.#admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: wanted }] });
      const out = new Map<string, Map<number, bigint>>();
      for (const t of res[0]?.topics ?? []) out.set(t.name, new Map(t.partitions.map((p) => [p.partitionIndex, p.committedOffset])));
      return out;
    } catch (e) {
      throw toConveyorError(e, `cannot read offsets of group ${groupId}`);
    }
  }

  /** Sets a group's committed offsets (the group must have no active member). */
  async alterGroupOffsets(groupId: string, offsets: readonly GroupPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    try {
      const topics = new Map<string, { partition: number; offset: bigint }[]>();
      for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }]);
      await this.#admin.alterConsumerGroupOffsets({ groupId, topics: [...topics].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) });
    } catch (e) {
      throw toConveyorError(e, `cannot alter offsets of group ${groupId}`);
    }
  }

  /** Deletes a group's committed offsets of these partitions, as Kafka Connect resets a sink partition. */
  async deleteGroupOffsets(groupId: string, partitions: readonly { topic: string; partition: number }[]): Promise<void> {
    if (partitions.length === 0) return;
    try {
      const topics = new Map<string, number[]>();
      for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
      await this.#admin.deleteConsumerGroupOffsets({ groupId, topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) });
    } catch (e) {
      if (hasApiError(e, 'GROUP_ID_NOT_FOUND')) return;
      throw toConveyorError(e, `cannot delete offsets of group ${groupId}`);
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

  /** Deletes consumer groups; a group that does not exist (nothing was ever committed) is not an error. */
  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    try {
      await this.#admin.deleteGroups({ groups: [...groupIds] });
    } catch (e) {
      if (hasApiError(e, 'GROUP_ID_NOT_FOUND') && groupIds.length === 1) return;
      throw toConveyorError(e, `cannot delete groups ${groupIds.join(',')}`);
    }
  }

  /** The cluster's id, as Kafka Connect reports it at GET /. */
  async clusterId(): Promise<string> {
    try {
      return (await this.#admin.metadata({ topics: [] })).id;
    } catch (e) {
      throw toConveyorError(e, 'cannot read the cluster id');
    }
  }

  async close(): Promise<void> {
    await this.#admin.close();
  }
}

/** Whether a @platformatic/kafka error (or one it aggregates or wraps) is the broker's `apiId` error. */
export function hasApiError(e: unknown, apiId: string, depth = 0): boolean {
  if (typeof e !== 'object' || e === null || depth > 8) return false;
  const err = e as { apiId?: unknown; type?: unknown; errors?: unknown; cause?: unknown };
  if (err.apiId === apiId || err.type === apiId) return true;
  if (Array.isArray(err.errors) && err.errors.some((x) => hasApiError(x, apiId, depth + 1))) return true;
  return hasApiError(err.cause, apiId, depth + 1);
}
