/**
 * Who is calling: identities and tenants from the tenants document (`conveyor.tenants.file`). Each tenant has a role
 * (admin, operator, viewer), bearer tokens and Basic-auth users stored as SHA-256 hashes (never plaintext), client
 * certificate subjects that map to it, topic prefixes and quotas. Without a document Conveyor is single-tenant and
 * open, as Kafka Connect is without a REST extension.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parsePolicy } from '../capabilities/policy.ts';
import type { CapabilityPolicy } from '../capabilities/policy.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';

export const TENANTS_FILE_KEY = 'conveyor.tenants.file';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  /** The principal: a token's tenant, a Basic user, or a certificate subject. */
  name: string;
  /** The tenant; null only for the anonymous identity of a single-tenant worker. */
  tenant: string | null;
  role: Role;
  via: 'token' | 'basic' | 'certificate' | 'anonymous' | 'worker';
}

export interface TenantQuotas {
  maxConnectors?: number;
  maxTasks?: number;
  /** Isolate heap limit of each of the tenant's tasks (MB), in place of the worker's. */
  taskMemoryMb?: number;
  /** CPU one call of each of the tenant's tasks may use (ms), in place of the worker's. */
  taskCpuQuotaMs?: number;
  /** Records per second the tenant's tasks on one worker move together (throttled above it). */
  recordsPerSecond?: number;
  /** Key and value bytes per second (approximate: strings by length) the tenant's tasks on one worker move. */
  bytesPerSecond?: number;
  /** Capability calls per second of the tenant's tasks on one worker (delayed above it). */
  capabilityCallsPerSecond?: number;
  /** Capability calls of the tenant's tasks on one worker in flight at once (the rest wait). */
  maxConcurrentCapabilityCalls?: number;
}

export interface Tenant {
  name: string;
  role: Role;
  topicPrefixes: readonly string[];
  quotas: TenantQuotas;
  /** What the tenant's connectors' capabilities may reach; everything unlisted is denied. */
  policy: Partial<CapabilityPolicy>;
}

/** Everyone is this identity on a worker without a tenants document. */
export const ANONYMOUS_ADMIN: Identity = Object.freeze({ name: 'anonymous', tenant: null, role: 'admin', via: 'anonymous' });

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function bad(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, `tenants document: ${message}`);
}

/** "sha256:<hex>" or bare hex, 64 hex digits. */
function hashOf(value: unknown, where: string): string {
  const s = typeof value === 'string' ? value.trim().toLowerCase().replace(/^sha256:/, '') : '';
  if (!/^[0-9a-f]{64}$/.test(s)) throw bad(`${where} must be a SHA-256 hash (64 hex digits, optionally prefixed sha256:), never a plaintext secret`);
  return s;
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw bad(`${where} must be an array of strings`);
  return value as string[];
}

function quota(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw bad(`${where} must be a non-negative integer`);
  return value;
}

/** Keys a tenant entry may have; anything else (a misspelt `topicPrefix`, say) is refused rather than ignored. */
const ENTRY_KEYS = new Set(['role', 'tokens', 'users', 'certificates', 'topicPrefixes', 'quotas', 'policy']);
const QUOTA_KEYS = new Set(['maxConnectors', 'maxTasks', 'taskMemoryMb', 'taskCpuQuotaMs', 'recordsPerSecond', 'bytesPerSecond', 'capabilityCallsPerSecond', 'maxConcurrentCapabilityCalls']);

/** Tenant names: they appear in connector configs, logs and etcd keys. */
export const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function knownKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): void {
  const unknown = Object.keys(value).find((k) => !allowed.has(k));
  if (unknown !== undefined) throw bad(`${where}: unknown key ${JSON.stringify(unknown)} (known: ${[...allowed].join(', ')})`);
}

function partialPolicy(value: unknown, where: string): Partial<CapabilityPolicy> {
  try {
    return parsePolicy(value ?? {});
  } catch (err) {
    throw bad(`${where}: ${(err as Error).message}`);
  }
}

export class TenantDirectory {
  readonly tenants: ReadonlyMap<string, Tenant>;
  readonly #tokens = new Map<string, string>();
  readonly #users = new Map<string, { tenant: string; hash: string }>();
  readonly #subjects = new Map<string, string>();

  private constructor(tenants: Map<string, Tenant>) {
    this.tenants = tenants;
  }

  /** Parses and checks the document: {"tenants": {"<name>": {role, tokens, users, certificates, topicPrefixes, quotas}}}. */
  static fromDocument(doc: unknown): TenantDirectory {
    const root = doc as { tenants?: unknown } | null;
    if (typeof root !== 'object' || root === null || typeof root.tenants !== 'object' || root.tenants === null || Array.isArray(root.tenants)) throw bad('must be an object with a "tenants" object');
    const tenants = new Map<string, Tenant>();
    const dir = new TenantDirectory(tenants);
    for (const [name, raw] of Object.entries(root.tenants as Record<string, unknown>)) {
      if (!TENANT_NAME.test(name)) throw bad(`tenant name ${JSON.stringify(name)} must be 1-64 letters, digits, '.', '_' or '-'`);
      const t = raw as Record<string, unknown>;
      if (typeof t !== 'object' || t === null || Array.isArray(t)) throw bad(`tenant ${name} must be an object`);
      knownKeys(t, ENTRY_KEYS, `tenant ${name}`);
      const role = t['role'] ?? 'operator';
      if (!ROLES.includes(role as Role)) throw bad(`tenant ${name}: role must be admin, operator or viewer`);
      const q = (t['quotas'] ?? {}) as Record<string, unknown>;
      if (typeof q !== 'object' || q === null || Array.isArray(q)) throw bad(`tenant ${name}: quotas must be an object`);
      knownKeys(q, QUOTA_KEYS, `tenant ${name}: quotas`);
      const quotas: Record<string, number> = {};
      for (const key of QUOTA_KEYS) {
        const v = quota(q[key], `tenant ${name}: quotas.${key}`);
        if (v !== undefined) quotas[key] = v;
      }
      const policy = partialPolicy(t['policy'], `tenant ${name}: policy`);
      tenants.set(name, Object.freeze({ name, role: role as Role, topicPrefixes: Object.freeze(strings(t['topicPrefixes'], `tenant ${name}: topicPrefixes`)), quotas: Object.freeze(quotas as TenantQuotas), policy }));
      for (const [i, token] of strings(t['tokens'], `tenant ${name}: tokens`).entries()) {
        const h = hashOf(token, `tenant ${name}: tokens[${i}]`);
        if (dir.#tokens.has(h)) throw bad(`tenant ${name}: tokens[${i}] is already another tenant's token`);
        dir.#tokens.set(h, name);
      }
      const users = (t['users'] ?? {}) as Record<string, unknown>;
      if (typeof users !== 'object' || users === null || Array.isArray(users)) throw bad(`tenant ${name}: users must map user names to password hashes`);
      for (const [user, hash] of Object.entries(users)) {
        if (dir.#users.has(user)) throw bad(`user ${user} belongs to two tenants`);
        dir.#users.set(user, { tenant: name, hash: hashOf(hash, `tenant ${name}: users.${user}`) });
      }
      for (const subject of strings(t['certificates'], `tenant ${name}: certificates`)) dir.#subjects.set(normaliseSubject(subject), name);
    }
    return dir;
  }

  static fromFile(path: string): TenantDirectory {
    return TenantDirectory.fromDocument(readTenantsDocument(path));
  }

  #identity(tenant: string, name: string, via: Identity['via']): Identity {
    const t = this.tenants.get(tenant) as Tenant;
    return Object.freeze({ name, tenant, role: t.role, via });
  }

  byToken(token: string): Identity | null {
    const tenant = this.#tokens.get(sha256Hex(token));
    return tenant === undefined ? null : this.#identity(tenant, tenant, 'token');
  }

  byPassword(user: string, password: string): Identity | null {
    const u = this.#users.get(user);
    if (u === undefined || u.hash !== sha256Hex(password)) return null;
    return this.#identity(u.tenant, user, 'basic');
  }

  bySubject(subject: Record<string, unknown>): Identity | null {
    const s = subjectString(subject);
    const tenant = this.#subjects.get(normaliseSubject(s));
    return tenant === undefined ? null : this.#identity(tenant, s, 'certificate');
  }
}

/** A certificate subject as Node gives it ({CN: 'alice', O: 'acme'}) in RFC 4514-like order: CN=alice,O=acme. */
export function subjectString(subject: Record<string, unknown>): string {
  return Object.entries(subject).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(',');
}

function normaliseSubject(s: string): string {
  return s.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? p : `${p.slice(0, eq).trim().toUpperCase()}=${p.slice(eq + 1).trim()}`;
  }).join(',');
}

/** The parsed JSON of a tenants file, not yet checked (TenantDirectory.fromDocument checks it). */
export function readTenantsDocument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw bad(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw bad(`${path} is not JSON: ${(err as Error).message}`);
  }
}

/** The tenants document `conveyor.tenants.file` names in the worker's properties; null when it names none. */
export function loadTenants(props: Readonly<Record<string, string>>): TenantDirectory | null {
  const file = props[TENANTS_FILE_KEY]?.trim() ?? '';
  return file === '' ? null : TenantDirectory.fromFile(file);
}
