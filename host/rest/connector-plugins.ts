/** /connector-plugins: installed plugin versions (Kafka Connect shape; `?include=rejected` adds refused bundles) and /conveyor/plugins with broken bundles. */
import { raw, Router } from 'express';
import type { Response } from 'express';
import type { RawConfig } from '../../sdk/connector.ts';
import { describePluginConfig, listConnectPlugins } from '../connect/plugins.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import { connectClass, connectVersion, reportedVersion } from '../plugins/connect-identity.ts';
import { usableBy } from '../plugins/plugin-version.ts';
import { unknownConnectorMessage } from '../plugins/registry.ts';
import type { BrokenBundle, PluginVersion } from '../plugins/plugin-version.ts';
import { TENANT_CONFIG_KEY } from '../pipeline/internal-topics.ts';
import type { ConfigInfos, ConfigKeyInfo } from '../worker/config-infos.ts';
import { identityOf } from './access.ts';

/** Largest bundle a tenant may upload. */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/** PUT /plugins/{name} carries a .tgz, not JSON: the JSON guards and parser let it through to its route. */
export function isBundleUpload(method: string, path: string): boolean {
  return method === 'PUT' && /^\/plugins\/[^/]+\/?$/.test(path);
}

export interface PluginsApi {
  plugins(): PluginVersion[];
  brokenPlugins(): BrokenBundle[];
  pluginConfig(className: string): ConfigKeyInfo[];
  validateReport(config: RawConfig): Promise<ConfigInfos>;
  /** PUT /plugins/{name}: a tenant's own bundle (host/worker/worker.ts installTenantPlugin). */
  installTenantPlugin(tenant: string, name: string, tgz: Buffer): Promise<PluginVersion>;
}

/** The plugins an identity sees: the shared ones and its tenant's own; an admin (or a single-tenant worker) sees all. */
function visible(api: PluginsApi, res: Response): PluginVersion[] {
  const who = identityOf(res);
  if (who.role === 'admin' || who.tenant === null) return api.plugins();
  return api.plugins().filter((p) => usableBy(p, who.tenant ?? undefined));
}

function configBody(body: unknown): RawConfig {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ConveyorError(ErrorCode.badRequest, 'connector config must be a JSON object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === null) continue;
    if (typeof v === 'object') throw new ConveyorError(ErrorCode.badRequest, `value of ${k} must be a string`);
    out[k] = String(v as string | number | boolean);
  }
  return out;
}

function matchesPlugin(p: PluginVersion, name: string): boolean {
  return p.manifest.className === name || p.manifest.aliases.includes(name) || p.manifest.name === name;
}

/** A refused bundle in `GET /connector-plugins?include=rejected`: what its manifest says (null when unreadable) and why. */
function rejectedRow(b: BrokenBundle): { class: string | null; type: string | null; version: string | null; location: string; rejected: string; since: string } {
  return { class: b.plugin?.className ?? null, type: b.plugin?.type ?? null, version: b.plugin?.version ?? null, location: b.dir, rejected: b.reason, since: b.at };
}

type PluginRow = { class: string; type: string; version: string };

/** Connectors in Kafka Connect's order: by class, then version. */
function connectorRows(plugins: readonly PluginVersion[]): PluginRow[] {
  return plugins.filter((p) => p.manifest.type !== 'transform').map((p) => ({ class: connectClass(p), type: p.manifest.type, version: connectVersion(p) })).sort((a, b) => (a.class < b.class ? -1 : a.class > b.class ? 1 : 0));
}

/** Kafka Connect lists transformations, then predicates, converters and header converters. */
const TYPE_ORDER = ['transformation', 'predicate', 'converter', 'header_converter'];

/** The built-in Connect plugins plus the sandboxed transform bundles, listed as Kafka Connect lists a transformation. */
function otherPluginRows(plugins: readonly PluginVersion[]): PluginRow[] {
  const bundled = plugins.filter((p) => p.manifest.type === 'transform').map((p) => ({ class: p.manifest.className, type: 'transformation', version: p.manifest.version }));
  const rows = [...listConnectPlugins().map((p) => ({ class: p.class, type: p.type, version: reportedVersion(p.class, p.version) })), ...bundled];
  return TYPE_ORDER.flatMap((t) => rows.filter((r) => r.type === t));
}

export function connectorPluginsRouter(api: PluginsApi): Router {
  const r = Router();
  r.get('/connector-plugins', (req, res) => {
    const only = req.query['connectorsOnly'];
    if (only !== undefined && only !== 'true' && only !== 'false') throw new ConveyorError(ErrorCode.badRequest, 'connectorsOnly must be true or false');
    const include = req.query['include'];
    if (include !== undefined && include !== 'rejected') throw new ConveyorError(ErrorCode.badRequest, 'include must be rejected');
    const listed = only === 'false' ? [...connectorRows(visible(api, res)), ...otherPluginRows(visible(api, res))] : connectorRows(visible(api, res));
    res.json(include === 'rejected' ? [...listed, ...api.brokenPlugins().map(rejectedRow)] : listed);
  });
  r.get('/connector-plugins/:plugin/config', (req, res) => {
    const name = String(req.params['plugin']);
    const connect = describePluginConfig(name);
    if (connect === undefined && !visible(api, res).some((p) => matchesPlugin(p, name))) throw new ConveyorError(ErrorCode.notFound, `Unknown plugin ${name}.`);
    res.json(connect ?? api.pluginConfig(name));
  });
  r.put('/connector-plugins/:plugin/config/validate', async (req, res) => {
    const name = String(req.params['plugin']);
    const config = configBody(req.body);
    const plugins = visible(api, res).filter((p) => p.manifest.type !== 'transform');
    const plugin = plugins.find((p) => matchesPlugin(p, name));
    if (plugin === undefined) throw new ConveyorError(ErrorCode.configInvalid, unknownConnectorMessage(name, plugins));
    const cls = config['connector.class'];
    if (cls !== undefined && !matchesPlugin(plugin, cls)) throw new ConveyorError(ErrorCode.badRequest, `Included connector type ${cls} does not match request type ${name}`);
    const tenant = identityOf(res).tenant;
    res.json(await api.validateReport({ ...config, 'connector.class': cls ?? name, ...(tenant === null ? {} : { [TENANT_CONFIG_KEY]: tenant }) }));
  });
  r.put('/plugins/:name', raw({ type: () => true, limit: MAX_BUNDLE_BYTES }), async (req, res) => {
    const who = identityOf(res);
    const asTenant = who.role === 'admin' && typeof req.query['tenant'] === 'string' ? req.query['tenant'] : who.tenant;
    if (asTenant === null) throw new ConveyorError(ErrorCode.badRequest, 'a tenant installs its own bundles: authenticate as the tenant (an admin names one with ?tenant=)');
    const body: unknown = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new ConveyorError(ErrorCode.badRequest, 'the body must be the bundle as a .tgz');
    const v = await api.installTenantPlugin(asTenant, String(req.params['name']), body);
    res.status(201).json({ class: v.manifest.className, type: v.manifest.type, version: v.manifest.version, key: v.key, tenant: asTenant });
  });
  r.get('/conveyor/plugins', (_req, res) => {
    res.json({
      installed: visible(api, res).map((p) => ({
        key: p.key,
        name: p.manifest.name,
        class: p.manifest.className,
        aliases: p.manifest.aliases,
        type: p.manifest.type,
        version: p.manifest.version,
        capabilities: p.manifest.capabilities,
        sha256: p.manifest.code.sha256,
        dir: p.dir,
        installed_at: p.installedAt,
        signature: p.signer === undefined ? null : { key_id: p.signer.keyId, trusted: p.signer.trusted },
      })),
      broken: api.brokenPlugins(),
    });
  });
  return r;
}
