/** /connectors: create, read, reconfigure, delete and status, with Kafka Connect's paths, bodies and codes. */
import { Router } from 'express';
import type { Request } from 'express';
import type { RawConfig } from '../../sdk/connector.ts';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { ConnectorInfo, ConnectorStatus } from '../worker/states.ts';

export interface ConnectorsApi {
  connectorNames(): string[];
  connectorInfo(name: string): ConnectorInfo;
  connectorStatus(name: string): ConnectorStatus;
  createConnector(name: string, config: RawConfig): Promise<ConnectorInfo>;
  putConnectorConfig(name: string, config: RawConfig): Promise<{ created: boolean; info: ConnectorInfo }>;
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

function param(req: Request, key: string): string {
  const v = req.params[key];
  if (typeof v !== 'string') throw new ConveyorError(ErrorCode.badRequest, `missing path parameter ${key}`);
  return v;
}

export function connectorsRouter(api: ConnectorsApi): Router {
  const r = Router();
  r.get('/connectors', (_req, res) => {
    res.json(api.connectorNames());
  });
  r.post('/connectors', async (req, res) => {
    const body = req.body as { name?: unknown; config?: unknown } | undefined;
    if (typeof body?.name !== 'string' || body.name === '') throw new ConveyorError(ErrorCode.badRequest, 'Connector name must be a non-empty string');
    const config = stringMap(body.config ?? {}, 'config');
    if (config['name'] !== undefined && config['name'] !== body.name) throw new ConveyorError(ErrorCode.badRequest, 'Connector name configuration must match the connector name');
    res.status(201).json(await api.createConnector(body.name, config));
  });
  r.get('/connectors/:name', (req, res) => {
    res.json(api.connectorInfo(param(req, 'name')));
  });
  r.get('/connectors/:name/config', (req, res) => {
    res.json(api.connectorInfo(param(req, 'name')).config);
  });
  r.put('/connectors/:name/config', async (req, res) => {
    const { created, info } = await api.putConnectorConfig(param(req, 'name'), stringMap(req.body, 'connector config'));
    res.status(created ? 201 : 200).json(info);
  });
  r.get('/connectors/:name/status', (req, res) => {
    res.json(api.connectorStatus(param(req, 'name')));
  });
  r.get('/connectors/:name/tasks', (req, res) => {
    const info = api.connectorInfo(param(req, 'name'));
    res.json(info.tasks.map((id) => ({ id, config: info.config })));
  });
  r.delete('/connectors/:name', async (req, res) => {
    await api.deleteConnector(param(req, 'name'));
    res.status(204).end();
  });
  return r;
}
