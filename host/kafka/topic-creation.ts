import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicAdmin, TopicSpec } from './admin.ts';

/*
 * Kafka Connect's topic.creation.* rules (KIP-158) for source connectors:
 * - creation is on for a connector only when topic.creation.default.replication.factor and .partitions are set
 *   (and the worker's topic.creation.enable is true);
 * - topic.creation.groups lists named groups, tried in that order; the first whose include regexes match the whole
 *   topic name and whose exclude regexes do not wins; the `default` group takes every other topic;
 * - a group's replication.factor/partitions fall back to the default group's; -1 means the broker default;
 * - any other topic.creation.<group>.<key> is a topic config of that group only (not inherited).
 */

const PREFIX = 'topic.creation.';
const DEFAULT_GROUP = 'default';
const OWN_KEYS = new Set(['include', 'exclude', 'replication.factor', 'partitions']);

export interface TopicCreationGroup {
  readonly name: string;
  readonly include: RegExp | undefined;
  readonly exclude: RegExp | undefined;
  readonly replicationFactor: number;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface TopicCreationRules {
  readonly enabled: boolean;
  readonly groups: readonly TopicCreationGroup[];
  /** The spec a new topic gets, or undefined when this connector does not create topics. */
  specFor(topic: string): TopicSpec | undefined;
}

export function parseTopicCreationRules(config: Readonly<Record<string, string>>, workerEnabled = true): TopicCreationRules {
  const rf = config[`${PREFIX}${DEFAULT_GROUP}.replication.factor`];
  const parts = config[`${PREFIX}${DEFAULT_GROUP}.partitions`];
  if (!workerEnabled || rf === undefined || parts === undefined) return { enabled: false, groups: [], specFor: () => undefined };
  const defaults = {
    replicationFactor: parseCount(`${PREFIX}${DEFAULT_GROUP}.replication.factor`, rf, true),
    partitions: parseCount(`${PREFIX}${DEFAULT_GROUP}.partitions`, parts, false),
  };
  const names = splitList(config[`${PREFIX}groups`] ?? '').filter((n) => n !== DEFAULT_GROUP);
  const groups = names.map((name) => parseGroup(config, name, defaults));
  const fallback: TopicCreationGroup = {
    name: DEFAULT_GROUP,
    include: undefined,
    exclude: undefined,
    ...defaults,
    configs: otherConfigs(config, DEFAULT_GROUP),
  };
  const all = [...groups, fallback];
  return {
    enabled: true,
    groups: all,
    specFor(topic) {
      const g = all.find((x) => matches(x, topic)) ?? fallback;
      return { topic, partitions: g.partitions, replicationFactor: g.replicationFactor, configs: g.configs };
    },
  };
}

function parseGroup(config: Readonly<Record<string, string>>, name: string, defaults: { replicationFactor: number; partitions: number }): TopicCreationGroup {
  const key = (k: string): string => `${PREFIX}${name}.${k}`;
  const rf = config[key('replication.factor')];
  const parts = config[key('partitions')];
  return {
    name,
    include: regexList(key('include'), config[key('include')]),
    exclude: regexList(key('exclude'), config[key('exclude')]),
    replicationFactor: rf === undefined ? defaults.replicationFactor : parseCount(key('replication.factor'), rf, true),
    partitions: parts === undefined ? defaults.partitions : parseCount(key('partitions'), parts, false),
    configs: otherConfigs(config, name),
  };
}

function matches(group: TopicCreationGroup, topic: string): boolean {
  if (group.name === DEFAULT_GROUP) return false;
  if (group.exclude?.test(topic) === true) return false;
  return group.include?.test(topic) === true;
}

function otherConfigs(config: Readonly<Record<string, string>>, group: string): Record<string, string> {
  const p = `${PREFIX}${group}.`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!k.startsWith(p)) continue;
    const rest = k.slice(p.length);
    if (!OWN_KEYS.has(rest)) out[rest] = v;
  }
  return out;
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Java's Pattern.matches semantics: the whole topic name must match one of the regexes. */
function regexList(key: string, value: string | undefined): RegExp | undefined {
  const list = splitList(value ?? '');
  if (list.length === 0) return undefined;
  try {
    return new RegExp(`^(?:${list.map((r) => `(?:${r})`).join('|')})$`);
  } catch (e) {
    throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${value} for configuration ${key}: not a valid regex`, { cause: e });
  }
}

function parseCount(key: string, value: string, isReplication: boolean): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || (n < 1 && n !== -1) || (isReplication && n > 32767)) {
    throw new ConveyorError(ErrorCode.configInvalid, `Invalid value ${value} for configuration ${key}: must be a positive integer or -1 for the broker default`);
  }
  return n;
}

/** Creates a source connector's topics on first use, once per topic; a topic that exists is left as it is. */
export class TopicCreator {
  readonly #rules: TopicCreationRules;
  readonly #admin: TopicAdmin;
  readonly #log: Logger;
  readonly #known = new Set<string>();
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(rules: TopicCreationRules, admin: TopicAdmin, logger: Logger) {
    this.#rules = rules;
    this.#admin = admin;
    this.#log = logger.child({ component: 'topic-creator' });
  }

  /** Makes sure the topic exists when rules apply; a no-op for topics already seen. */
  ensure(topic: string): Promise<void> {
    if (!this.#rules.enabled || this.#known.has(topic)) return Promise.resolve();
    const pending = this.#inFlight.get(topic);
    if (pending !== undefined) return pending;
    const spec = this.#rules.specFor(topic);
    if (spec === undefined) return Promise.resolve();
    const run = this.#admin
      .ensureTopic(spec)
      .then((created) => {
        this.#known.add(topic);
        if (created) this.#log.info('created topic for source connector', { topic, partitions: spec.partitions, replicationFactor: spec.replicationFactor });
      })
      .finally(() => this.#inFlight.delete(topic));
    this.#inFlight.set(topic, run);
    return run;
  }
}
