/** /connectors: create, read, reconfigure, delete and status, with Kafka Connect's paths, bodies and codes. */
import { Router } from 'express';
import type { Request } from 'express';
import type { RawConfig } from '../../sdk/connector.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { ConnectorInfo, ConnectorStatus } from '../worker/states.ts';
import { identityOf } from './access.ts';
import { visibleConnectors } from './tenancy.ts';
import { invalidConfigMessage } from '../worker/connector-config.ts';
import { requireNameMatches } from '../worker/connector-rules.ts';

export interface ConnectorsApi {
  connectorNames(): string[];
  connectorInfo(name: string): ConnectorInfo;
  connectorStatus(name: string): ConnectorStatus;
  createConnector(name: string, config: RawConfig, initialState?: 'STARTED' | 'PAUSED' | 'STOPPED'): Promise<ConnectorInfo>;
  putConnectorConfig(name: string, config: RawConfig): Promise<{ created: boolean; info: ConnectorInfo }>;
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;
}

/** Connector configs are string maps; numbers and booleans are accepted and stringified as Kafka Connect does. */
function stringMap(value: unknown, what: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConveyorError(ErrorCode.badRequest, `${what} must be a JSON object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ConveyorError(ErrorCode.badRequest, `${what}: value of ${k} must be a string`);
    out[k] = String(v);
  }
  return out;
}

/** PATCH bodies: like stringMap, but null values stay (they remove the key). */
function patchMap(value: unknown): Record<string, string | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConveyorError(ErrorCode.badRequest, 'connector config patch must be a JSON object');
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ConveyorError(ErrorCode.badRequest, `connector config patch: value of ${k} must be a string or null`);
    out[k] = v === null ? null : String(v);
  }
  return out;
}

const INITIAL_STATES = { RUNNING: 'STARTED', PAUSED: 'PAUSED', STOPPED: 'STOPPED' } as const;

function initialState(v: unknown): 'STARTED' | 'PAUSED' | 'STOPPED' {
  if (v === undefined || v === null) return 'STARTED';
  if (typeof v === 'string' && Object.hasOwn(INITIAL_STATES, v.toUpperCase())) return INITIAL_STATES[v.toUpperCase() as keyof typeof INITIAL_STATES];
  throw new ConveyorError(ErrorCode.badRequest, `Invalid initial_state ${JSON.stringify(v)}: must be one of RUNNING, PAUSED, STOPPED`);
}

function expansions(v: unknown): Set<string> {
  const list = (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : ['?']));
  for (const e of list) if (e !== 'status' && e !== 'info') throw new ConveyorError(ErrorCode.badRequest, `Unknown expand value ${e}: use status and/or info`);
  return new Set(list);
}

/** Kafka Connect answers POST /connectors with an absolute Location, built from the URL the client used. */
function absoluteUrl(req: Request, path: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${path}`;
}

function param(req: Request, key: string): string {
  const v = req.params[key];
  if (typeof v !== 'string') throw new ConveyorError(ErrorCode.badRequest, `missing path parameter ${key}`);
  return v;
}

export function connectorsRouter(api: ConnectorsApi): Router {
  const r = Router();
  r.get('/connectors', (req, res) => {
    const expand = expansions(req.query['expand']);
    const names = visibleConnectors(api, identityOf(res));
    if (expand.size === 0) {
      res.json(names);
      return;
    }
    const out: Record<string, { status?: ConnectorStatus; info?: ConnectorInfo }> = {};
    for (const n of names) out[n] = { ...(expand.has('status') ? { status: api.connectorStatus(n) } : {}), ...(expand.has('info') ? { info: api.connectorInfo(n) } : {}) };
    res.json(out);
  });
  r.post('/connectors', async (req, res) => {
    const body = req.body as { name?: unknown; config?: unknown; initial_state?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ConveyorError(ErrorCode.badRequest, 'The request body must be a JSON object {"name", "config"}');
    const config = stringMap(body.config ?? {}, 'config');
    const name = body.name;
    if (name !== undefined && name !== null && typeof name !== 'string') throw new ConveyorError(ErrorCode.badRequest, 'Connector name must be a string');
    // Kafka Connect takes the name from the body only; a missing one is an empty name.
    if (name === undefined || name === null || name === '') throw new ConveyorError(ErrorCode.configInvalid, invalidConfigMessage({ name: ['Invalid value  for configuration name: String may not be empty'] }));
    requireNameMatches(name, config);
    const info = await api.createConnector(name, config, initialState(body.initial_state));
    res.status(201).location(absoluteUrl(req, `/connectors/${encodeURIComponent(info.name)}`)).json(info);
  });
  r.get('/connectors/:name', (req, res) => {
    res.json(api.connectorInfo(param(req, 'name')));
  });
  r.get('/connectors/:name/config', (req, res) => {
    res.json(api.connectorInfo(param(req, 'name')).config);
  });
  r.put('/connectors/:name/config', async (req, res) => {
    const { created, info } = await api.putConnectorConfig(param(req, 'name'), stringMap(req.body, 'connector config'));
    if (created) res.status(201).location(absoluteUrl(req, `/connectors/${encodeURIComponent(info.name)}`)).json(info);
    else res.json(info);
  });
  r.get('/connectors/:name/status', (req, res) => {
    res.json(api.connectorStatus(param(req, 'name')));
  });
  r.patch('/connectors/:name/config', async (req, res) => {
    res.json(await api.patchConnectorConfig(param(req, 'name'), patchMap(req.body)));
  });
  r.delete('/connectors/:name', async (req, res) => {
    await api.deleteConnector(param(req, 'name'));
    res.status(204).end();
  });
  return r;
}
