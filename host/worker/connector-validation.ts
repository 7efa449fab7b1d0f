/**
 * One validation of a connector config, as Kafka Connect's AbstractHerder.validateConnectorConfig answers it: the
 * framework keys (framework-keys.ts) then the plugin's own, each with its value and errors. Creating a connector
 * and PUT /connector-plugins/{p}/config/validate both use it, so they never disagree.
 */
import type { RawConfig } from '../../sdk/connector.ts';
import { parseValue } from '../../sdk/config.ts';
import type { ConfigValueReport } from '../../sdk/config.ts';
import { resolveAtStart } from '../connect/config/config-providers.ts';
import { hasReferences, scrubResolved } from '../connect/config/config-references.ts';
import { validateKey } from '../connect/config/config-validate.ts';
import { sinkTopicsError } from '../connect/config/connector-config-def.ts';
import type { Logger } from '../core/logger.ts';
import { clientConfigErrors } from '../kafka/client-overrides.ts';
import { connectClass } from '../plugins/connect-identity.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';
import { configInfos, configKeyInfo, connectKeyInfo } from './config-infos.ts';
import type { ConfigInfo, ConfigInfos } from './config-infos.ts';
import { pluginConfigReports } from './connector-config.ts';
import type { ConnectorDeps } from './connector-deps.ts';
import { ConnectorRuntime } from './connector-runtime.ts';
import { commonDefinitions, frameworkKeys } from './framework-keys.ts';
import type { FrameworkEnv } from './framework-keys.ts';
import { restartConfigErrors } from './restart-policy.ts';

export interface ValidationEnv extends FrameworkEnv {
  readonly deps: ConnectorDeps;
  readonly log: Logger;
}

/**
 * The plugin's own keys, shown with a null value where the given one does not parse, as Kafka Connect shows them.
 * A key Kafka Connect's ConnectorConfig owns (`topics` of a sink) is shown by its framework definition instead.
 */
function pluginEntries(plugin: PluginVersion, config: Readonly<Record<string, string>>, framework: ReadonlySet<string>): ConfigInfo[] {
  const reports = new Map(pluginConfigReports(plugin, config).map((r) => [r.name, r]));
  return plugin.manifest.config.filter((k) => !framework.has(k.name)).map((k) => {
    const report = reports.get(k.name) as ConfigValueReport;
    const raw = config[k.name];
    let parses = true;
    try {
      if (raw !== undefined) parseValue(k, raw);
    } catch {
      parses = false;
    }
    return { definition: configKeyInfo(k), value: parses ? report : { ...report, value: null } };
  });
}

function addAll(into: Record<string, string[]>, from: Record<string, string[]>): void {
  for (const [k, errs] of Object.entries(from)) if (errs.length > 0) into[k] = [...(into[k] ?? []), ...errs];
}

/**
 * ConfigInfos for `raw` (references unresolved, as the user gave it). Values are checked resolved; no error carries a
 * resolved value. The plugin's own validate runs in a sandbox only when everything else passes.
 */
export async function validationReport(plugin: PluginVersion, raw: RawConfig, env: ValidationEnv): Promise<ConfigInfos> {
  const config = await resolveAtStart(env.deps.configResolver, raw, env.log);
  const framework: ConfigInfo[] = frameworkKeys(plugin, config, env).map((f) => ({ definition: connectKeyInfo(f.key, f.ctx.default), value: validateKey(f.key, config[f.key.name], f.ctx) }));
  const entries = [...framework, ...pluginEntries(plugin, config, new Set(framework.map((f) => f.value.name)))];
  const extra: Record<string, string[]> = {};
  if (plugin.manifest.type === 'sink') {
    const topics = sinkTopicsError(config);
    if (topics !== undefined) addAll(extra, { topics: [topics], 'topics.regex': [topics] });
  }
  addAll(extra, restartConfigErrors(config));
  addAll(extra, clientConfigErrors(env.workerProps, config));
  const draft = configInfos(connectClass(plugin), entries, extra);
  if (draft.error_count === 0) addAll(extra, await ConnectorRuntime.validateInSandbox(plugin, config, env.deps));
  const infos = configInfos(connectClass(plugin), entries, extra);
  for (const c of infos.configs) {
    c.value.errors = scrubResolved(c.value.errors, raw, config);
    // Values as given, references and all.
    if (hasReferences(raw[c.value.name] ?? '')) c.value.value = raw[c.value.name] ?? null;
  }
  return infos;
}

/** GET /connector-plugins/{p}/config: the plugin's own keys, then ConnectorConfig's, as Kafka Connect lists them. */
export function pluginDefinitions(plugin: PluginVersion): ConfigInfo['definition'][] {
  // A transform has only its own keys (transforms.<alias>.* in a connector's config), as Kafka Connect lists an SMT's.
  if (plugin.manifest.type === 'transform') return plugin.manifest.config.map(configKeyInfo);
  const common = commonDefinitions(plugin);
  const framework = new Set(common.map((d) => d.key.name));
  return [...plugin.manifest.config.filter((k) => !framework.has(k.name)).map(configKeyInfo), ...common.map((d) => connectKeyInfo(d.key, d.default))];
}
