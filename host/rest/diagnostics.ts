/** Conveyor-specific read-only diagnostics: capability call counters per connector and task. */
import { Router } from 'express';
import type { CallCounters } from '../capabilities/metrics.ts';

export interface DiagnosticsApi {
  capabilityCalls(connector: string): { connector: string; task: number; call: string; counters: CallCounters }[];
}

export function diagnosticsRouter(api: DiagnosticsApi): Router {
  const r = Router();
  r.get('/conveyor/connectors/:name/capability-calls', (req, res) => {
    res.json(api.capabilityCalls(String(req.params['name'])));
  });
  return r;
}
