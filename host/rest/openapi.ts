/**
 * GET /openapi.json: the OpenAPI 3.1 description of this REST API. host/rest/openapi.json is its one source: served
 * as it is, and test/integration/rest/openapi.test.ts checks real answers of every operation against it.
 */
import { readFileSync } from 'node:fs';
import { Router } from 'express';

export const OPENAPI_FILE = new URL('./openapi.json', import.meta.url);

export function openapiRouter(): Router {
  const text = readFileSync(OPENAPI_FILE, 'utf8');
  const r = Router();
  r.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(text);
  });
  return r;
}
