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
