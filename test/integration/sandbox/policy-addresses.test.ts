/**
 * Capability policies compare hosts by address on the real servers: a MariaDB allowed as 127.0.0.1:3307 is reached
 * through `localhost:3307` (and the connection goes to the address that matched), while the same name with another
 * port, or a host that resolves elsewhere, is denied before anything connects.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elasticsearchCapability } from '../../../host/capabilities/elasticsearch.ts';
import { mysqlCapability } from '../../../host/capabilities/mysql.ts';
import { policyFrom } from '../../../host/capabilities/policy.ts';
import type { CapabilityMethods } from '../../../host/capabilities/types.ts';

const denied = (e: unknown): boolean => (e as { code?: string }).code === 'CONVEYOR_CAPABILITY_DENIED';

/** Calls a capability method by name, as the broker does. */
function caller(cap: CapabilityMethods): (method: string, args: unknown[]) => Promise<unknown> {
  return (method, args) => {
    const f = cap[method];
    assert.ok(f, method);
    return f(args);
  };
}

void test('mysql: an alias of an allowed address connects; another port or host is denied', async () => {
  const cap = mysqlCapability(policyFrom({ mysqlHosts: ['127.0.0.1:3307'] }));
  const call = caller(cap);
  try {
    const id = await call('connect', [{ host: 'localhost', port: 3307, user: 'conveyor', password: 'conveyor' }]);
    const res = await call('query', [id, 'SELECT @@port AS port']);
    assert.deepEqual(res, { rows: [{ port: 3307 }] });
    await assert.rejects(call('connect', [{ host: 'localhost', port: 3306, user: 'conveyor', password: 'conveyor' }]), denied, 'the machine\'s own server on 3306 is not in the policy');
    await assert.rejects(call('connect', [{ host: 'no-such-host.invalid', port: 3307, user: 'x' }]), denied, 'a name that does not resolve to an allowed address');
  } finally {
    await cap.release();
  }
});

void test('elasticsearch: a node named by an alias of the allowed address is reached; others are denied', async () => {
  const cap = elasticsearchCapability(policyFrom({ elasticsearchHosts: ['127.0.0.1:9200'], elasticsearchIndexPrefixes: ['conveyor-addr-'] }));
  const call = caller(cap);
  try {
    assert.equal(await call('connect', [{ urls: ['http://localhost:9200'] }]), null);
    assert.equal(await call('indexExists', ['conveyor-addr-none']), false);
    await assert.rejects(call('connect', [{ urls: ['http://localhost:9300'] }]), denied);
  } finally {
    await cap.release();
  }
});
