/** Server errors: a server going away is retriable (the CDC task reconnects); configuration problems are not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyServerError } from '../../../host/binlog/errors.ts';

const target = { host: '127.0.0.1', port: 3307, user: 'conveyor' };

test('a refused, lost or killed connection and a shutting-down server are retriable and say so', () => {
  for (const err of [{ code: 'ECONNREFUSED' }, { code: 'PROTOCOL_CONNECTION_LOST' }, { code: 'EPIPE' }, { errno: 1053, sqlMessage: 'Server shutdown in progress' }, { errno: 1927, sqlMessage: 'Connection was killed' }]) {
    const c = classifyServerError(err, target, 'reading the binlog');
    assert.equal(c.code, 'CONVEYOR_UNAVAILABLE', JSON.stringify(err));
    assert.equal(c.retriable, true, JSON.stringify(err));
    assert.match(c.message, /127\.0\.0\.1:3307 .*\(reading the binlog\)/);
  }
});

test('access, privilege and purged-position errors are configuration errors, not retried', () => {
  for (const errno of [1045, 1227, 1236, 1945]) {
    const c = classifyServerError({ errno, sqlMessage: 'x' }, target, 'reading the binlog');
    assert.equal(c.code, 'CONVEYOR_CONFIG_INVALID', String(errno));
    assert.equal(c.retriable, false, String(errno));
  }
  assert.equal(classifyServerError(new Error('odd'), target, 'x').retriable, false);
});
