/**
 * The built-in HTTP sink (plugins/http-sink) sends to the one API its http.api.url names, so the worker grants that
 * URL's origin to that connector on top of the configured policy — as withEsGrant does for the built-in
 * Elasticsearch sink. A URL whose host is templated (${topic}, ${key}) grants nothing: its origins must be in the
 * worker's policy. Third-party bundles get only what the worker's policies say.
 */
import { resolve, sep } from 'node:path';
import type { CapabilityPolicy, PolicyBook } from '../capabilities/policy.ts';
import { BUILTIN_PLUGINS_ROOT } from '../plugins/builtin.ts';
import type { PluginVersion } from '../plugins/plugin-version.ts';

function isBuiltinHttpSink(plugin: PluginVersion): boolean {
  return plugin.manifest.name === 'http-sink' && resolve(plugin.dir).startsWith(BUILTIN_PLUGINS_ROOT + sep);
}

/** The origin of a URL whose scheme and authority are not templated; undefined otherwise. */
function fixedOrigin(url: string): string | undefined {
  const authority = /^(https?:\/\/[^/?#]*)/.exec(url.trim())?.[1];
  if (authority === undefined || authority.includes('${')) return undefined;
  try {
    return new URL(authority).origin;
  } catch {
    return undefined;
  }
}

/** The policy book with `connector` granted its http.api.url's origin when it is the built-in HTTP sink. */
export function withHttpGrant(book: PolicyBook, connector: string, plugin: PluginVersion, config: Readonly<Record<string, string>>): PolicyBook {
  const url = config['http.api.url'];
  if (!isBuiltinHttpSink(plugin) || url === undefined) return book;
  const origin = fixedOrigin(url);
  if (origin === undefined) return book;
  const base: Partial<CapabilityPolicy> = book[connector] ?? book['*'] ?? {};
  return { ...book, [connector]: { ...base, httpOrigins: [...(base.httpOrigins ?? []), origin] } };
}
