/** The tenants holder and the checks every change to the tenants document in etcd goes through (host/tenants/holder.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConveyorError } from '../../../host/core/errors.ts';
import { sha256Hex, TenantDirectory } from '../../../host/tenants/directory.ts';
import { directoryFromEntries, NO_TENANTS, TenantsHolder, withoutTenant, withTenant } from '../../../host/tenants/holder.ts';

const OPS = sha256Hex('ops-token');
const ACME = sha256Hex('acme-token');
const base = { ops: { role: 'admin', tokens: [OPS] }, acme: { role: 'operator', tokens: [`sha256:${ACME}`], topicPrefixes: ['acme.'] } };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isConveyorError(err), String(err));
    return `${err.code}: ${err.message}`;
  }
  return 'no error';
}

void test('the holder hands out whatever document was put in last; NO_TENANTS is always open', () => {
  const holder = new TenantsHolder();
  assert.equal(holder.current(), null);
  const first = TenantDirectory.fromDocument({ tenants: base });
  holder.replace(first);
  assert.equal(holder.current(), first);
  assert.equal(holder.current()?.byToken('acme-token')?.tenant, 'acme');
  holder.replace(TenantDirectory.fromDocument({ tenants: { ops: base.ops } }));
  assert.equal(holder.current()?.byToken('acme-token'), null, 'a token removed from the document stops working at once');
  assert.equal(NO_TENANTS.current(), null);
});

void test('a PUT body is checked as a tenants file entry is, together with the other tenants', () => {
  const added = withTenant(base, 'globex', { role: 'viewer', tokens: [sha256Hex('globex-token')] });
  assert.equal(added.directory.byToken('globex-token')?.role, 'viewer');
  assert.deepEqual(Object.keys(added.entries).sort(), ['acme', 'globex', 'ops']);
  assert.match(code(() => withTenant(base, 'globex', { tokens: ['plaintext'] })), /CONVEYOR_CONFIG_INVALID: .*tokens\[0\] must be a SHA-256 hash/);
  assert.match(code(() => withTenant(base, 'globex', { tokens: [ACME] })), /CONVEYOR_CONFIG_INVALID: .*already another tenant's token/);
  assert.match(code(() => withTenant(base, 'globex', { role: 'root' })), /role must be admin, operator or viewer/);
  assert.match(code(() => withTenant(base, 'globex', { topicPrefix: ['g.'] })), /tenant globex: unknown key "topicPrefix"/);
  assert.match(code(() => withTenant(base, 'globex', { quotas: { maxConnector: 1 } })), /quotas: unknown key "maxConnector"/);
  assert.match(code(() => withTenant(base, 'globex', { policy: { hosts: [] } })), /policy: unknown policy field hosts/);
  assert.match(code(() => withTenant(base, 'globex', ['not', 'an', 'object'])), /CONVEYOR_BAD_REQUEST: the body must be tenant globex's entry/);
  assert.match(code(() => withTenant(base, 'globex', undefined)), /CONVEYOR_BAD_REQUEST/);
  assert.match(code(() => withTenant(base, '../x', {})), /CONVEYOR_BAD_REQUEST: tenant name/);
  assert.match(code(() => withTenant(base, 'acme', { users: { alice: sha256Hex('pw') } })), /no error/, 'replacing an entry is allowed');
});

void test('no change may leave the document without an admin tenant; deleting a missing tenant is 404', () => {
  assert.match(code(() => withoutTenant(base, 'ops')), /CONVEYOR_CONFLICT: Deleting tenant ops would leave no tenant with role admin/);
  assert.match(code(() => withTenant(base, 'ops', { role: 'operator', tokens: [OPS] })), /CONVEYOR_CONFLICT: Changing tenant ops would leave no tenant with role admin/);
  assert.match(code(() => withTenant({}, 'first', { role: 'viewer' })), /CONVEYOR_CONFLICT/, 'the first tenant of an open cluster must be an admin');
  assert.match(code(() => withoutTenant(base, 'nobody')), /CONVEYOR_NOT_FOUND: Tenant nobody not found/);
  const removed = withoutTenant(base, 'acme');
  assert.deepEqual(Object.keys(removed.entries), ['ops']);
  assert.equal(removed.directory.byToken('acme-token'), null);
});

void test('stored entries: open only when tenants were never set up; an invalid entry is left out, the same way everywhere', () => {
  const skipped: string[] = [];
  const onSkip = (tenant: string, reason: string): void => void skipped.push(`${tenant}: ${reason}`);
  assert.equal(directoryFromEntries(new Map(), false, onSkip), null, 'a cluster that never had tenants is open');
  const emptied = directoryFromEntries(new Map(), true, onSkip);
  assert.ok(emptied !== null && emptied.tenants.size === 0, 'an emptied document stays closed: nobody authenticates');
  const entries = new Map([
    ['ops', JSON.stringify(base.ops)],
    ['acme', JSON.stringify(base.acme)],
    ['b-dup', JSON.stringify({ tokens: [ACME] })],
    ['broken', '{not json'],
    ['plain', JSON.stringify({ tokens: ['a-plaintext-token'] })],
  ]);
  const dir = directoryFromEntries(entries, true, onSkip);
  assert.deepEqual([...(dir?.tenants.keys() ?? [])].sort(), ['acme', 'ops']);
  assert.equal(dir?.byToken('acme-token')?.tenant, 'acme', 'acme (first by name) keeps its token; the later duplicate is the one left out');
  assert.deepEqual(skipped.map((s) => s.split(':')[0]).sort(), ['b-dup', 'broken', 'plain']);
  assert.ok(skipped.every((s) => !s.includes('a-plaintext-token')), 'reasons never repeat a credential');
});
