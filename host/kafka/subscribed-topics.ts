/**
 * The topics a sink consumer subscribes to now: those of its list that exist (a sink that names a topic nobody created
 * yet waits for it, as Kafka Connect's consumer does when the broker does not create topics), or the cluster's topics
 * its regex matches (internal ones excluded).
 */
import { Admin } from '@platformatic/kafka';
import type { Logger } from '../core/logger.ts';
import { endpointOf } from './client.ts';
import type { KafkaClient } from './client.ts';
import type { TopicSubscription } from './sink-records.ts';

/** `current`: the topics subscribed so far; when every listed topic was among them, the list is answered without asking the cluster. */
export async function subscribedTopics(kafka: KafkaClient, sub: TopicSubscription, current: readonly string[], log: Logger): Promise<string[]> {
  if ('topics' in sub && sub.topics.length === 0) return [];
  // Every listed topic was there before: a recreated client subscribes at once (no listing while a broker is away).
  if ('topics' in sub && current.length === sub.topics.length) return [...sub.topics];
  const endpoint = endpointOf(kafka);
  const admin = new Admin({ clientId: endpoint.clientId, bootstrapBrokers: [...endpoint.bootstrapServers] });
  try {
    if ('topics' in sub) {
      const existing = new Set(await admin.listTopics({ includeInternals: true }).catch(() => sub.topics));
      const missing = sub.topics.filter((t) => !existing.has(t));
      if (missing.length > 0) log.warn('subscribed topics do not exist yet; the consumer waits for them', { topics: missing });
      return sub.topics.filter((t) => existing.has(t));
    }
    const all = await admin.listTopics({ includeInternals: false });
    return all.filter((t) => sub.topicsRegex.test(t)).sort();
  } finally {
    await admin.close().catch(() => undefined);
  }
}
