/**
 * The tenants document of a distributed cluster, kept in etcd (layout in host/cluster/keys.ts): one key per tenant's
 * entry and a version key that every write bumps. Any worker writes it directly, without forwarding to the leader:
 * each change reads the entries and the version at one revision, checks the whole resulting document (holder.ts) and
 * commits only if the version is still the one it read. Two admins changing tenants through different workers at
 * once therefore cannot store a document that fails the checks (the later one re-reads and re-checks), and tenants
 * can be changed — a leaked token revoked — while the cluster has no leader. Every worker watches the prefix and
 * keeps a TenantsHolder on the current document.
 */
import type { Etcd3 } from 'etcd3';
import type { ClusterKeys } from '../cluster/keys.ts';
import { MirrorSink, PrefixWatch } from '../cluster/prefix-watch.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';
import { readTenantsDocument, TENANTS_FILE_KEY, TenantDirectory } from './directory.ts';
import { directoryFromEntries, TenantsHolder, withoutTenant, withTenant } from './holder.ts';
import type { TenantsChange } from './holder.ts';

export interface TenantStoreOptions {
  readonly client: Etcd3;
  readonly keys: ClusterKeys;
  readonly workerId: string;
  readonly logger: Logger;
}

/** How often a change is re-read and re-checked when another write got in first, before answering 409. */
const ATTEMPTS = 5;

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class TenantStore {
  readonly #o: TenantStoreOptions;
  readonly #log: Logger;

  constructor(options: TenantStoreOptions) {
    this.#o = options;
    this.#log = options.logger.child({ [LogField.component]: 'tenants' });
  }

  /** Every tenant's entry and the version's modification revision (null before tenants were ever set up), at one revision. */
  async read(): Promise<{ entries: Record<string, unknown>; version: string | null }> {
    const k = this.#o.keys;
    const res = await this.#o.client.getAll().prefix(k.tenants).exec();
    const entries: Record<string, unknown> = {};
    let version: string | null = null;
    for (const kv of res.kvs) {
      const key = kv.key.toString();
      if (key === k.tenantsVersion) version = String(kv.mod_revision);
      const name = k.nameUnder(k.tenantEntries, key);
      if (name !== undefined) entries[name] = parsed(kv.value.toString());
    }
    return { entries, version };
  }

  async list(): Promise<Record<string, unknown>> {
    return (await this.read()).entries;
  }

  async get(name: string): Promise<unknown> {
    const text = await this.#o.client.get(this.#o.keys.tenantEntry(name)).string();
    return text === null ? undefined : parsed(text);
  }

  /** Creates or replaces a tenant's entry; `created` when there was none. */
  async put(name: string, entry: unknown): Promise<{ created: boolean }> {
    let created = false;
    await this.#change(name, 'tenant stored', (entries) => {
      created = !Object.hasOwn(entries, name);
      return withTenant(entries, name, entry);
    }, (c) => c.put(this.#o.keys.tenantEntry(name)).value(JSON.stringify(entry)));
    return { created };
  }

  async delete(name: string): Promise<void> {
    await this.#change(name, 'tenant deleted', (entries) => withoutTenant(entries, name), (c) => c.delete().key(this.#o.keys.tenantEntry(name)));
  }

  /**
   * Puts a tenants file's document into etcd unless tenants were already set up there (seeded before, or written over
   * REST): the file bootstraps a cluster — its first admin token — and etcd is authoritative from then on.
   */
  async seed(document: unknown, source: string): Promise<boolean> {
    const directory = TenantDirectory.fromDocument(document);
    const tenants = (document as { tenants: Record<string, unknown> }).tenants;
    const c = this.#o.client;
    const k = this.#o.keys;
    const puts = Object.entries(tenants).map(([name, entry]) => c.put(k.tenantEntry(name)).value(JSON.stringify(entry)));
    const res = await c.if(k.tenantsVersion, 'Create', '==', 0).then(c.put(k.tenantsVersion).value(this.#version(source)), ...puts).commit();
    if (res.succeeded) this.#log.info('tenants seeded into etcd', { file: source, tenants: [...directory.tenants.keys()] });
    else this.#log.info(`the cluster's tenants are in etcd already; ${TENANTS_FILE_KEY} is not read again`, { file: source });
    return res.succeeded;
  }

  /**
   * Keeps `holder` on the tenants in etcd; resolves once the first snapshot is in it. `closed`: no tenants means
   * nobody authenticates even if tenants/version is gone too (a worker given a tenants file is never open).
   */
  watch(holder: TenantsHolder, closed = false): Promise<PrefixWatch> {
    const sink = new MirrorSink((all) => holder.replace(this.#directory(all, closed)));
    return PrefixWatch.create({ client: this.#o.client, range: { prefix: this.#o.keys.tenants }, sink, logger: this.#log });
  }

  #directory(all: ReadonlyMap<string, string>, closed: boolean): TenantDirectory | null {
    const k = this.#o.keys;
    const entries = new Map<string, string>();
    for (const [key, value] of all) {
      const name = k.nameUnder(k.tenantEntries, key);
      if (name !== undefined) entries.set(name, value);
    }
    const directory = directoryFromEntries(entries, closed || all.has(k.tenantsVersion), (tenant, reason) => {
      this.#log.error('a tenant entry in etcd is invalid and was left out', { [LogField.tenant]: tenant, reason });
    });
    if (directory === null) this.#log.info('no tenants in etcd: single-tenant, the REST API is open to anyone who can reach it');
    else this.#log.info('tenants in force', { tenants: [...directory.tenants.keys()] });
    return directory;
  }

  #version(seeded?: string): string {
    return JSON.stringify({ by: this.#o.workerId, ...(seeded === undefined ? {} : { seeded }) });
  }

  async #change(name: string, done: string, check: (entries: Record<string, unknown>) => TenantsChange, op: (c: Etcd3) => ReturnType<Etcd3['put']> | ReturnType<Etcd3['delete']>): Promise<void> {
    const c = this.#o.client;
    const k = this.#o.keys;
    for (let attempt = 1; ; attempt++) {
      const { entries, version } = await this.read();
      check(entries);
      const guard = version === null ? c.if(k.tenantsVersion, 'Create', '==', 0) : c.if(k.tenantsVersion, 'Mod', '==', version);
      const res = await guard.then(op(c), c.put(k.tenantsVersion).value(this.#version())).commit();
      if (res.succeeded) {
        this.#log.info(done, { [LogField.tenant]: name });
        return;
      }
      if (attempt >= ATTEMPTS) throw new ConveyorError(ErrorCode.conflict, 'Tenants were being changed concurrently; retry', { retriable: true });
    }
  }
}

export interface ClusterTenants {
  readonly store: TenantStore;
  readonly holder: TenantsHolder;
  close(): Promise<void>;
}

/** A distributed worker's tenants: the seed file (if any) put into etcd once, then the watched document. */
export async function clusterTenants(options: TenantStoreOptions & { readonly properties: Readonly<Record<string, string>> }): Promise<ClusterTenants> {
  const store = new TenantStore(options);
  const file = options.properties[TENANTS_FILE_KEY]?.trim() ?? '';
  if (file !== '') await store.seed(readTenantsDocument(file), file);
  const holder = new TenantsHolder();
  const watch = await store.watch(holder, file !== '');
  return { store, holder, close: () => watch.close() };
}
