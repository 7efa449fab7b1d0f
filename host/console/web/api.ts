/**
 * The console's one way to the REST API: same origin, JSON, and the user's bearer token (kept for the browser tab
 * only, in sessionStorage). Errors carry Kafka Connect's {error_code, message}.
 */
const TOKEN_KEY = 'conveyor.token';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value === null || value === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
}

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** Listeners told when the API answers 401: the console then asks for a token. */
const unauthorized = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorized.add(fn);
  return () => unauthorized.delete(fn);
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const t = token();
  if (t !== null) headers['authorization'] = `Bearer ${t}`;
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401) for (const fn of unauthorized) fn();
  if (!res.ok) {
    const text = await res.text();
    let message = `${res.status} ${res.statusText}`;
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message);
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await send('GET', path)).json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await send('GET', path)).text();
}

/** A write; answers the parsed body, or null when there is none (204, 202). */
export async function call<T = unknown>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T | null> {
  const res = await send(method, path, body);
  const text = await res.text();
  return text === '' ? null : (JSON.parse(text) as T);
}

export const enc = encodeURIComponent;

export interface TaskState {
  id: number;
  state: string;
  worker_id: string;
  trace?: string;
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: TaskState[];
  type: string;
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: string;
}

export type ExpandedConnectors = Record<string, { status?: ConnectorStatus; info?: ConnectorInfo }>;

export interface PluginRow {
  class: string;
  type: string;
  version: string | null;
  location?: string;
  rejected?: string;
  since?: string;
}

export interface ConfigKey {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string | null;
  group: string | null;
  display_name?: string | null;
  order?: number;
}

export interface ValidationAnswer {
  name: string;
  error_count: number;
  configs: { definition: ConfigKey; value: { name: string; value: string | null; errors: string[]; visible: boolean } }[];
}

export interface ConveyorPlugins {
  installed: { class: string; aliases: string[]; name: string; version: string; capabilities: unknown; signature: { key_id: string; trusted: boolean } | null }[];
  broken: { dir?: string; reason?: string }[];
}

export interface CapabilityCalls {
  connector: string;
  task: number;
  call: string;
  counters: Record<string, number>;
}
