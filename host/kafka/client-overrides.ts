/**
 * Kafka client settings as Kafka Connect takes them: `producer.*`, `consumer.*` and `admin.*` in the worker config,
 * `producer.override.*`, `consumer.override.*` and `admin.override.*` in a connector's config when the worker's
 * `connector.client.config.override.policy` (None, Principal or All — All by default since Kafka 3.0) allows it.
 * The settings this runtime's clients honour are mapped to their options; a Kafka client setting it cannot honour
 * and a key that is no Kafka client setting are both reported in the log (as the Java client warns of a supplied
 * config that "isn't a known config"), never silently dropped.
 */
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { parseCompression } from './producer.ts';
import type { CompressionCodec } from './producer.ts';

type FlatConfig = Readonly<Record<string, string>>;

export const OVERRIDE_POLICY_KEY = 'connector.client.config.override.policy';
export type OverridePolicy = 'None' | 'Principal' | 'All';
export type ClientKind = 'producer' | 'consumer' | 'admin';

const POLICY_CLASSES: Record<string, OverridePolicy> = {
  None: 'None',
  Principal: 'Principal',
  All: 'All',
  'org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy': 'None',
  'org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy': 'Principal',
  'org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy': 'All',
};

/** What the Principal policy lets a connector override (Kafka Connect's PrincipalConnectorClientConfigOverridePolicy). */
const PRINCIPAL_KEYS = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

export function parseOverridePolicy(worker: FlatConfig): OverridePolicy {
  const raw = (worker[OVERRIDE_POLICY_KEY] ?? 'All').trim();
  const policy = POLICY_CLASSES[raw];
  if (policy === undefined) {
    throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${raw} for configuration ${OVERRIDE_POLICY_KEY}: Class ${raw} could not be found.`);
  }
  return policy;
}

/** Validation errors for a connector's client overrides, keyed by the full (prefixed) config name. */
export function clientOverrideErrors(connector: FlatConfig, policy: OverridePolicy): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (policy === 'All') return errors;
  for (const kind of ['producer', 'consumer', 'admin'] as const) {
    for (const [name] of withPrefix(connector, `${kind}.override.`)) {
      if (policy === 'Principal' && PRINCIPAL_KEYS.has(name)) continue;
      errors[`${kind}.override.${name}`] = [`The '${policy}' policy does not allow '${name}' to be overridden in the connector configuration.`];
    }
  }
  return errors;
}

function withPrefix(config: FlatConfig, prefix: string): [string, string][] {
  return Object.entries(config)
    .filter(([k]) => k.startsWith(prefix) && k.length > prefix.length)
    .map(([k, v]) => [k.slice(prefix.length), v]);
}

/** The worker's `<kind>.*` settings with the connector's `<kind>.override.*` on top (overrides are validated elsewhere). */
export function clientSettings(kind: ClientKind, worker: FlatConfig, connector: FlatConfig = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of withPrefix(worker, `${kind}.`)) if (!k.startsWith('override.')) out.set(k, v);
  for (const [k, v] of withPrefix(connector, `${kind}.override.`)) out.set(k, v);
  return out;
}

export interface ConsumerClientOptions {
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  maxWaitTimeMs?: number;
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  readUncommitted?: boolean;
}

export interface ProducerClientOptions {
  compression?: CompressionCodec;
  idempotent?: boolean;
}

/** Settings the Java client has that this runtime's clients do not honour: reported, not applied. */
const NOT_APPLIED = new Set([
  'acks', 'batch.size', 'buffer.memory', 'linger.ms', 'max.block.ms', 'max.request.size', 'delivery.timeout.ms', 'retries',
  'retry.backoff.ms', 'request.timeout.ms', 'max.in.flight.requests.per.connection', 'partitioner.class', 'client.id',
  'max.poll.records', 'auto.offset.reset', 'enable.auto.commit', 'auto.commit.interval.ms', 'receive.buffer.bytes',
  'send.buffer.bytes', 'metadata.max.age.ms', 'connections.max.idle.ms', 'reconnect.backoff.ms', 'reconnect.backoff.max.ms',
  'security.protocol', 'sasl.mechanism', 'sasl.jaas.config', 'ssl.truststore.location', 'ssl.keystore.location',
  'client.rack', 'group.instance.id', 'partition.assignment.strategy', 'default.api.timeout.ms', 'transaction.timeout.ms',
  'key.serializer', 'value.serializer', 'key.deserializer', 'value.deserializer', 'interceptor.classes', 'metric.reporters',
  'check.crcs', 'exclude.internal.topics', 'allow.auto.create.topics', 'compression.gzip.level', 'compression.lz4.level',
  'compression.zstd.level', 'bootstrap.servers',
]);

const CONSUMER_KEYS: Record<string, (o: ConsumerClientOptions, v: string, key: string) => void> = {
  'session.timeout.ms': (o, v, k) => (o.sessionTimeoutMs = positive(k, v)),
  'heartbeat.interval.ms': (o, v, k) => (o.heartbeatIntervalMs = positive(k, v)),
  // The Java consumer's rebalance timeout is max.poll.interval.ms.
  'max.poll.interval.ms': (o, v, k) => (o.rebalanceTimeoutMs = positive(k, v)),
  'fetch.max.wait.ms': (o, v, k) => (o.maxWaitTimeMs = nonNegative(k, v)),
  'fetch.min.bytes': (o, v, k) => (o.minBytes = nonNegative(k, v)),
  'fetch.max.bytes': (o, v, k) => (o.maxBytes = positive(k, v)),
  'max.partition.fetch.bytes': (o, v, k) => (o.maxBytesPerPartition = positive(k, v)),
  'isolation.level': (o, v, k) => {
    const level = v.trim().toLowerCase();
    if (level !== 'read_committed' && level !== 'read_uncommitted') throw invalid(k, v, 'String must be one of: read_committed, read_uncommitted');
    o.readUncommitted = level === 'read_uncommitted';
  },
};

const PRODUCER_KEYS: Record<string, (o: ProducerClientOptions, v: string, key: string) => void> = {
  'compression.type': (o, v) => (o.compression = parseCompression(v)),
  'enable.idempotence': (o, v, k) => (o.idempotent = bool(k, v)),
};

function invalid(key: string, value: string, why: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, `Invalid value ${value} for configuration ${key}: ${why}`);
}

function nonNegative(key: string, v: string): number {
  const n = Number(v.trim());
  if (!Number.isInteger(n) || n < 0) throw invalid(key, v, 'Not a number of type INT');
  return n;
}

function positive(key: string, v: string): number {
  const n = nonNegative(key, v);
  if (n === 0) throw invalid(key, v, 'Value must be at least 1');
  return n;
}

function bool(key: string, v: string): boolean {
  const b = v.trim().toLowerCase();
  if (b !== 'true' && b !== 'false') throw invalid(key, v, 'Expected value to be either true or false');
  return b === 'true';
}

function apply<O>(kind: ClientKind, settings: Map<string, string>, keys: Record<string, (o: O, v: string, key: string) => void>, out: O, log?: Logger): O {
  for (const [k, v] of settings) {
    const set = keys[k];
    if (set !== undefined) set(out, v, k);
    else if (NOT_APPLIED.has(k)) log?.warn('Kafka client setting not applied by this runtime', { client: kind, setting: k });
    else log?.warn(`The configuration '${k}' was supplied but isn't a known config.`, { client: kind, setting: k });
  }
  return out;
}

export function consumerOptions(worker: FlatConfig, connector: FlatConfig, log?: Logger): ConsumerClientOptions {
  return apply('consumer', clientSettings('consumer', worker, connector), CONSUMER_KEYS, {}, log);
}

export function producerOptions(worker: FlatConfig, connector: FlatConfig, log?: Logger): ProducerClientOptions {
  return apply('producer', clientSettings('producer', worker, connector), PRODUCER_KEYS, {}, log);
}

/** Admin settings: none is mapped yet; each is reported. */
export function reportAdminSettings(worker: FlatConfig, connector: FlatConfig, log: Logger): void {
  apply('admin', clientSettings('admin', worker, connector), {}, {}, log);
}

/**
 * Everything wrong with a connector's client settings, keyed by config name: overrides the policy forbids, and
 * override values a mapped setting refuses. Checked at validation, before a task starts.
 */
export function clientConfigErrors(worker: FlatConfig, connector: FlatConfig): Record<string, string[]> {
  const errors = clientOverrideErrors(connector, parseOverridePolicy(worker));
  const check = <O>(kind: ClientKind, keys: Record<string, (o: O, v: string, key: string) => void>, out: O): void => {
    for (const [name, value] of withPrefix(connector, `${kind}.override.`)) {
      const key = `${kind}.override.${name}`;
      try {
        keys[name]?.(out, value, key);
      } catch (e) {
        errors[key] = [...(errors[key] ?? []), e instanceof Error ? e.message : String(e)];
      }
    }
  };
  check('producer', PRODUCER_KEYS, {});
  check('consumer', CONSUMER_KEYS, {});
  return errors;
}
