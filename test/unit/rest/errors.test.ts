import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConveyorError, ErrorCode } from '../../../host/core/errors.ts';
import { HTTP_STATUS, statusFor } from '../../../host/rest/errors.ts';

test('every error code has exactly one HTTP status', () => {
  assert.deepEqual(Object.keys(HTTP_STATUS).sort(), Object.values(ErrorCode).sort());
  for (const s of Object.values(HTTP_STATUS)) assert.ok(s >= 400 && s < 600);
});

test('status follows the code; foreign client errors keep theirs; the rest is 500', () => {
  assert.equal(statusFor(new ConveyorError(ErrorCode.notFound, 'x')), 404);
  assert.equal(statusFor(new ConveyorError(ErrorCode.conflict, 'x')), 409);
  assert.equal(statusFor(new ConveyorError(ErrorCode.configInvalid, 'x')), 400);
  assert.equal(statusFor(Object.assign(new Error('bad json'), { status: 400 })), 400);
  assert.equal(statusFor(new TypeError('boom')), 500);
});
