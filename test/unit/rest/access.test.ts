/** What each role may do (host/rest/access.ts allowed): the tenants document and the audit trail are admins' alone. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowed } from '../../../host/rest/access.ts';
import type { Identity, Role } from '../../../host/tenants/directory.ts';

const as = (role: Role): Identity => ({ name: role, tenant: 't', role, via: 'token' });

void test('only admins read or change /admin/tenants and /admin/audit', () => {
  for (const [method, path] of [['GET', '/admin/tenants'], ['GET', '/admin/tenants/acme'], ['PUT', '/admin/tenants/acme'], ['DELETE', '/admin/tenants/acme'], ['GET', '/admin/audit']] as const) {
    assert.equal(allowed(as('admin'), method, path), true, `admin ${method} ${path}`);
    assert.equal(allowed(as('operator'), method, path), false, `operator ${method} ${path}`);
    assert.equal(allowed(as('viewer'), method, path), false, `viewer ${method} ${path}`);
  }
});

void test('viewers read, operators manage connectors; neither changes loggers', () => {
  assert.equal(allowed(as('viewer'), 'GET', '/connectors'), true);
  assert.equal(allowed(as('viewer'), 'GET', '/admin/loggers'), true);
  assert.equal(allowed(as('viewer'), 'POST', '/connectors'), false);
  assert.equal(allowed(as('operator'), 'POST', '/connectors'), true);
  assert.equal(allowed(as('operator'), 'PUT', '/admin/loggers/root'), false);
  assert.equal(allowed(as('operator'), 'GET', '/admin/tenantsX'), true, 'a path that only starts like one is an ordinary read (and 404s)');
});
