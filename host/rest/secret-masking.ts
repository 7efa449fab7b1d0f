/**
 * Secrets in configs a REST answer carries. Kafka Connect returns connector configs as stored, passwords included, and
 * a single-tenant Conveyor does the same (tools do GET, change, PUT). With tenants, a config's secret-named values
 * (host/core/redact.ts: password, secret, token, api key, ... — config-provider references excepted, they hold no
 * secret) are answered as `[hidden]`, and a PUT or PATCH that sends `[hidden]` back for such a key keeps the stored
 * value, so the same GET-change-PUT round trip works without the secret ever leaving the worker.
 */
import { isSecretKey, REDACTED } from '../core/redact.ts';
import type { TenantsSource } from '../tenants/holder.ts';
import type { ConnectorInfo } from '../worker/states.ts';
import type { RestApi } from './server.ts';

const REFERENCE = /^\$\{[^}]*\}$/;

export function maskConfig(config: Record<string, string>): Record<string, string> {
  let out: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(config)) {
    if (!isSecretKey(k) || REFERENCE.test(v) || v === '') continue;
    out ??= { ...config };
    out[k] = REDACTED;
  }
  return out ?? config;
}

const maskInfo = (info: ConnectorInfo): ConnectorInfo => ({ ...info, config: maskConfig(info.config) });

/** The stored value back in place of `[hidden]` for a secret key, before a config is written. */
export function unmaskConfig<T extends Record<string, string | null>>(incoming: T, stored: Readonly<Record<string, string>> | undefined): T {
  let out: T | undefined;
  for (const [k, v] of Object.entries(incoming)) {
    if (v !== REDACTED || !isSecretKey(k)) continue;
    out ??= { ...incoming };
    const kept = stored?.[k];
    if (kept !== undefined) (out as Record<string, string | null>)[k] = kept;
  }
  return out ?? incoming;
}

/** The REST API with configs masked while a tenants document is in force; everything else passes through. */
export function maskingSecrets(api: RestApi, tenants: TenantsSource): RestApi {
  const on = (): boolean => tenants.current() !== null;
  const overrides: Partial<RestApi> = {
    connectorInfo: (name) => (on() ? maskInfo(api.connectorInfo(name)) : api.connectorInfo(name)),
    createConnector: async (...args) => {
      const info = await api.createConnector(...args);
      return on() ? maskInfo(info) : info;
    },
    putConnectorConfig: async (name, config) => {
      const r = await api.putConnectorConfig(name, on() ? unmaskConfig(config, stored(api, name)) : config);
      return on() ? { ...r, info: maskInfo(r.info) } : r;
    },
    patchConnectorConfig: async (name, patch) => {
      const info = await api.patchConnectorConfig(name, on() ? unmaskConfig(patch, stored(api, name)) : patch);
      return on() ? maskInfo(info) : info;
    },
    taskConfigs: (name) => (on() ? api.taskConfigs(name).map((t) => ({ ...t, config: maskConfig(t.config) })) : api.taskConfigs(name)),
  };
  return new Proxy(api, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof RestApi];
      const v: unknown = Reflect.get(target, prop, receiver === undefined ? target : target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function stored(api: RestApi, name: string): Record<string, string> | undefined {
  try {
    return api.connectorInfo(name).config;
  } catch {
    return undefined;
  }
}
