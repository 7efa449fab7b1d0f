/**
 * Where a topic's records go. topic.to.external.resource.mapping wins; with data streams the name is
 * <type>-<dataset>-<namespace> (namespace defaults to the topic); otherwise the topic made into a valid index
 * name as Confluent does: lowercased, leading '-', '_' and '+' removed, '.' and '..' spelled out, cut to 255 bytes.
 */
import type { EsSinkConfig } from './config.ts';
import { dataError } from './errors.ts';

const MAX_INDEX_BYTES = 255;
const INVALID_INDEX_CHARS = /[\\/*?"<>| ,#:]/;

export function indexNameForTopic(topic: string): string {
  let name = topic.toLowerCase().replace(/^[-_+]+/, '');
  if (name === '.') name = 'dot';
  else if (name === '..') name = 'dotdot';
  name = truncateUtf8(name, MAX_INDEX_BYTES);
  if (name === '' || INVALID_INDEX_CHARS.test(name)) {
    throw dataError(`topic ${JSON.stringify(topic)} does not make a valid index name; map it with topic.to.external.resource.mapping=${topic}:<index>`);
  }
  return name;
}

export function dataStreamName(config: NonNullable<EsSinkConfig['dataStream']>, topic: string): string {
  const namespace = config.namespace.split('${topic}').join(topic).toLowerCase();
  return `${config.type}-${config.dataset}-${namespace}`;
}

/** Resolves names once per topic; the result depends only on the config and the topic. */
export class IndexNameResolver {
  readonly #config: EsSinkConfig;
  readonly #cache = new Map<string, string>();

  constructor(config: EsSinkConfig) {
    this.#config = config;
  }

  resolve(topic: string): string {
    let name = this.#cache.get(topic);
    if (name === undefined) {
      const mapped = this.#config.topicToIndex.get(topic);
      name = mapped ?? (this.#config.dataStream !== null ? dataStreamName(this.#config.dataStream, topic) : indexNameForTopic(topic));
      this.#cache.set(topic, name);
    }
    return name;
  }
}

function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}
