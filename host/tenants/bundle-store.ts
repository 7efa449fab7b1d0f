/**
 * Tenants' own bundles in a cluster: PUT /plugins/{name} on any worker stores the .tgz in etcd
 * (`tenant-bundles/<tenant>/<name>`, host/cluster/keys.ts), and every worker watches that prefix and writes each
 * bundle under its conveyor.tenant.plugin.path, where its plugin directory loads it for that tenant — so the
 * bundle is there on whichever worker the tenant's tasks are assigned to. etcd bounds a value, so a bundle
 * installed through the cluster is at most MAX_CLUSTER_BUNDLE_BYTES.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import type { ClusterKeys } from '../cluster/keys.ts';
import { MirrorSink, PrefixWatch } from '../cluster/prefix-watch.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { LogField } from '../core/log-fields.ts';
import type { Logger } from '../core/logger.ts';

/** etcd's default request limit is 1.5 MiB; base64 grows a bundle by a third. */
export const MAX_CLUSTER_BUNDLE_BYTES = 1024 * 1024;

/** Where a tenant's bundle file lives under a worker's conveyor.tenant.plugin.path. */
export function tenantBundleFile(root: string, tenant: string, name: string): string {
  return join(root, tenant, `${name}.tgz`);
}

/** Writes a bundle file atomically (a reader never sees half of it); false when the same bytes are there already. */
export async function writeTenantBundle(root: string, tenant: string, name: string, tgz: Buffer): Promise<boolean> {
  const file = tenantBundleFile(root, tenant, name);
  const current = await readFile(file).catch(() => null);
  if (current !== null && current.equals(tgz)) return false;
  // A unique name per write: the REST install and the etcd watch may write the same bundle at once.
  const tmp = join(root, tenant, `.${name}.tgz.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(join(root, tenant), { recursive: true, mode: 0o700 });
    await writeFile(tmp, tgz, { mode: 0o600 });
    await rename(tmp, file);
  } catch (err) {
    // A full disk (ENOSPC) or a read-only one: nothing half-written stays behind, and the cause is named.
    await unlink(tmp).catch(() => undefined);
    throw new ConveyorError(ErrorCode.internal, `Failed to store plugin bundle ${name} of tenant ${tenant}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return true;
}

export interface TenantBundleStoreOptions {
  client: Etcd3;
  keys: ClusterKeys;
  /** This worker's conveyor.tenant.plugin.path; without it the worker stores nothing locally (and says so). */
  root: string | undefined;
  /** Rescans the plugin directory after bundles were written. */
  rescan: () => Promise<void>;
  logger: Logger;
}

export class TenantBundleStore {
  readonly #o: TenantBundleStoreOptions;
  readonly #log: Logger;
  #watch: PrefixWatch | undefined;

  constructor(o: TenantBundleStoreOptions) {
    this.#o = o;
    this.#log = o.logger.child({ [LogField.component]: 'tenant-bundles' });
  }

  async put(tenant: string, name: string, tgz: Buffer): Promise<void> {
    if (tgz.length > MAX_CLUSTER_BUNDLE_BYTES) throw new ConveyorError(ErrorCode.badRequest, `a bundle installed through a cluster may be at most ${MAX_CLUSTER_BUNDLE_BYTES} bytes (etcd bounds a value); this one is ${tgz.length}`);
    await this.#o.client.put(this.#o.keys.tenantBundle(tenant, name)).value(tgz.toString('base64'));
  }

  /** Mirrors every bundle in etcd into this worker's tenant plugin path. */
  async start(): Promise<void> {
    const sink = new MirrorSink((all) => void this.#materialise(all));
    this.#watch = await PrefixWatch.create({ client: this.#o.client, range: { prefix: this.#o.keys.tenantBundles }, sink, logger: this.#log });
  }

  async #materialise(all: ReadonlyMap<string, string>): Promise<void> {
    const root = this.#o.root;
    if (root === undefined) {
      if (all.size > 0) this.#log.warn('tenants installed bundles but this worker sets no conveyor.tenant.plugin.path: their tasks cannot run here', { bundles: all.size });
      return;
    }
    let wrote = false;
    for (const [key, value] of all) {
      const [tenant, name] = key.slice(this.#o.keys.tenantBundles.length).split('/').map(decodeURIComponent);
      if (tenant === undefined || name === undefined) continue;
      try {
        if (await writeTenantBundle(root, tenant, name, Buffer.from(value, 'base64'))) wrote = true;
      } catch (error) {
        this.#log.error('a tenant bundle could not be written', { [LogField.tenant]: tenant, bundle: name, error });
      }
    }
    if (wrote) await this.#o.rescan().catch((error: unknown) => this.#log.error('plugin scan failed', { error }));
  }

  async close(): Promise<void> {
    await this.#watch?.close();
  }
}
