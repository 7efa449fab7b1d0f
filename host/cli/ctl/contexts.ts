/**
 * Contexts, as kubectl and kcctl keep them: named workers (REST URL, bearer token, CA file for https) and the one in
 * use, in `$XDG_CONFIG_HOME/conveyor/config.json` (`~/.config/conveyor/config.json` without it). The file holds
 * tokens, so it is written readable by its owner only; tokens are never printed.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, usageError } from './errors.ts';

export interface Context {
  url: string;
  token?: string;
  /** A PEM file with the CA certificates that sign the worker's https certificate. */
  caFile?: string;
}

export interface ContextsFile {
  currentContext: string | null;
  contexts: Record<string, Context>;
}

export const DEFAULT_URL = 'http://127.0.0.1:8083';

export function contextsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] !== undefined && env['XDG_CONFIG_HOME'] !== '' ? env['XDG_CONFIG_HOME'] : join(homedir(), '.config');
  return join(base, 'conveyor', 'config.json');
}

function checkContext(name: string, v: unknown, file: string): Context {
  const c = v as Partial<Record<keyof Context, unknown>> | null;
  if (c === null || typeof c !== 'object' || typeof c.url !== 'string') throw new CliError(`${file}: context ${name} has no url`);
  for (const k of ['token', 'caFile'] as const) if (c[k] !== undefined && typeof c[k] !== 'string') throw new CliError(`${file}: ${k} of context ${name} must be a string`);
  return { url: c.url, ...(typeof c.token === 'string' ? { token: c.token } : {}), ...(typeof c.caFile === 'string' ? { caFile: c.caFile } : {}) };
}

export async function loadContexts(file = contextsPath()): Promise<ContextsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { currentContext: null, contexts: {} };
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed: { currentContext?: unknown; contexts?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const contexts: Record<string, Context> = {};
  if (parsed.contexts !== undefined && (typeof parsed.contexts !== 'object' || parsed.contexts === null)) throw new CliError(`${file}: contexts must be an object`);
  for (const [name, c] of Object.entries(parsed.contexts ?? {})) contexts[name] = checkContext(name, c, file);
  const current = typeof parsed.currentContext === 'string' && contexts[parsed.currentContext] !== undefined ? parsed.currentContext : null;
  return { currentContext: current, contexts };
}

export async function saveContexts(data: ContextsFile, file = contextsPath()): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
}

/** set-context: creates the context or changes the fields given; the first context becomes the current one. */
export function setContext(data: ContextsFile, name: string, fields: Partial<Context>): ContextsFile {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw usageError(`context name ${JSON.stringify(name)}: use letters, digits, '.', '_' or '-'`);
  const before = data.contexts[name];
  const url = fields.url ?? before?.url;
  if (url === undefined) throw usageError(`context ${name} is new: give its --url`);
  checkUrl(url);
  const next: Context = { ...before, ...fields, url };
  for (const k of ['token', 'caFile'] as const) if (next[k] === '') delete next[k];
  return { currentContext: data.currentContext ?? name, contexts: { ...data.contexts, [name]: next } };
}

export function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError(`${url} is not a URL (for example ${DEFAULT_URL})`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw usageError(`${url}: only http and https URLs are supported`);
}

/** Where commands go: flags first, then the named or current context, then CONVEYOR_URL/CONVEYOR_TOKEN, then localhost:8083. */
export function resolveTarget(data: ContextsFile, flags: { context?: string; url?: string; token?: string; caFile?: string }, env: NodeJS.ProcessEnv = process.env): Context & { name: string | null } {
  let base: Context & { name: string | null };
  if (flags.context !== undefined) {
    const c = data.contexts[flags.context];
    if (c === undefined) throw usageError(`no context named ${flags.context} (conveyor config get-contexts lists them)`);
    base = { ...c, name: flags.context };
  } else if (data.currentContext !== null && data.contexts[data.currentContext] !== undefined) {
    base = { ...(data.contexts[data.currentContext] as Context), name: data.currentContext };
  } else {
    const token = env['CONVEYOR_TOKEN'];
    const url = env['CONVEYOR_URL'];
    base = { url: url === undefined || url === '' ? DEFAULT_URL : url, ...(token === undefined || token === '' ? {} : { token }), name: null };
  }
  const out = { ...base, ...(flags.url === undefined ? {} : { url: flags.url }), ...(flags.token === undefined ? {} : { token: flags.token }), ...(flags.caFile === undefined ? {} : { caFile: flags.caFile }) };
  // An empty --token or --ca-file sends none, whatever the context holds.
  if (out.token === '') delete out.token;
  if (out.caFile === '') delete out.caFile;
  checkUrl(out.url);
  return out;
}
