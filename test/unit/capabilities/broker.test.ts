import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CapabilityName } from '../../../sdk/capabilities.ts';
import { createCapabilityBroker } from '../../../host/capabilities/broker.ts';
import { CapabilityMetrics } from '../../../host/capabilities/metrics.ts';
import { policyFrom } from '../../../host/capabilities/policy.ts';
import type { CapabilityPolicy } from '../../../host/capabilities/policy.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';

let dir: string;
let outside: string;
let origin: string;
const server = createServer((req, res) => {
  if (req.url === '/big') return void res.end('x'.repeat(5 * 1024 * 1024));
  res.setHeader('x-test', 'yes');
  res.end(`hello ${req.method}`);
});

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-files-'));
  outside = await mkdtemp(join(tmpdir(), 'conveyor-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await mkdir(join(dir, 'in'));
  await symlink(outside, join(dir, 'escape'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const metrics = new CapabilityMetrics();
function broker(requested: CapabilityName[], policy: Partial<CapabilityPolicy> = {}) {
  return createCapabilityBroker({
    connector: 'c1', taskId: 0, plugin: 'demo@1', requested, policy: policyFrom(policy),
    offsets: (p) => Promise.resolve(p['k'] === 1 ? { pos: 9 } : null), metrics, log: createJsonLogger({ write: () => undefined }),
  });
}

test('a capability the manifest does not request is denied, naming the manifest', async () => {
  await assert.rejects(broker([]).handle('http', 'fetch', [origin]), { code: 'CONVEYOR_CAPABILITY_DENIED', message: "capability denied: http.fetch to http (plugin demo@1 does not request capability 'http' in its manifest)" });
  await assert.rejects(broker([]).handle('shell', 'run', []), { code: 'CONVEYOR_CAPABILITY_INVALID' });
});

test('http reaches allowed origins only and bounds the response', async () => {
  const b = broker(['http'], { httpOrigins: [origin] });
  const res = (await b.handle('http', 'fetch', [`${origin}/x`, { method: 'post', body: 'b' }])) as { status: number; body: string; headers: Record<string, string> };
  assert.deepEqual([res.status, res.body, res.headers['x-test']], [200, 'hello POST', 'yes']);
  await assert.rejects(b.handle('http', 'fetch', ['http://169.254.169.254/latest']), { message: 'capability denied: http.fetch to http://169.254.169.254 (origin not in the connector policy)' });
  await assert.rejects(b.handle('http', 'fetch', ['file:///etc/passwd']), { code: 'CONVEYOR_CAPABILITY_DENIED' });
  await assert.rejects(b.handle('http', 'fetch', [`${origin}/big`]), /response body larger than 4194304 bytes/);
  await assert.rejects(b.handle('http', 'fetch', [42]), { code: 'CONVEYOR_CAPABILITY_INVALID', message: 'http.fetch: url must be a string' });
});

test('files stay inside the configured directories, symlinks included', async () => {
  const b = broker(['files'], { fileDirs: [dir] });
  await b.handle('files', 'write', [join(dir, 'in', 'a.txt'), 'one']);
  await b.handle('files', 'write', [join(dir, 'in', 'a.txt'), 'two', { append: true }]);
  assert.equal(await b.handle('files', 'read', [join(dir, 'in', 'a.txt')]), 'onetwo');
  assert.deepEqual(await b.handle('files', 'list', [join(dir, 'in')]), ['a.txt']);
  await assert.rejects(b.handle('files', 'read', [join(dir, 'escape', 'secret.txt')]), { code: 'CONVEYOR_CAPABILITY_DENIED' });
  await assert.rejects(b.handle('files', 'read', [join(dir, '..', 'x')]), /capability denied: files.read to .* \(path outside the directories in the connector policy\)/);
  await assert.rejects(b.handle('files', 'read', ['relative.txt']), { code: 'CONVEYOR_CAPABILITY_INVALID' });
});

test('appends a task issues without waiting for each land in the order it issued them', async () => {
  const b = broker(['files'], { fileDirs: [dir] });
  const path = join(dir, 'in', 'ordered.txt');
  const lines = Array.from({ length: 40 }, (_, i) => `${'x'.repeat((40 - i) * 1000)}${i}\n`);
  await Promise.all(lines.map((l) => b.handle('files', 'write', [path, l, { append: true }])));
  assert.equal(await b.handle('files', 'read', [path]), lines.join(''));
});

test('a long argument that crossed as bytes is written as it is, and read as text by capabilities that need text', async () => {
  const b = broker(['files'], { fileDirs: [dir] });
  const path = join(dir, 'in', 'lines.txt');
  await b.handle('files', 'write', [path, Buffer.from('première\n', 'utf8')]);
  await b.handle('files', 'write', [path, Buffer.from('deuxième\n', 'utf8'), { append: true }]);
  assert.equal(await b.handle('files', 'read', [Buffer.from(path, 'utf8')]), 'première\ndeuxième\n');
  await assert.rejects(b.handle('files', 'write', [path, Buffer.alloc(4 * 1024 * 1024 + 1)]), /files.write: data longer than 4194304 bytes/);
});

test('mysql and elasticsearch targets outside policy are denied before any connection', async () => {
  const m = broker(['mysql', 'elasticsearch'], { mysqlHosts: ['127.0.0.1:3307'], elasticsearchNode: 'http://127.0.0.1:9200', elasticsearchIndexPrefixes: ['tenant-a-'] });
  await assert.rejects(m.handle('mysql', 'connect', [{ host: '10.0.0.1', port: 3306, user: 'root' }]), { message: 'capability denied: mysql.connect to 10.0.0.1:3306 (server not in the connector policy)' });
  await assert.rejects(m.handle('mysql', 'query', ['no-such-handle', 'select 1']), { message: 'mysql.query: unknown connection handle' });
  await assert.rejects(m.handle('elasticsearch', 'search', ['tenant-b-logs', {}]), { message: 'capability denied: elasticsearch.search to index tenant-b-logs (index not within the prefixes in the connector policy)' });
  await assert.rejects(m.handle('elasticsearch', 'bulk', [[{ index: { _index: 'other' } }, { a: 1 }]]), { code: 'CONVEYOR_CAPABILITY_DENIED' });
  await assert.rejects(broker(['elasticsearch']).handle('elasticsearch', 'refresh', ['x']), /no Elasticsearch node in the connector policy/);
  await m.release();
});

test('offsets are always granted and calls are counted per connector, task and call', async () => {
  const b = broker([]);
  assert.deepEqual(await b.handle('offsets', 'get', [{ k: 1 }]), { pos: 9 });
  assert.equal(await b.handle('offsets', 'get', [{ k: 2 }]), null);
  await assert.rejects(b.handle('offsets', 'get', ['nope']), /offsets.get: partition must be an object/);
  const row = metrics.snapshot('c1').find((r) => r.call === 'offsets.get');
  assert.ok(row && row.counters.calls >= 3 && row.counters.errors >= 1);
  assert.ok((metrics.snapshot('c1').find((r) => r.call === 'http.fetch')?.counters.denied ?? 0) >= 1);
});

test('a revoked broker refuses every call before it reaches its target, and counts it', async () => {
  let reached = 0;
  const b = createCapabilityBroker({
    connector: 'revoked', taskId: 0, plugin: 'demo@1', requested: ['http'], policy: policyFrom({ httpOrigins: [origin] }),
    offsets: () => { reached++; return Promise.resolve(null); }, metrics, log: createJsonLogger({ write: () => undefined }),
  });
  await b.handle('offsets', 'get', [{ k: 1 }]);
  assert.equal(reached, 1);
  b.revoke();
  await assert.rejects(b.handle('offsets', 'get', [{ k: 1 }]), { code: 'CONVEYOR_CAPABILITY_DENIED', message: "capability denied: offsets.get (the task's capabilities were revoked when it stopped)" });
  await assert.rejects(b.handle('http', 'fetch', [`${origin}/x`]), { code: 'CONVEYOR_CAPABILITY_DENIED' });
  assert.equal(reached, 1, 'nothing reached the offsets store after revoke');
  const counters = metrics.snapshot('revoked');
  assert.deepEqual(counters.map((c) => [c.call, c.counters.denied]).sort(), [['http.fetch', 1], ['offsets.get', 1]]);
});
