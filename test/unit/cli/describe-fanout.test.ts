/**
 * describe connector in a cluster: each worker answers /plugin-metrics for the tasks it runs, so the CLI asks a task's
 * own worker (its worker_id, host:port) for what the worker it talks to does not run. Two throwaway HTTP servers play
 * the workers' REST answers.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { describeConnector } from '../../../host/cli/ctl/connector-commands.ts';
import { RestClient } from '../../../host/cli/ctl/http-client.ts';

const snap = { plugin: 'mysql', name: 'srv', context: 'snapshot' };
const series = (task: number, table: string, rows: number) => [{
  task,
  metrics: [
    { name: 'debezium_metrics_SnapshotRunning', type: 'gauge', labels: snap, value: 1 },
    { name: 'debezium_metrics_TotalTableCount', type: 'gauge', labels: snap, value: 1 },
    { name: 'debezium_metrics_RemainingTableCount', type: 'gauge', labels: snap, value: 1 },
    { name: 'debezium_metrics_RowsScanned', type: 'gauge', labels: { ...snap, table }, value: rows },
  ],
}];

function worker(answers: (path: string) => unknown): Promise<{ server: Server; host: string }> {
  const server = createServer((req, res) => {
    const body = answers(req.url ?? '');
    if (body === undefined) res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 404, message: 'not found' }));
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ server, host: `127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}` });
  }));
}

let a: { server: Server; host: string };
let b: { server: Server; host: string };

before(async () => {
  b = await worker((path) => (path === '/conveyor/connectors/cdc/plugin-metrics' ? series(1, 'db.b', 20) : undefined));
  a = await worker((path) => {
    switch (path) {
      case '/connectors/cdc': return { name: 'cdc', type: 'source', config: { 'connector.class': 'MySqlConnector' }, tasks: [] };
      case '/connectors/cdc/status': return { name: 'cdc', type: 'source', connector: { state: 'RUNNING', worker_id: a.host }, tasks: [{ id: 0, state: 'RUNNING', worker_id: a.host }, { id: 1, state: 'RUNNING', worker_id: b.host }] };
      case '/connectors/cdc/topics': return { cdc: { topics: [] } };
      case '/conveyor/connectors/cdc/plugin-metrics': return series(0, 'db.a', 10);
      default: return undefined;
    }
  });
});

after(async () => {
  for (const w of [a, b]) {
    w.server.closeAllConnections();
    await new Promise((r) => w.server.close(r));
  }
});

void test('tasks on other workers are asked of their own worker', async () => {
  let text = '';
  await describeConnector({ client: new RestClient({ url: `http://${a.host}` }), out: { format: 'table', color: false, write: (t) => void (text += t) } }, 'cdc');
  assert.match(text, /^ {2}Task 0: running, 0 of 1 tables read\n {4}TABLE.*\n {4}db\.a\s+10\s+\?\s*$/m);
  assert.match(text, /^ {2}Task 1: running, 0 of 1 tables read\n {4}TABLE.*\n {4}db\.b\s+20\s+\?\s*$/m);
});
