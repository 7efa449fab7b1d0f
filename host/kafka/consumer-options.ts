/** What a SinkConsumer (consumer.ts) is given, and the Java consumer's defaults it falls back to. */
import type { ConveyorError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { KafkaClient } from './client.ts';
import type { SinkBatch, TopicPartition, TopicSubscription } from './sink-records.ts';

export interface SinkConsumerOptions {
  kafka: KafkaClient;
  connector: string;
  logger: Logger;
  subscription: TopicSubscription;
  /** Called with the records of one partition as they arrive; backpressure is pause()/resume(). */
  onBatch: (batch: SinkBatch) => Promise<void>;
  /** After a rebalance: partitions this member lost (their durable offsets were committed first) and gained. */
  onRevoked?: (partitions: TopicPartition[]) => void;
  onAssigned?: (partitions: TopicPartition[]) => void;
  /** The consumer stopped for good (a stall outlived every recovery). */
  onFailure?: (error: ConveyorError) => void;
  /**
   * Commit as soon as offsets are declared durable (default true), as Kafka Connect commits right after a
   * task's flush. When false the caller calls commit() itself.
   */
  commitOnDurable?: boolean;
  /** Checked before every commit (distributed mode: does this worker still own the task?); a throw commits nothing. */
  beforeCommit?: () => Promise<void>;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** fetch.max.wait.ms (default 500, the Java consumer's), fetch.min.bytes, fetch.max.bytes, max.partition.fetch.bytes. */
  maxWaitTimeMs?: number;
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  /** isolation.level=read_uncommitted (read_committed by default). */
  readUncommitted?: boolean;
  /** How long without a completed fetch, or with offsets waiting for a commit, counts as a stall (default session + rebalance timeout). */
  stallTimeoutMs?: number;
  /** How long one commit (ownership check and request, with the client's own retries) may take (default 30 s). */
  commitTimeoutMs?: number;
  /** Recreations of a stalled consumer, without progress in between, before it gives up through onFailure (default 3). */
  maxRecoveries?: number;
  /** How often a topics.regex subscription is matched again against the cluster's topics (default 30 s). */
  regexRefreshMs?: number;
  /**
   * create() returns before the first group join (Kafka Connect's sink task is RUNNING once subscribed; its first
   * poll joins): a join waiting for a dead member's session to expire no longer holds up the task's start. A first
   * start that fails is retried like a recreation, within the stall bound. Default false: create() has joined.
   */
  joinInBackground?: boolean;
}

/** The Java consumer's defaults (fetch.max.bytes, max.partition.fetch.bytes, session and rebalance timeouts); the stall bound is derived from the last two. */
export const JAVA_FETCH_MAX_BYTES = 52_428_800;
export const JAVA_MAX_PARTITION_FETCH_BYTES = 1_048_576;
export const DEFAULT_SESSION_TIMEOUT_MS = 45_000;
export const DEFAULT_REBALANCE_TIMEOUT_MS = 60_000;
/** How long closing a client (leaving the group) may take. */
export const CLOSE_TIMEOUT_MS = 10_000;
/** Kafka Connect's offset.flush.timeout.ms is 5 s; the client retries a commit itself, so allow it a request timeout. */
export const DEFAULT_COMMIT_TIMEOUT_MS = 30_000;
