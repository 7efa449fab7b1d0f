/** Leader forwarding with a fake routing seam and two real HTTP servers (a follower and a stub leader). */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, test } from 'node:test';
import express from 'express';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { errorHandler } from '../../../host/rest/errors.ts';
import { identify } from '../../../host/rest/access.ts';
import { isClusterWrite, leaderForwarding } from '../../../host/rest/forwarding.ts';
import type { LeaderRouting } from '../../../host/rest/forwarding.ts';
import { ANONYMOUS_ADMIN } from '../../../host/tenants/directory.ts';
import { NO_TENANTS } from '../../../host/tenants/holder.ts';
import { FORWARDED_HEADER, IDENTITY_HEADER, signForward } from '../../../host/rest/request-signing.ts';

const log = createJsonLogger({ level: 'error', write: () => undefined });
const servers: Server[] = [];
const KEY = Buffer.alloc(32, 7);
const keyed = { sessionKey: () => KEY };

/** The JSON parser keeping the raw body and the identity check, as the REST server mounts them. */
function parsing(app: express.Express): void {
  app.use(express.json({ type: () => true, verify: (req, _res, buf) => void ((req as typeof req & { rawBody?: Buffer }).rawBody = buf) }));
  app.use(identify({ tenants: NO_TENANTS, sessionKey: () => KEY }));
}

async function listen(app: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const a = server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
}

after(() => {
  for (const s of servers) s.close();
});

async function follower(routing: Omit<LeaderRouting, 'sessionKey'>): Promise<string> {
  const app = express();
  parsing(app);
  app.use(leaderForwarding({ ...keyed, ...routing }, log));
  app.all('/{*path}', (req, res) => {
    res.json({ servedBy: routing.workerId, method: req.method });
  });
  app.use(errorHandler(log));
  return listen(app);
}

test('writes to /connectors are cluster writes; reads, validation and logger changes are not', () => {
  assert.equal(isClusterWrite('POST', '/connectors'), true);
  assert.equal(isClusterWrite('PUT', '/connectors/a/pause'), true);
  assert.equal(isClusterWrite('DELETE', '/connectors/a'), true);
  assert.equal(isClusterWrite('GET', '/connectors/a/status'), false);
  assert.equal(isClusterWrite('PUT', '/connector-plugins/X/config/validate'), false);
  assert.equal(isClusterWrite('PUT', '/admin/loggers/root'), false);
  assert.equal(isClusterWrite('POST', '/connectorsx'), false);
});

test('a follower forwards writes to the leader, signed, with the caller\'s identity, and relays its status and body', async () => {
  const seen: { forwardedBy: unknown; identity: unknown; body: unknown; url: string }[] = [];
  const leaderApp = express();
  parsing(leaderApp);
  leaderApp.all('/{*path}', (req, res) => {
    seen.push({ forwardedBy: res.locals['forwardedBy'], identity: res.locals['identity'], body: req.body as unknown, url: req.originalUrl });
    res.status(201).json({ created: true });
  });
  leaderApp.use(errorHandler(log));
  const leaderUrl = await listen(leaderApp);
  const url = await follower({ workerId: 'w2', isLeader: () => false, rebalancing: () => false, leaderUrl: () => Promise.resolve(leaderUrl) });
  const res = await fetch(`${url}/connectors?expand=status`, { method: 'POST', body: JSON.stringify({ name: 'a', config: {} }) });
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { created: true });
  assert.deepEqual(seen, [{ forwardedBy: 'w2', identity: ANONYMOUS_ADMIN, body: { name: 'a', config: {} }, url: '/connectors?expand=status' }]);
  const forged = await fetch(`${leaderUrl}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', [FORWARDED_HEADER]: 'w2' }, body: '{}' });
  assert.equal(forged.status, 403, 'a client-forged forwarding header is refused');
  assert.match(((await forged.json()) as { message: string }).message, /not signed/);
  const body = '{"name":"b"}';
  const signed = signForward(KEY, { method: 'POST', url: '/connectors', body }, 'w2', { name: 'eve', tenant: 'acme', role: 'operator', via: 'token' });
  const tampered = await fetch(`${leaderUrl}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed, [IDENTITY_HEADER]: Buffer.from(JSON.stringify({ ...ANONYMOUS_ADMIN, name: 'eve' })).toString('base64url') }, body });
  assert.equal(tampered.status, 403, 'a changed identity breaks the signature');
  assert.match(((await tampered.json()) as { message: string }).message, /signature is invalid/);
  const otherBody = await fetch(`${leaderUrl}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body: '{"name":"c"}' });
  assert.equal(otherBody.status, 403, 'the signature covers the body');
  const stale = signForward(KEY, { method: 'POST', url: '/connectors', body }, 'w2', ANONYMOUS_ADMIN, Date.now() - 10 * 60_000);
  assert.equal((await fetch(`${leaderUrl}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', ...stale }, body })).status, 403, 'an old signature is refused');
  assert.equal((await fetch(`${leaderUrl}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body })).status, 201, 'a valid signature passes');
  assert.equal(seen.at(-1)?.identity && (seen.at(-1)?.identity as { name: string }).name, 'eve');
  const read = await fetch(`${url}/connectors`);
  assert.deepEqual(await read.json(), { servedBy: 'w2', method: 'GET' }, 'reads are answered locally');
});

test('409 when there is no leader, when the leader is rebalancing, when a forwarded write reaches a non-leader, or the leader is unreachable', async () => {
  const noLeader = await follower({ workerId: 'w2', isLeader: () => false, rebalancing: () => false, leaderUrl: () => Promise.resolve(undefined) });
  const r1 = await fetch(`${noLeader}/connectors`, { method: 'POST', body: '{}' });
  assert.equal(r1.status, 409);
  assert.match(((await r1.json()) as { message: string }).message, /no leader/);

  const busy = await follower({ workerId: 'w1', isLeader: () => true, rebalancing: () => true, leaderUrl: () => Promise.resolve(undefined) });
  const r2 = await fetch(`${busy}/connectors/a/pause`, { method: 'PUT' });
  assert.equal(r2.status, 409);
  assert.match(((await r2.json()) as { message: string }).message, /rebalance/);

  const loop = await follower({ workerId: 'w3', isLeader: () => false, rebalancing: () => false, leaderUrl: () => Promise.resolve('http://127.0.0.1:1') });
  const r3 = await fetch(`${loop}/connectors/a`, { method: 'DELETE', headers: signForward(KEY, { method: 'DELETE', url: '/connectors/a', body: '' }, 'w2', ANONYMOUS_ADMIN) });
  assert.equal(r3.status, 409);
  assert.match(((await r3.json()) as { message: string }).message, /forwarded by w2 to w3, which is not the leader/);

  const r4 = await fetch(`${loop}/connectors/a`, { method: 'DELETE' });
  assert.equal(r4.status, 409);
  assert.match(((await r4.json()) as { message: string }).message, /did not answer/);

  const leader = await follower({ workerId: 'w1', isLeader: () => true, rebalancing: () => false, leaderUrl: () => Promise.resolve(undefined) });
  assert.deepEqual(await (await fetch(`${leader}/connectors`, { method: 'POST', body: '{}' })).json(), { servedBy: 'w1', method: 'POST' }, 'the leader serves writes itself');
});
