/** /connectors/{c}: pause, resume, stop, restart, tasks, topics and offsets, with Kafka Connect's codes. */
import { Router } from 'express';
import type { Request } from 'express';
import { ConveyorError, ErrorCode, isConveyorError } from '../core/errors.ts';
import type { ConnectorOffset } from '../worker/connector-offsets.ts';
import { parseOffsetsBody } from '../worker/connector-offsets.ts';
import type { ConnectorStatus } from '../worker/states.ts';

export interface LifecycleApi {
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  restartConnector(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStatus | null>;
  restartTask(name: string, task: number): Promise<void>;
  taskStatus(name: string, task: number): ConnectorStatus['tasks'][number];
  taskConfigs(name: string): { id: { connector: string; task: number }; config: Record<string, string> }[];
  connectorTopics(name: string): Record<string, { topics: string[] }> | Promise<Record<string, { topics: string[] }>>;
  resetConnectorTopics(name: string): void | Promise<void>;
  connectorOffsets(name: string): Promise<{ offsets: ConnectorOffset[] }>;
  alterConnectorOffsets(name: string, offsets: ConnectorOffset[]): Promise<{ message: string }>;
  resetConnectorOffsets(name: string): Promise<{ message: string }>;
  connectorInfo(name: string): unknown;
}

function name(req: Request): string {
  return String(req.params['name']);
}

function task(req: Request): number {
  const raw = String(req.params['task']);
  const n = Number(raw);
  // Kafka Connect's route takes an integer task id: any other path segment matches no resource.
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new ConveyorError(ErrorCode.notFound, 'HTTP 404 Not Found');
  return n;
}

function flag(req: Request, key: string): boolean {
  const v = req.query[key];
  if (v === undefined) return false;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConveyorError(ErrorCode.badRequest, `Query parameter ${key} must be true or false`);
}

export function connectorLifecycleRouter(api: LifecycleApi): Router {
  const r = Router();
  r.put('/connectors/:name/pause', async (req, res) => {
    await api.pauseConnector(name(req));
    res.status(202).end();
  });
  r.put('/connectors/:name/resume', async (req, res) => {
    await api.resumeConnector(name(req));
    res.status(202).end();
  });
  r.put('/connectors/:name/stop', async (req, res) => {
    await api.stopConnector(name(req));
    res.status(204).end();
  });
  r.post('/connectors/:name/restart', async (req, res) => {
    const includeTasks = flag(req, 'includeTasks');
    const onlyFailed = flag(req, 'onlyFailed');
    let snapshot: ConnectorStatus | null;
    try {
      snapshot = await api.restartConnector(name(req), includeTasks, onlyFailed);
    } catch (err) {
      // Kafka Connect's restart-with-tasks path has its own words for a connector it does not know.
      if ((includeTasks || onlyFailed) && isConveyorError(err) && err.code === ErrorCode.notFound) throw new ConveyorError(ErrorCode.notFound, `Unknown connector: ${name(req)}`);
      throw err;
    }
    if (snapshot === null) res.status(204).end();
    else res.status(202).json(snapshot);
  });
  r.get('/connectors/:name/tasks', (req, res) => {
    res.json(api.taskConfigs(name(req)));
  });
  r.get('/connectors/:name/tasks/:task/status', (req, res) => {
    res.json(api.taskStatus(name(req), task(req)));
  });
  r.post('/connectors/:name/tasks/:task/restart', async (req, res) => {
    await api.restartTask(name(req), task(req));
    res.status(204).end();
  });
  r.get('/connectors/:name/topics', async (req, res) => {
    res.json(await api.connectorTopics(name(req)));
  });
  r.put('/connectors/:name/topics/reset', async (req, res) => {
    await api.resetConnectorTopics(name(req));
    res.status(202).end();
  });
  r.get('/connectors/:name/offsets', async (req, res) => {
    res.json(await api.connectorOffsets(name(req)));
  });
  r.patch('/connectors/:name/offsets', async (req, res) => {
    // Kafka Connect reads the body before it looks the connector up: an empty request is 400 even for an unknown name.
    const offsets = parseOffsetsBody(req.body);
    api.connectorInfo(name(req));
    res.json(await api.alterConnectorOffsets(name(req), offsets));
  });
  r.delete('/connectors/:name/offsets', async (req, res) => {
    res.json(await api.resetConnectorOffsets(name(req)));
  });
  return r;
}
