/** /connector-plugins: installed plugin versions (Kafka Connect shape) and /conveyor/plugins with broken bundles. */
import { Router } from 'express';
import type { BrokenBundle, PluginVersion } from '../plugins/plugin-version.ts';

export interface PluginsApi {
  plugins(): PluginVersion[];
  brokenPlugins(): BrokenBundle[];
}

export function connectorPluginsRouter(api: PluginsApi): Router {
  const r = Router();
  r.get('/connector-plugins', (_req, res) => {
    res.json(api.plugins().map((p) => ({ class: p.manifest.className, type: p.manifest.type, version: p.manifest.version })));
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
      })),
      broken: api.brokenPlugins(),
    });
  });
  return r;
}
