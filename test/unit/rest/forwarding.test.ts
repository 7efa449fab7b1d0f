/** Leader forwarding with a fake routing seam and two real HTTP servers (a follower and a stub leader). */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, test } from 'node:test';
import express from 'express';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { errorHandler } from '../../../host/rest/errors.ts';
import { FORWARDED_HEADER, isClusterWrite, leaderForwarding } from '../../../host/rest/forwarding.ts';
import type { LeaderRouting } from '../../../host/rest/forwarding.ts';

const log = createJsonLogger({ level: 'error', write: () => undefined });
const servers: Server[] = [];

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

async function follower(routing: LeaderRouting): Promise<string> {
  const app = express();
  app.use(express.json({ type: () => true }));
  app.use(leaderForwarding(routing, log));
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

test('a follower forwards writes to the leader with the loop-guard header and relays its status and body', async () => {
  const seen: { header: string | undefined; body: unknown; url: string }[] = [];
  const leaderApp = express();
  leaderApp.use(express.json({ type: () => true }));
  leaderApp.all('/{*path}', (req, res) => {
    seen.push({ header: req.get(FORWARDED_HEADER), body: req.body as unknown, url: req.originalUrl });
    res.status(201).json({ created: true });
  });
  const leaderUrl = await listen(leaderApp);
  const url = await follower({ workerId: 'w2', isLeader: () => false, rebalancing: () => false, leaderUrl: () => Promise.resolve(leaderUrl) });
  const res = await fetch(`${url}/connectors?expand=status`, { method: 'POST', body: JSON.stringify({ name: 'a', config: {} }) });
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { created: true });
  assert.deepEqual(seen, [{ header: 'w2', body: { name: 'a', config: {} }, url: '/connectors?expand=status' }]);
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
  const r3 = await fetch(`${loop}/connectors/a`, { method: 'DELETE', headers: { [FORWARDED_HEADER]: 'w2' } });
  assert.equal(r3.status, 409);
  assert.match(((await r3.json()) as { message: string }).message, /forwarded by w2 to w3, which is not the leader/);

  const r4 = await fetch(`${loop}/connectors/a`, { method: 'DELETE' });
  assert.equal(r4.status, 409);
  assert.match(((await r4.json()) as { message: string }).message, /did not answer/);

  const leader = await follower({ workerId: 'w1', isLeader: () => true, rebalancing: () => false, leaderUrl: () => Promise.resolve(undefined) });
  assert.deepEqual(await (await fetch(`${leader}/connectors`, { method: 'POST', body: '{}' })).json(), { servedBy: 'w1', method: 'POST' }, 'the leader serves writes itself');
});
