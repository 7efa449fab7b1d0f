/**
 * Topics no plugin's records may reach: the broker's own (`__consumer_offsets`, `__transaction_state` and the other
 * topics Kafka keeps for itself — not every `__*` name: Debezium's heartbeats go to `__debezium-heartbeat.*`) and
 * the worker's internal ones (source offsets, and the config and status topics when the worker
 * config names them). A source task's record aimed at one — by the plugin or by a transform — fails the task with
 * an error naming the topic, before the topic is created or anything is written.
 */
import { ConveyorError, ErrorCode } from '../core/errors.ts';

const KAFKA_INTERNAL = new Set(['__consumer_offsets', '__transaction_state', '__cluster_metadata', '__share_group_state', '__remote_log_metadata']);

export type InternalTopicCheck = (topic: string) => string | undefined;

export function internalTopics(worker: Readonly<Record<string, string>>, offsetsTopic: string | undefined): InternalTopicCheck {
  const named = new Map<string, string>();
  if (offsetsTopic !== undefined) named.set(offsetsTopic, 'the worker\'s source offsets topic');
  const configs = worker['config.storage.topic'];
  if (configs !== undefined) named.set(configs, 'the worker\'s config topic');
  const statuses = worker['status.storage.topic'];
  if (statuses !== undefined) named.set(statuses, 'the worker\'s status topic');
  const offsets = worker['offset.storage.topic'];
  if (offsets !== undefined) named.set(offsets, 'the worker\'s source offsets topic');
  return (topic) => named.get(topic) ?? (KAFKA_INTERNAL.has(topic) ? 'a Kafka internal topic' : undefined);
}

export function internalTopicError(connector: string, topic: string, what: string): ConveyorError {
  return new ConveyorError(ErrorCode.capabilityDenied, `connector ${connector} may not write to topic ${topic}: it is ${what}`);
}

/** The connector config key naming the tenant that owns a connector (set by the REST layer, host/rest/tenancy.ts). */
export const TENANT_CONFIG_KEY = 'conveyor.tenant';

/** A tenant's topic namespace: the prefixes its connectors' topics must start with (none: any topic). */
export function topicOutsidePrefixes(topic: string, prefixes: readonly string[]): boolean {
  return prefixes.length > 0 && !prefixes.some((p) => topic.startsWith(p));
}

/** The internal-topic check plus, for a tenant's connector, its topic prefixes. */
export function connectorTopicCheck(internal: InternalTopicCheck, tenant: string | undefined, prefixes: readonly string[] | undefined): InternalTopicCheck {
  if (tenant === undefined || prefixes === undefined || prefixes.length === 0) return internal;
  return (topic) => internal(topic) ?? (topicOutsidePrefixes(topic, prefixes) ? `outside tenant ${tenant}'s topic prefixes (${prefixes.join(', ')})` : undefined);
}
