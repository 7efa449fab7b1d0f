/**
 * What must differ between the two workers, rewritten to the same text before comparing: each side's own names
 * (connectors, topic, files, REST URL) back to their placeholders, worker ids, the runtime's own version and commit,
 * timestamps, traces after their first line, lists Kafka Connect does not order, and what depends on the plugins and
 * loggers each worker happens to have (see withoutConveyorOnlyPlugins, onlyLoggers, INSTALLED_CONNECTORS).
 */
import type { RestResponse } from './http.ts';

/** Placeholder name → this side's value, e.g. src → diff-src-kc-…, rest → http://127.0.0.1:41234. */
export type Vars = Readonly<Record<string, string>>;

/** Fills `{name}` placeholders in every string and object key. */
export function fill(value: unknown, vars: Vars): unknown {
  return mapStrings(value, (s) => s.replace(/\{([a-z]+)\}/g, (whole, name: string) => vars[name] ?? whole));
}

/** The inverse of fill: each side's values back to `{name}`, longest value first so none is replaced in part. */
export function unfill(value: unknown, vars: Vars): unknown {
  const pairs = Object.entries(vars).filter(([, v]) => v !== '').sort((a, b) => b[1].length - a[1].length);
  return mapStrings(value, (s) => pairs.reduce((out, [name, v]) => out.split(v).join(`{${name}}`), s));
}

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapStrings(v, f)]));
  }
  return value;
}

/** Path segments: object keys as strings, array indexes as numbers. */
export type Segments = readonly (string | number)[];

/** `$.*.topics` style patterns: `*` matches any key, `[]` any array index. */
function matches(pattern: string, path: Segments): boolean {
  const parts = pattern === '$' ? [] : pattern.replace(/^\$\.?/, '').split('.');
  return parts.length === path.length && parts.every((p, i) => p === '*' || (p === '[]' ? typeof path[i] === 'number' : p === path[i]));
}

const sortKey = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x);

/** The tail of "Failed to find any class …, available connectors are: …", which lists each worker's own plugins. */
const INSTALLED_CONNECTORS = /(available connectors are: )[\s\S]*$/;

/** Rules every response gets; `unordered` lists the JSON paths whose arrays are sorted first. */
function generic(value: unknown, path: Segments, unordered: readonly string[]): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v, i) => generic(v, [...path, i], unordered));
    return unordered.some((p) => matches(p, path)) ? items.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0)) : items;
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'worker_id' && typeof v === 'string') out[k] = '<worker>';
    else if (k === 'trace' && typeof v === 'string') out[k] = v.split('\n')[0];
    else if (k === 'last_modified' && typeof v === 'number') out[k] = '<timestamp>';
    else if (k === 'message' && typeof v === 'string') out[k] = v.replace(INSTALLED_CONNECTORS, '$1<installed connectors>');
    else out[k] = generic(v, [...path, k], unordered);
  }
  return out;
}

export interface NormaliseOptions {
  vars: Vars;
  unordered?: readonly string[];
  /** A step's own rewrite of the body, after the generic rules (e.g. GET /'s version). */
  body?: (body: unknown) => unknown;
}

export function normalise(res: RestResponse, options: NormaliseOptions): RestResponse {
  let body = generic(unfill(res.body, options.vars), [], options.unordered ?? []);
  if (options.body !== undefined) body = options.body(body);
  return {
    status: res.status,
    body,
    contentType: res.contentType,
    location: res.location === null ? null : (unfill(res.location, options.vars) as string),
  };
}

/** GET /: the runtime's own version and commit differ by design; kafka_cluster_id is the same broker's and compared. */
export function rootInfo(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  return { ...b, ...('version' in b ? { version: '<version>' } : {}), ...('commit' in b ? { commit: '<commit>' } : {}) };
}

/**
 * Plugins whose jars are not on the reference's classpath: Conveyor's built-ins beyond Apache Kafka's own (its
 * datagen and counting connectors, the Debezium CDC source and transforms, the Confluent Elasticsearch sink).
 * Dropped from Conveyor's plugin list so the lists compare what both have; any other extra entry is a difference.
 */
export const CONVEYOR_ONLY_PLUGIN_PREFIXES = ['io.conveyor.', 'io.debezium.', 'io.confluent.connect.elasticsearch.'] as const;

export function withoutConveyorOnlyPlugins(body: unknown): unknown {
  if (!Array.isArray(body)) return body;
  return body.filter((p: unknown) => {
    const cls = (p as { class?: unknown } | null)?.class;
    return typeof cls !== 'string' || !CONVEYOR_ONLY_PLUGIN_PREFIXES.some((prefix) => cls.startsWith(prefix));
  });
}

/**
 * GET /admin/loggers lists every logger the runtime has created, named after its own classes (Kafka Connect's
 * log4j loggers, Conveyor's components), so only the root logger and the one the scenario sets are compared.
 */
export const COMPARED_LOGGERS = ['root', 'com.example.differential'] as const;

export function onlyLoggers(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([name]) => (COMPARED_LOGGERS as readonly string[]).includes(name)));
}

/** The media type of a Content-Type, without parameters (charset=utf-8), which run.ts reports once for the run. */
export const mediaType = (contentType: string | null): string | null => contentType === null ? null : (contentType.split(';')[0] ?? '').trim().toLowerCase();
