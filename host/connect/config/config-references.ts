/**
 * Kafka Connect's config variable references, `${provider:[path:]key}` (ConfigTransformer's DEFAULT_PATTERN): finding
 * them in a config, substituting what providers returned, and putting the references back into configs derived from
 * a resolved one (AbstractHerder.reverseTransform) so that nothing resolved is stored or shown.
 */

/** The same pattern as Kafka Connect's: the path is optional, so `${env:VAR}` and `${env::VAR}` both name VAR. */
const REFERENCE = /\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}/g;
const ANY_REFERENCE = new RegExp(REFERENCE.source);

export interface ConfigReference {
  /** The config key whose value holds the reference. */
  readonly configKey: string;
  readonly provider: string;
  /** '' when the reference has no path. */
  readonly path: string;
  readonly key: string;
}

function referencesIn(configKey: string, value: string): ConfigReference[] {
  const out: ConfigReference[] = [];
  for (const m of value.matchAll(REFERENCE)) out.push({ configKey, provider: m[1] ?? '', path: m[3] ?? '', key: m[4] ?? '' });
  return out;
}

/** Every reference in a config, in key order. */
export function findReferences(config: Readonly<Record<string, string>>): ConfigReference[] {
  return Object.entries(config).flatMap(([k, v]) => referencesIn(k, v));
}

export function hasReferences(value: string): boolean {
  return ANY_REFERENCE.test(value);
}

/** How a reference is named in messages: provider, path and key, never a value. */
export function describeReference(r: ConfigReference): string {
  return `config "${r.configKey}" (provider ${r.provider}${r.path === '' ? '' : `, path ${r.path}`}, key ${r.key})`;
}

/** provider → path → key → value, as the providers returned them. */
export type Lookups = ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, string>>>;

/**
 * The config with every reference replaced by its looked-up value. As in Kafka Connect, a reference whose provider
 * is not configured or whose key the provider did not return is left as it is.
 */
export function substitute(config: Readonly<Record<string, string>>, lookups: Lookups): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    out[k] = v.replace(REFERENCE, (whole: string, provider: string, _p: string | undefined, path: string | undefined, key: string) => lookups.get(provider)?.get(path ?? '')?.get(key) ?? whole);
  }
  return out;
}

/**
 * Configs derived from a resolved connector config (task configs) with the raw text put back under every key whose
 * raw value holds a reference, as Kafka Connect's AbstractHerder.reverseTransform does before storing them.
 */
export function reverseTransform(raw: Readonly<Record<string, string>>, derived: readonly Record<string, string>[]): Record<string, string>[] {
  const keys = Object.keys(raw).filter((k) => hasReferences(raw[k] ?? ''));
  return derived.map((c) => {
    const out = { ...c };
    for (const k of keys) if (k in out) out[k] = raw[k] as string;
    return out;
  });
}

/** Messages with any resolved value that differs from its raw text replaced by the raw text (validation errors). */
export function scrubResolved(messages: readonly string[], raw: Readonly<Record<string, string>>, resolved: Readonly<Record<string, string>>): string[] {
  const pairs = Object.keys(raw)
    .filter((k) => hasReferences(raw[k] ?? '') && resolved[k] !== undefined && resolved[k] !== '' && resolved[k] !== raw[k])
    .map((k) => [resolved[k] as string, raw[k] as string] as const)
    .sort((a, b) => b[0].length - a[0].length);
  return messages.map((m) => pairs.reduce((acc, [secret, text]) => acc.replaceAll(secret, text), m));
}
