/** What a connector's capabilities may reach. Empty lists deny everything; the worker config supplies policies. */
export interface CapabilityPolicy {
  /** Origins such as "http://127.0.0.1:8080" that http.fetch may reach. */
  httpOrigins: readonly string[];
  /** Directories files.* may read and write inside (resolved, symlinks followed). */
  fileDirs: readonly string[];
  /** host:port pairs mysql.* may connect to. */
  mysqlHosts: readonly string[];
  /** Elasticsearch node URL the host-side client talks to when the plugin names none, or null. */
  elasticsearchNode: string | null;
  /** host:port pairs elasticsearch.connect may name (elasticsearchNode's host:port is allowed too). */
  elasticsearchHosts: readonly string[];
  /** Index name prefixes elasticsearch.* may touch ("" allows all). */
  elasticsearchIndexPrefixes: readonly string[];
}

export const DENY_ALL: CapabilityPolicy = Object.freeze({
  httpOrigins: [],
  fileDirs: [],
  mysqlHosts: [],
  elasticsearchNode: null,
  elasticsearchHosts: [],
  elasticsearchIndexPrefixes: [],
});

export function policyFrom(partial: Partial<CapabilityPolicy> | undefined): CapabilityPolicy {
  return Object.freeze({ ...DENY_ALL, ...partial });
}

/** Policies by connector name; "*" is the fallback. */
export type PolicyBook = Readonly<Record<string, Partial<CapabilityPolicy>>>;

export function policyFor(book: PolicyBook, connector: string): CapabilityPolicy {
  return policyFrom(book[connector] ?? book['*']);
}

const LIST_FIELDS = ['httpOrigins', 'fileDirs', 'mysqlHosts', 'elasticsearchHosts', 'elasticsearchIndexPrefixes'] as const;

/** A policy from JSON (the tenants document, the --config file): known fields only, lists of strings. */
export function parsePolicy(value: unknown): Partial<CapabilityPolicy> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('a policy must be an object');
  const out: { -readonly [K in keyof CapabilityPolicy]?: CapabilityPolicy[K] } = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if ((LIST_FIELDS as readonly string[]).includes(k)) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`${k} must be an array of strings`);
      out[k as (typeof LIST_FIELDS)[number]] = Object.freeze([...(v as string[])]);
    } else if (k === 'elasticsearchNode') {
      if (v !== null && typeof v !== 'string') throw new Error('elasticsearchNode must be a URL string or null');
      out.elasticsearchNode = v;
    } else throw new Error(`unknown policy field ${k} (known: ${[...LIST_FIELDS, 'elasticsearchNode'].join(', ')})`);
  }
  return Object.freeze(out);
}

/** Property names under conveyor.policy.<scope>. and the policy fields they set (lists are comma-separated). */
const PROPERTY_FIELDS: Readonly<Record<string, keyof CapabilityPolicy>> = {
  'http.origins': 'httpOrigins',
  'file.dirs': 'fileDirs',
  'mysql.hosts': 'mysqlHosts',
  'elasticsearch.node': 'elasticsearchNode',
  'elasticsearch.hosts': 'elasticsearchHosts',
  'elasticsearch.index.prefixes': 'elasticsearchIndexPrefixes',
};

export const POLICY_PROPERTY_PREFIX = 'conveyor.policy.';

/**
 * Policies from worker.properties: `conveyor.policy.default.<field>` (every connector) and
 * `conveyor.policy.connector.<name>.<field>` (one connector), fields http.origins, file.dirs, mysql.hosts,
 * elasticsearch.node, elasticsearch.hosts, elasticsearch.index.prefixes. An unknown field is an error.
 */
export function policiesFromProperties(props: Readonly<Record<string, string>>): Record<string, Partial<CapabilityPolicy>> {
  const book: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith(POLICY_PROPERTY_PREFIX)) continue;
    const rest = key.slice(POLICY_PROPERTY_PREFIX.length);
    let scope: string;
    let field: string;
    if (rest.startsWith('default.')) {
      scope = '*';
      field = rest.slice('default.'.length);
    } else if (rest.startsWith('connector.')) {
      const tail = rest.slice('connector.'.length);
      const f = Object.keys(PROPERTY_FIELDS).find((name) => tail.endsWith(`.${name}`));
      if (f === undefined) throw new Error(`${key}: unknown policy field (known: ${Object.keys(PROPERTY_FIELDS).join(', ')})`);
      scope = tail.slice(0, -(f.length + 1));
      field = f;
    } else throw new Error(`${key}: use ${POLICY_PROPERTY_PREFIX}default.<field> or ${POLICY_PROPERTY_PREFIX}connector.<name>.<field>`);
    const target = PROPERTY_FIELDS[field];
    if (target === undefined || scope === '') throw new Error(`${key}: unknown policy field (known: ${Object.keys(PROPERTY_FIELDS).join(', ')})`);
    const entry = (book[scope] ??= {});
    entry[target] = target === 'elasticsearchNode' ? (value.trim() === '' ? null : value.trim()) : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }
  return Object.fromEntries(Object.entries(book).map(([scope, p]) => [scope, parsePolicy(p)]));
}
