/**
 * Tenants share one worker without seeing each other. A connector belongs to the tenant in its `conveyor.tenant`
 * config key, which the REST layer sets from the caller's identity on every create and config change (a tenant cannot
 * name another). A tenant's identity sees and manages only its own connectors: another tenant's connector is 404
 * with the same message as a missing one, so names do not leak — on every endpoint under /connectors/{name}, in
 * listings and `expand`. Admins see all. On create and reconfigure the tenant's quotas (connectors, tasks) and topic
 * prefixes are checked (400 naming the quota or the topic); topics a plugin picks per record are checked by the
 * source pipeline (host/pipeline/internal-topics.ts).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { invalidConfigMessage } from '../worker/connector-config.ts';
import { identityOf } from './access.ts';
import type { ConnectorsApi } from './connectors.ts';
import type { Identity, Tenant, TenantDirectory } from '../tenants/directory.ts';
import type { TenantsSource } from '../tenants/holder.ts';
import { TENANT_CONFIG_KEY, topicOutsidePrefixes } from '../pipeline/internal-topics.ts';

export const TENANT_KEY = TENANT_CONFIG_KEY;

type Api = Pick<ConnectorsApi, 'connectorNames' | 'connectorInfo'>;

function ownerOf(api: Api, name: string): string | null | undefined {
  try {
    return api.connectorInfo(name).config[TENANT_KEY] ?? null;
  } catch (err) {
    if ((err as { code?: unknown }).code === ErrorCode.notFound) return undefined;
    throw err;
  }
}

/** The connectors a tenant owns (its `conveyor.tenant`). */
export function connectorsOwnedBy(api: Api, tenant: string): string[] {
  return api.connectorNames().filter((n) => ownerOf(api, n) === tenant);
}

/** The connectors an identity may see: all for an admin (and a single-tenant worker), else its tenant's. */
export function visibleConnectors(api: Api, who: Identity): string[] {
  const names = api.connectorNames();
  if (who.role === 'admin' || who.tenant === null) return names;
  return names.filter((n) => ownerOf(api, n) === who.tenant);
}

const CONNECTOR_PATH = /^\/(?:conveyor\/)?connectors\/([^/]+)/;

/**
 * The connector a request path names (/connectors/{name}/…, /conveyor/connectors/{name}/…), decoded; a segment that
 * is not valid percent-encoding is returned as it came (no connector has that name, and the router answers 400).
 */
export function connectorInPath(path: string): string | undefined {
  const encoded = CONNECTOR_PATH.exec(path)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function invalid(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, invalidConfigMessage({ config: [message] }));
}

function topicsNamed(config: Readonly<Record<string, string | null>>): { key: string; topic: string }[] {
  const out: { key: string; topic: string }[] = [];
  for (const key of ['topic', 'topic.prefix', 'errors.deadletterqueue.topic.name', 'schema.history.internal.kafka.topic', 'database.history.kafka.topic']) {
    const v = config[key];
    if (typeof v === 'string' && v.trim() !== '') out.push({ key, topic: v.trim() });
  }
  for (const t of (config['topics'] ?? '').split(',')) if (t.trim() !== '') out.push({ key: 'topics', topic: t.trim() });
  return out;
}

function checkTopics(tenant: Tenant, config: Readonly<Record<string, string | null>>): void {
  if (tenant.topicPrefixes.length === 0) return;
  const prefixes = tenant.topicPrefixes.join(', ');
  for (const { key, topic } of topicsNamed(config)) {
    if (topicOutsidePrefixes(topic, tenant.topicPrefixes)) throw invalid(`Invalid value ${topic} for configuration ${key}: tenant ${tenant.name} may use only topics starting with ${prefixes}`);
  }
  const regex = config['topics.regex'];
  if (typeof regex === 'string' && regex.trim() !== '' && !regexWithinPrefixes(regex, tenant.topicPrefixes)) {
    throw invalid(`Invalid value ${regex} for configuration topics.regex: tenant ${tenant.name} may use only topics starting with ${prefixes}, and the pattern must start with one of them literally (dots escaped) and have no top-level |`);
  }
}

const SPECIAL = new Set(['.', '*', '+', '?', '^', '$', '(', ')', '[', ']', '{', '}', '|', '\\']);
const QUANTIFIER = new Set(['*', '+', '?', '{']);

/**
 * Whether every topic a sink's topics.regex can match (matched whole, as Kafka Connect does) starts with a prefix:
 * the pattern, after an optional ^, must have no top-level alternation and begin with a literal (escapes resolved,
 * a character a quantifier makes optional not counted) that starts with one of the prefixes.
 */
export function regexWithinPrefixes(regex: string, prefixes: readonly string[]): boolean {
  const src = regex.startsWith('^') ? regex.slice(1) : regex;
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return false;
  }
  let literal = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    let ch: string;
    let next = i + 1;
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined || /[A-Za-z0-9]/.test(e)) break;
      ch = e;
      next = i + 2;
    } else if (SPECIAL.has(c)) break;
    else ch = c;
    if (QUANTIFIER.has(src[next] ?? '')) break;
    literal += ch;
    i = next - 1;
  }
  return prefixes.some((p) => literal.startsWith(p));
}

function tasksOf(config: Readonly<Record<string, string>>): number {
  const n = Number(config['tasks.max'] ?? '1');
  return Number.isInteger(n) && n > 0 ? n : 1;
}

function checkQuotas(api: Api, tenant: Tenant, name: string, config: Readonly<Record<string, string>>): void {
  const owned = api.connectorNames().filter((n) => n !== name && ownerOf(api, n) === tenant.name);
  const exists = ownerOf(api, name) !== undefined;
  const { maxConnectors, maxTasks } = tenant.quotas;
  if (!exists && maxConnectors !== undefined && owned.length + 1 > maxConnectors) {
    throw new ConveyorError(ErrorCode.configInvalid, `Tenant ${tenant.name} has reached its quota of ${maxConnectors} connector(s) (quotas.maxConnectors)`);
  }
  if (maxTasks !== undefined) {
    const total = owned.reduce((sum, n) => sum + tasksOf(api.connectorInfo(n).config), 0) + tasksOf(config);
    if (total > maxTasks) throw new ConveyorError(ErrorCode.configInvalid, `Tenant ${tenant.name} would run ${total} task(s), over its quota of ${maxTasks} (quotas.maxTasks); lower tasks.max`);
  }
}

/** Sets (or checks) the owner in a config a write carries, and re-serialises the body a forward will sign. */
function stamp(req: Request, config: Record<string, unknown>, who: Identity, directory: TenantDirectory): Tenant | null {
  const raw = config[TENANT_KEY];
  if (raw !== undefined && raw !== null && typeof raw !== 'string') throw new ConveyorError(ErrorCode.badRequest, `connector config: value of ${TENANT_KEY} must be a string`);
  const given = raw ?? undefined;
  if (who.role === 'admin' || who.tenant === null) {
    if (given === undefined) return null;
    const t = directory.tenants.get(given);
    if (t === undefined) throw invalid(`Invalid value ${given} for configuration ${TENANT_KEY}: no such tenant`);
    return t;
  }
  if (given !== undefined && given !== who.tenant) throw new ConveyorError(ErrorCode.forbidden, `${who.name} may not create or move a connector for tenant ${given}`);
  config[TENANT_KEY] = who.tenant;
  (req as Request & { rawBody?: Buffer }).rawBody = Buffer.from(JSON.stringify(req.body));
  return directory.tenants.get(who.tenant) ?? null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function tenancy(api: Api, tenants: TenantsSource): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const directory = tenants.current();
    if (directory === null) {
      next();
      return;
    }
    const who = identityOf(res);
    const name = connectorInPath(req.path);
    if (name !== undefined && who.role !== 'admin' && who.tenant !== null) {
      const owner = ownerOf(api, name);
      if (owner !== undefined && owner !== who.tenant) {
        next(new ConveyorError(ErrorCode.notFound, `Connector ${name} not found`));
        return;
      }
    }
    const body: unknown = req.body;
    if (req.method === 'POST' && req.path === '/connectors' && isObject(body)) {
      if (body['config'] === undefined) body['config'] = {};
      if (isObject(body['config'])) {
        const tenant = stamp(req, body['config'], who, directory);
        if (tenant !== null && typeof body['name'] === 'string') {
          checkTopics(tenant, body['config'] as Record<string, string>);
          checkQuotas(api, tenant, body['name'], body['config'] as Record<string, string>);
        }
      }
    } else if (req.method === 'PUT' && name !== undefined && /^\/connectors\/[^/]+\/config\/?$/.test(req.path) && isObject(body)) {
      const tenant = stamp(req, body, who, directory);
      if (tenant !== null) {
        checkTopics(tenant, body as Record<string, string>);
        checkQuotas(api, tenant, name, body as Record<string, string>);
      }
    } else if (req.method === 'PATCH' && name !== undefined && isObject(body)) {
      if (TENANT_KEY in body && who.role !== 'admin') throw new ConveyorError(ErrorCode.forbidden, `${who.name} may not change ${TENANT_KEY}`);
      const owner = ownerOf(api, name);
      const tenant = owner === undefined || owner === null ? null : directory.tenants.get(owner) ?? null;
      if (tenant !== null) {
        const merged = { ...api.connectorInfo(name).config, ...body } as Record<string, string>;
        checkTopics(tenant, merged);
        checkQuotas(api, tenant, name, merged);
      }
    }
    next();
  };
}
