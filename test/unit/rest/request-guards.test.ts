import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Server } from 'node:http';
import express from 'express';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { errorHandler } from '../../../host/rest/errors.ts';
import { cors, corsSettings, MAX_REQUEST_BYTES, requireJsonBodies } from '../../../host/rest/request-guards.ts';

let server: Server;
let url = '';
const seen: unknown[] = [];

before(async () => {
  const app = express();
  const settings = corsSettings({ 'access.control.allow.origin': 'https://ui.example.com,http://*.corp.test', 'access.control.allow.methods': 'GET,PUT,DELETE' });
  assert.ok(settings);
  app.use(cors(settings));
  app.use(requireJsonBodies());
  app.use(express.json({ limit: MAX_REQUEST_BYTES, type: () => true }));
  app.all('/echo', (req, res) => {
    seen.push(req.body);
    res.json({ ok: true });
  });
  app.use(errorHandler(createJsonLogger({ level: 'error', write: () => undefined })));
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/echo`;
});

after(() => server.close());

void test('a body that is not JSON is 415 with Kafka Connect\'s message and never reaches a route', async () => {
  seen.length = 0;
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b', 'application/jsonx']) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body: '{"name":"x"}' });
    assert.equal(res.status, 415, type);
    assert.deepEqual(await res.json(), { error_code: 415, message: 'HTTP 415 Unsupported Media Type' });
  }
  const noType = await fetch(url, { method: 'PUT', body: new Blob(['{"a":1}']) });
  assert.equal(noType.status, 415, 'a body without a Content-Type');
  assert.deepEqual(seen, []);
});

void test('JSON bodies (with charset, +json) and bodiless writes pass', async () => {
  seen.length = 0;
  assert.equal((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"a":1}' })).status, 200);
  assert.equal((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/vnd.api+json' }, body: '{"b":2}' })).status, 200);
  assert.equal((await fetch(url, { method: 'POST' })).status, 200, 'POST .../restart without a body');
  assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' } })).status, 200, 'an empty body is no body');
  assert.deepEqual(seen.slice(0, 2), [{ a: 1 }, { b: 2 }]);
});

void test('a body over the limit is 413 naming the limit', async () => {
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ v: 'x'.repeat(MAX_REQUEST_BYTES) }) });
  assert.equal(res.status, 413);
  assert.match(((await res.json()) as { message: string }).message, new RegExp(`exceeds the limit of ${MAX_REQUEST_BYTES} bytes`));
});

void test('CORS only for allowed origins; preflight answers the configured methods', async () => {
  const plain = await fetch(url, { headers: { origin: 'https://evil.example' } });
  assert.equal(plain.headers.get('access-control-allow-origin'), null, 'a foreign origin gets no CORS headers');
  const ok = await fetch(url, { headers: { origin: 'https://ui.example.com' } });
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://ui.example.com');
  const wild = await fetch(url, { headers: { origin: 'http://team.corp.test' } });
  assert.equal(wild.headers.get('access-control-allow-origin'), 'http://team.corp.test');
  const pre = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://ui.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-methods'), 'GET,PUT,DELETE');
  assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Content-Type/);
  const refusedMethod = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://ui.example.com', 'access-control-request-method': 'POST' } });
  assert.equal(refusedMethod.headers.get('access-control-allow-methods'), null, 'POST is not among the allowed methods');
  assert.equal(corsSettings({}), null, 'no access.control.allow.origin: no CORS at all');
  assert.deepEqual(corsSettings({ 'access.control.allow.origin': '*' })?.allowMethods, ['GET', 'POST', 'HEAD'], 'Jetty\'s default methods');
});
