import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig, validateConfig } from '../../../sdk/config.ts';
import type { ConfigDefinition } from '../../../sdk/config.ts';
import type { Password } from '../../../sdk/password.ts';

const def: ConfigDefinition = [
  { name: 'topic', type: 'string', importance: 'high', documentation: 'Topic.', validators: [{ kind: 'nonEmpty' }] },
  { name: 'rate', type: 'double', default: 0, importance: 'medium', documentation: 'Rate.', validators: [{ kind: 'range', min: 0 }] },
  { name: 'size', type: 'int', default: '100', importance: 'low', documentation: 'Size.' },
  { name: 'mode', type: 'string', default: 'a', importance: 'low', documentation: 'Mode.', validators: [{ kind: 'oneOf', values: ['a', 'b'] }], recommendedValues: ['a', 'b'] },
  { name: 'tables', type: 'list', default: [], importance: 'low', documentation: 'Tables.' },
  { name: 'on', type: 'boolean', default: false, importance: 'low', documentation: 'Flag.' },
  { name: 'secret.password', type: 'password', default: null, importance: 'low', documentation: 'Secret.' },
];

test('parses typed values and applies defaults', () => {
  const c = parseConfig(def, { topic: 't', rate: '2.5', tables: 'a, b', on: 'TRUE', 'secret.password': 'x' });
  assert.deepEqual({ ...c, 'secret.password': (c['secret.password'] as Password | null)?.value() }, { topic: 't', rate: 2.5, size: 100, mode: 'a', tables: ['a', 'b'], on: true, 'secret.password': 'x' });
  assert.ok(Object.isFrozen(c));
});

test('reports every problem in Kafka Connect wording', () => {
  const reports = validateConfig(def, { rate: '-1', size: '1.5', mode: 'c', on: 'yes', 'secret.password': 'hunter2' });
  const errors = Object.fromEntries(reports.map((r) => [r.name, r.errors]));
  assert.deepEqual(errors['topic'], ['Missing required configuration "topic" which has no default value.']);
  assert.deepEqual(errors['rate'], ['Invalid value -1 for configuration rate: Value must be at least 0']);
  assert.deepEqual(errors['size'], ['Invalid value 1.5 for configuration size: Not a number of type INT']);
  assert.deepEqual(errors['mode'], ['Invalid value c for configuration mode: String must be one of: a, b']);
  assert.deepEqual(errors['on'], ['Invalid value yes for configuration on: Expected value to be either true or false']);
  assert.equal(reports.find((r) => r.name === 'secret.password')?.value, '[hidden]');
  assert.deepEqual(reports.find((r) => r.name === 'mode')?.recommended_values, ['a', 'b']);
  assert.throws(() => parseConfig(def, {}), /Missing required configuration "topic"/);
});
