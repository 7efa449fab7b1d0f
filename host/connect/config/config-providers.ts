/**
 * Kafka Connect's worker config providers (`config.providers=...`, `config.providers.<name>.class`,
 * `config.providers.<name>.param.<key>`): FileConfigProvider, DirectoryConfigProvider and EnvVarConfigProvider, with
 * KIP-993's `allowed.paths` and KIP-887's `allowlist.pattern`. A connector's `${provider:[path:]key}` references are
 * resolved only when its connector or task starts; what is stored and shown keeps the references.
 */
import { realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import { parseProperties } from '../../cli/properties.ts';
import { ConveyorError, ErrorCode } from '../../core/errors.ts';
import { describeReference, findReferences, substitute } from './config-references.ts';
import type { ConfigReference } from './config-references.ts';

export interface ConfigProviderSpec {
  readonly name: string;
  readonly className: string;
  readonly params: Readonly<Record<string, string>>;
}

type Kind = 'file' | 'directory' | 'env';

const PACKAGE = 'org.apache.kafka.common.config.provider.';
const CLASSES: Readonly<Record<string, Kind>> = {
  FileConfigProvider: 'file',
  DirectoryConfigProvider: 'directory',
  EnvVarConfigProvider: 'env',
};
const PARAMS: Readonly<Record<Kind, readonly string[]>> = { file: ['allowed.paths'], directory: ['allowed.paths'], env: ['allowlist.pattern'] };

const PREFIX = 'config.providers';

function bad(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, `worker config: ${message}`);
}

/** The provider specs in worker properties; every `config.providers.*` key must belong to a listed provider. */
export function providerSpecsFromProperties(props: Readonly<Record<string, string>>): ConfigProviderSpec[] {
  const names = (props[PREFIX] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const specs = names.map((name): { name: string; className: string | undefined; params: Record<string, string> } => ({ name, className: props[`${PREFIX}.${name}.class`], params: {} }));
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith(`${PREFIX}.`)) continue;
    const rest = key.slice(PREFIX.length + 1);
    const spec = specs.find((s) => rest === `${s.name}.class` || rest.startsWith(`${s.name}.param.`));
    if (spec === undefined) throw bad(`${key} belongs to no provider listed in ${PREFIX}`);
    if (rest !== `${spec.name}.class`) spec.params[rest.slice(spec.name.length + '.param.'.length)] = value;
  }
  return specs.map((s) => {
    if (s.className === undefined || s.className.trim() === '') throw bad(`${PREFIX}.${s.name}.class is required`);
    return { name: s.name, className: s.className.trim(), params: s.params };
  });
}

/** The provider specs of the JSON worker config: `{"<name>": {"class": "...", "params": {"allowed.paths": "..."}}}`. */
export function providerSpecsFromJson(value: unknown): ConfigProviderSpec[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('configProviders must map provider names to {"class", "params"}');
  return Object.entries(value as Record<string, unknown>).map(([name, v]) => {
    const o = v as { class?: unknown; params?: unknown } | null;
    const extra = typeof o === 'object' && o !== null ? Object.keys(o).filter((k) => k !== 'class' && k !== 'params') : [];
    if (typeof o?.class !== 'string' || extra.length > 0) throw bad(`configProviders.${name} must be {"class": "...", "params": {...}}`);
    const params = o.params ?? {};
    if (typeof params !== 'object' || params === null || Object.values(params).some((p) => typeof p !== 'string')) throw bad(`configProviders.${name}.params must map keys to strings`);
    return { name, className: o.class, params: { ...(params as Record<string, string>) } };
  });
}

/** A provider's get(path, keys): the keys it found; it throws when the path cannot be read or is not allowed. */
type Provider = (path: string, keys: ReadonlySet<string>) => Promise<Map<string, string>>;

/** allowed.paths: absolute, existing paths (their real paths); null when not configured. */
function allowedPaths(spec: ConfigProviderSpec): string[] | null {
  const value = spec.params['allowed.paths'];
  if (value === undefined || value.trim() === '') return null;
  return value.split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
    if (!isAbsolute(p)) throw bad(`${PREFIX}.${spec.name}.param.allowed.paths: ${p} is not an absolute path`);
    try {
      return realpathSync(p);
    } catch {
      throw bad(`${PREFIX}.${spec.name}.param.allowed.paths: ${p} does not exist`);
    }
  });
}

function within(path: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => path === a || path.startsWith(a.endsWith(sep) ? a : a + sep));
}

/** The path to read, once it is known to be inside allowed.paths, lexically and after following symbolic links. */
async function checkedPath(path: string, allowed: readonly string[] | null): Promise<string> {
  const abs = resolve(path);
  if (allowed === null) return abs;
  if (!within(abs, allowed)) throw new Error(`path ${path} is not in allowed.paths`);
  const real = await realpath(abs);
  if (!within(real, allowed)) throw new Error(`path ${path} leads outside allowed.paths`);
  return real;
}

function fileProvider(allowed: readonly string[] | null): Provider {
  return async (path, keys) => {
    const out = new Map<string, string>();
    if (path === '') return out;
    const props = parseProperties(await readFile(await checkedPath(path, allowed), 'utf8'));
    for (const k of keys) if (Object.hasOwn(props, k)) out.set(k, props[k] as string);
    return out;
  };
}

function directoryProvider(allowed: readonly string[] | null): Provider {
  return async (path, keys) => {
    const out = new Map<string, string>();
    if (path === '') return out;
    const dir = await checkedPath(path, allowed);
    if (!(await stat(dir)).isDirectory()) throw new Error(`${path} is not a directory`);
    for (const k of keys) {
      if (k === '' || k === '.' || k === '..' || basename(k) !== k) continue;
      const file = join(dir, k);
      const found = await stat(file).catch(() => null);
      if (found?.isFile() !== true) continue;
      out.set(k, await readFile(await checkedPath(file, allowed), 'utf8'));
    }
    return out;
  };
}

function envProvider(pattern: RegExp, env: Readonly<Record<string, string | undefined>>): Provider {
  return (path, keys) => {
    if (path !== '') return Promise.reject(new Error(`a path is not supported by EnvVarConfigProvider, got ${path}`));
    const out = new Map<string, string>();
    for (const k of keys) {
      const v = env[k];
      if (v !== undefined && pattern.test(k)) out.set(k, v);
    }
    return Promise.resolve(out);
  };
}

function kindOf(spec: ConfigProviderSpec): Kind {
  const simple = spec.className.startsWith(PACKAGE) ? spec.className.slice(PACKAGE.length) : spec.className;
  const kind = Object.hasOwn(CLASSES, simple) ? CLASSES[simple] : undefined;
  if (kind === undefined) throw bad(`${PREFIX}.${spec.name}.class: unknown config provider class ${spec.className} (known: ${Object.keys(CLASSES).map((c) => PACKAGE + c).join(', ')})`);
  return kind;
}

function providerOf(spec: ConfigProviderSpec, env: Readonly<Record<string, string | undefined>>): Provider {
  const kind = kindOf(spec);
  const unknown = Object.keys(spec.params).filter((k) => !PARAMS[kind].includes(k));
  if (unknown.length > 0) throw bad(`${PREFIX}.${spec.name}: unknown param ${unknown.join(', ')} (${spec.className} takes ${PARAMS[kind].join(', ')})`);
  if (kind === 'env') {
    const source = spec.params['allowlist.pattern'] ?? '.*';
    try {
      return envProvider(new RegExp(source), env);
    } catch {
      throw bad(`${PREFIX}.${spec.name}.param.allowlist.pattern: ${source} is not a valid regular expression`);
    }
  }
  const allowed = allowedPaths(spec);
  return kind === 'file' ? fileProvider(allowed) : directoryProvider(allowed);
}

export interface Resolved {
  readonly config: Record<string, string>;
  /** References left as they are: their provider is not configured, or it did not find their key. */
  readonly unresolved: readonly ConfigReference[];
}

export interface ConfigResolver {
  readonly names: readonly string[];
  /** Resolves every reference; throws a configInvalid error naming the reference (never a value) when a path fails. */
  resolve(config: Readonly<Record<string, string>>): Promise<Resolved>;
}

/** The worker's providers; throws a start-up error for an unknown class, an unknown param or a bad allowed path. */
export function createConfigResolver(specs: readonly ConfigProviderSpec[], env: Readonly<Record<string, string | undefined>> = process.env): ConfigResolver {
  const providers = new Map<string, Provider>();
  for (const spec of specs) {
    if (providers.has(spec.name)) throw bad(`config provider ${spec.name} is defined twice`);
    providers.set(spec.name, providerOf(spec, env));
  }
  return {
    names: [...providers.keys()],
    async resolve(config) {
      const refs = findReferences(config);
      if (refs.length === 0) return { config: { ...config }, unresolved: [] };
      const wanted = new Map<string, Map<string, { keys: Set<string>; first: ConfigReference }>>();
      for (const r of refs) {
        if (!providers.has(r.provider)) continue;
        const byPath = wanted.get(r.provider) ?? new Map<string, { keys: Set<string>; first: ConfigReference }>();
        wanted.set(r.provider, byPath);
        const entry = byPath.get(r.path) ?? { keys: new Set<string>(), first: r };
        byPath.set(r.path, entry);
        entry.keys.add(r.key);
      }
      const lookups = new Map<string, Map<string, Map<string, string>>>();
      for (const [name, byPath] of wanted) {
        const provider = providers.get(name) as Provider;
        const found = new Map<string, Map<string, string>>();
        lookups.set(name, found);
        for (const [path, { keys, first }] of byPath) {
          try {
            found.set(path, await provider(path, keys));
          } catch (err) {
            throw new ConveyorError(ErrorCode.configInvalid, `Could not resolve ${describeReference(first)}: ${reasonOf(err)}`, { cause: err });
          }
        }
      }
      const unresolved = refs.filter((r) => lookups.get(r.provider)?.get(r.path)?.has(r.key) !== true);
      return { config: substitute(config, lookups), unresolved };
    },
  };
}

function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code === 'ENOENT') return 'no such file or directory';
  if (e?.code === 'EACCES') return 'permission denied';
  return String(e?.message ?? err);
}

/** What resolveAtStart logs: the references left unresolved, by name. */
interface WarnLog {
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

/**
 * The config a connector or task starts with: references resolved when the worker has providers, the rest left as
 * Kafka Connect leaves them, each logged by name (never a value).
 */
export async function resolveAtStart(resolver: ConfigResolver | undefined, config: Readonly<Record<string, string>>, log: WarnLog): Promise<Record<string, string>> {
  if (resolver === undefined) return { ...config };
  const { config: out, unresolved } = await resolver.resolve(config);
  for (const r of unresolved) log.warn('config reference left unresolved', { reference: describeReference(r) });
  return out;
}
