/** /connector-plugins: installed plugin versions (Kafka Connect shape; `?include=rejected` adds refused bundles) and /conveyor/plugins with broken bundles. */
import { Router } from 'express';
import type { RawConfig } from '../../sdk/connector.ts';
import { describePluginConfig, listConnectPlugins } from '../connect/plugins.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { BrokenBundle, PluginVersion } from '../plugins/plugin-version.ts';
import type { ConfigInfos, ConfigKeyInfo } from '../worker/config-infos.ts';

export interface PluginsApi {
  plugins(): PluginVersion[];
  brokenPlugins(): BrokenBundle[];
  pluginConfig(className: string): ConfigKeyInfo[];
  validateReport(config: RawConfig): Promise<ConfigInfos>;
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

export function connectorPluginsRouter(api: PluginsApi): Router {
  const r = Router();
  r.get('/connector-plugins', (req, res) => {
    const only = req.query['connectorsOnly'];
    if (only !== undefined && only !== 'true' && only !== 'false') throw new ConveyorError(ErrorCode.badRequest, 'connectorsOnly must be true or false');
    const include = req.query['include'];
    if (include !== undefined && include !== 'rejected') throw new ConveyorError(ErrorCode.badRequest, 'include must be rejected');
    const connectors = api.plugins().map((p) => ({ class: p.manifest.className, type: p.manifest.type, version: p.manifest.version }));
    const listed = only === 'false' ? [...connectors, ...listConnectPlugins()] : connectors;
    res.json(include === 'rejected' ? [...listed, ...api.brokenPlugins().map(rejectedRow)] : listed);
  });
  r.get('/connector-plugins/:plugin/config', (req, res) => {
    const name = String(req.params['plugin']);
    const connect = describePluginConfig(name);
    res.json(connect ?? api.pluginConfig(name));
  });
  r.put('/connector-plugins/:plugin/config/validate', async (req, res) => {
    const name = String(req.params['plugin']);
    const config = configBody(req.body);
    const plugin = api.plugins().find((p) => matchesPlugin(p, name));
    if (plugin === undefined) throw new ConveyorError(ErrorCode.notFound, `Unknown connector plugin ${name}`);
    const cls = config['connector.class'];
    if (cls !== undefined && !matchesPlugin(plugin, cls)) throw new ConveyorError(ErrorCode.badRequest, `Included connector type ${cls} does not match request type ${name}`);
    res.json(await api.validateReport({ ...config, 'connector.class': cls ?? name }));
  });
  r.get('/conveyor/plugins', (_req, res) => {
    res.json({
      installed: api.plugins().map((p) => ({
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
