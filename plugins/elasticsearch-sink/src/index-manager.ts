/**
 * Creates indices on first use, once per task: an index that does not exist is created (with a mapping from the
 * value schema unless schemas are ignored); an existing index without mapped fields gets one. Data streams are
 * not created here: Elasticsearch creates them on the first write when an index template matches. Names already
 * handled are cached, so the steady state costs no request.
 */
import type { JsonValue } from '@conveyor/sdk';
import { backoffMs, DEFAULT_MAX_BACKOFF_MS } from './bulk-writer.ts';
import type { WriterClock } from './bulk-writer.ts';
import { isRetriableRequestError } from './classify.ts';
import type { ConnectSchema } from './connect-schema.ts';
import { buildIndexMapping } from './mapping.ts';

/** The index calls needed; the SDK's ElasticsearchCapability fits. */
export interface IndexAdmin {
  indexExists(index: string): Promise<boolean>;
  indexCreate(index: string, body?: JsonValue): Promise<void>;
  getMapping(index: string): Promise<JsonValue>;
  putMapping(index: string, mapping: JsonValue): Promise<void>;
}

export interface IndexManagerOptions {
  readonly compactMapEntries: boolean;
  readonly dataStream: boolean;
  /** An index call that fails retriably (no connection, 429, 5xx) is retried as bulk requests are: max.retries, retry.backoff.ms. */
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly clock: WriterClock;
  readonly random?: () => number;
}

export class IndexManager {
  readonly #admin: IndexAdmin;
  readonly #options: IndexManagerOptions;
  readonly #ready = new Set<string>();
  readonly #inProgress = new Map<string, Promise<void>>();

  constructor(admin: IndexAdmin, options: IndexManagerOptions) {
    this.#admin = admin;
    this.#options = options;
  }

  isReady(index: string): boolean {
    return this.#ready.has(index);
  }

  /**
   * Makes sure `index` exists (and is mapped when a schema is given); concurrent calls share one attempt. A call that
   * fails retriably is retried up to `retries` times (max.retries by default) with backoff.
   */
  async ensure(index: string, valueSchema: ConnectSchema | null | undefined, retries = this.#options.maxRetries): Promise<void> {
    if (this.#ready.has(index) || this.#options.dataStream) return;
    let p = this.#inProgress.get(index);
    if (p === undefined) {
      p = this.#withRetries(() => this.#create(index, valueSchema ?? null), retries).finally(() => this.#inProgress.delete(index));
      this.#inProgress.set(index, p);
    }
    await p;
  }

  async #withRetries(attempt: () => Promise<void>, retries: number): Promise<void> {
    for (let n = 0; ; n++) {
      try {
        await attempt();
        return;
      } catch (err) {
        if (n >= retries || !isRetriableRequestError(err)) throw err;
        await this.#options.clock.sleep(backoffMs(n, this.#options.retryBackoffMs, DEFAULT_MAX_BACKOFF_MS, this.#options.random ?? Math.random));
      }
    }
  }

  async #create(index: string, schema: ConnectSchema | null): Promise<void> {
    const mapping = schema === null ? null : buildIndexMapping(schema, { compactMapEntries: this.#options.compactMapEntries });
    if (!(await this.#admin.indexExists(index))) {
      try {
        await this.#admin.indexCreate(index, mapping === null ? undefined : { mappings: mapping });
      } catch (err) {
        // Another task may have created it first; only a still-missing index is an error.
        if (!(await this.#admin.indexExists(index))) throw err;
      }
    } else if (mapping !== null && !hasMappedFields(await this.#admin.getMapping(index), index)) {
      await this.#admin.putMapping(index, mapping);
    }
    this.#ready.add(index);
  }
}

function hasMappedFields(response: JsonValue, index: string): boolean {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return false;
  const entry = response[index] ?? Object.values(response)[0];
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return false;
  const mappings = entry['mappings'];
  if (typeof mappings !== 'object' || mappings === null || Array.isArray(mappings)) return false;
  const props = mappings['properties'];
  return typeof props === 'object' && props !== null && Object.keys(props).length > 0;
}
