import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy, policiesFromProperties, policyFor } from '../../../host/capabilities/policy.ts';
import { workerInputFromProperties } from '../../../host/cli/standalone.ts';
import { TenantDirectory } from '../../../host/tenants/directory.ts';

void test('conveyor.policy.default.* and conveyor.policy.connector.<name>.* become the policy book', () => {
  const book = policiesFromProperties({
    'conveyor.policy.default.http.origins': 'https://api.example.com, http://127.0.0.1:8080',
    'conveyor.policy.default.file.dirs': '/srv/data',
    'conveyor.policy.connector.orders.cdc.mysql.hosts': 'db.internal:3306,127.0.0.1:3307',
    'conveyor.policy.connector.es-out.elasticsearch.node': 'http://127.0.0.1:9200',
    'conveyor.policy.connector.es-out.elasticsearch.index.prefixes': 'logs-,metrics-',
    'bootstrap.servers': 'ignored',
  });
  assert.deepEqual(book, {
    '*': { httpOrigins: ['https://api.example.com', 'http://127.0.0.1:8080'], fileDirs: ['/srv/data'] },
    'orders.cdc': { mysqlHosts: ['db.internal:3306', '127.0.0.1:3307'] },
    'es-out': { elasticsearchNode: 'http://127.0.0.1:9200', elasticsearchIndexPrefixes: ['logs-', 'metrics-'] },
  });
  assert.deepEqual(policyFor(book, 'orders.cdc').httpOrigins, [], 'a connector entry replaces the default, and lists nothing it does not name');
  assert.throws(() => policiesFromProperties({ 'conveyor.policy.default.mysql.host': 'x' }), /unknown policy field/);
  assert.throws(() => policiesFromProperties({ 'conveyor.policy.tenant.acme.file.dirs': '/x' }), /use conveyor.policy.default/);
});

void test('worker.properties policies merge with conveyor.files.allowed.dirs; a bad key is a config error', () => {
  const input = workerInputFromProperties({ 'conveyor.policy.default.file.dirs': '/a', 'conveyor.files.allowed.dirs': '/b' });
  assert.deepEqual(input['policies'], { '*': { fileDirs: ['/a', '/b'] } });
  assert.throws(() => workerInputFromProperties({ 'conveyor.policy.default.bogus': '1' }), (e: Error & { code?: string }) => e.code === 'CONVEYOR_CONFIG_INVALID' && /unknown policy field/.test(e.message));
});

void test('a tenant\'s policy and task limits come from the tenants document', () => {
  const dir = TenantDirectory.fromDocument({ tenants: { acme: { policy: { mysqlHosts: ['127.0.0.1:3307'] }, quotas: { taskMemoryMb: 64, taskCpuQuotaMs: 2000 } } } });
  const acme = dir.tenants.get('acme');
  assert.deepEqual(acme?.policy, { mysqlHosts: ['127.0.0.1:3307'] });
  assert.deepEqual(acme?.quotas, { taskMemoryMb: 64, taskCpuQuotaMs: 2000 });
  assert.throws(() => TenantDirectory.fromDocument({ tenants: { x: { policy: { hosts: [] } } } }), /tenant x: policy: unknown policy field hosts/);
  assert.throws(() => parsePolicy({ fileDirs: '/x' }), /fileDirs must be an array of strings/);
  assert.throws(() => TenantDirectory.fromDocument({ tenants: { x: { tokens: ['plaintext-token'] } } }), /must be a SHA-256 hash/);
});
