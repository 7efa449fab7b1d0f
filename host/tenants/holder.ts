/**
 * The tenants document as it is now. Standalone workers hold the one read from `conveyor.tenants.file` at start-up;
 * distributed workers replace theirs whenever the tenants in etcd change (store.ts), so authentication, tenancy
 * checks and the policy, limits and topic prefixes a task starts with always come from `current()`, never from a
 * copy taken earlier.
 */
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { TENANT_NAME, TenantDirectory } from './directory.ts';

/** Where the REST layer and the worker read the tenants document from. */
export interface TenantsSource {
  /** The document in force; null on a single-tenant (open) worker. */
  current(): TenantDirectory | null;
}

export class TenantsHolder implements TenantsSource {
  #current: TenantDirectory | null;

  constructor(initial: TenantDirectory | null = null) {
    this.#current = initial;
  }

  current(): TenantDirectory | null {
    return this.#current;
  }

  replace(next: TenantDirectory | null): void {
    this.#current = next;
  }
}

/** A single-tenant worker's source: nobody authenticates, everyone is the anonymous admin. */
export const NO_TENANTS: TenantsSource = Object.freeze({ current: () => null });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The directory a set of stored entries makes. Entries are added in name order, and one that cannot join the others
 * (unreadable, invalid, a token another tenant already has) is left out and reported: such an entry can only come
 * from a write that bypassed the REST checks, and leaving it out fails closed for that tenant alone, the same way on
 * every worker. `initialised` (tenants were set up at some point) keeps an emptied document closed — nobody
 * authenticates — rather than turning the cluster open; only a cluster that never had tenants is open (null).
 */
export function directoryFromEntries(entries: ReadonlyMap<string, string>, initialised: boolean, onSkip: (tenant: string, reason: string) => void): TenantDirectory | null {
  if (!initialised && entries.size === 0) return null;
  const accepted: Record<string, unknown> = {};
  for (const name of [...entries.keys()].sort()) {
    let entry: unknown;
    try {
      entry = JSON.parse(entries.get(name) ?? '') as unknown;
    } catch {
      onSkip(name, 'its stored entry is not JSON');
      continue;
    }
    try {
      TenantDirectory.fromDocument({ tenants: { ...accepted, [name]: entry } });
      accepted[name] = entry;
    } catch (err) {
      onSkip(name, (err as Error).message);
    }
  }
  return TenantDirectory.fromDocument({ tenants: accepted });
}

/** Entries after a change, and the directory they make: both checked before anything is stored. */
export interface TenantsChange {
  readonly entries: Readonly<Record<string, unknown>>;
  readonly directory: TenantDirectory;
}

/** Refuses a document without an admin tenant: nobody could manage tenants any more (and a cluster would lock). */
function keepAnAdmin(directory: TenantDirectory, what: string): void {
  if (![...directory.tenants.values()].some((t) => t.role === 'admin')) {
    throw new ConveyorError(ErrorCode.conflict, `${what} would leave no tenant with role admin; at least one must remain to manage tenants`);
  }
}

/**
 * PUT /admin/tenants/{tenant}: the entry is checked exactly as a tenants file's entries are, together with every other
 * tenant (a token or user another tenant has is refused), so a stored document is always one a file could hold.
 */
export function withTenant(entries: Readonly<Record<string, unknown>>, name: string, entry: unknown): TenantsChange {
  if (!TENANT_NAME.test(name)) throw new ConveyorError(ErrorCode.badRequest, `tenant name ${JSON.stringify(name)} must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  if (!isObject(entry)) throw new ConveyorError(ErrorCode.badRequest, `the body must be tenant ${name}'s entry, a JSON object like {"role": "operator", "tokens": ["sha256:<hex>"]}`);
  const next = { ...entries, [name]: entry };
  const directory = TenantDirectory.fromDocument({ tenants: next });
  keepAnAdmin(directory, `Changing tenant ${name}`);
  return { entries: next, directory };
}

/** DELETE /admin/tenants/{tenant}. */
export function withoutTenant(entries: Readonly<Record<string, unknown>>, name: string): TenantsChange {
  if (!Object.hasOwn(entries, name)) throw new ConveyorError(ErrorCode.notFound, `Tenant ${name} not found`);
  const next = Object.fromEntries(Object.entries(entries).filter(([n]) => n !== name));
  const directory = TenantDirectory.fromDocument({ tenants: next });
  keepAnAdmin(directory, `Deleting tenant ${name}`);
  return { entries: next, directory };
}
