import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, withPrefix } from '../../../../host/connect/config/config-def.ts';
import type { ConfigDef } from '../../../../host/connect/config/config-def.ts';

const def: ConfigDef = [
  { name: 'b', type: 'BOOLEAN', default: false, importance: 'LOW', documentation: 'b' },
  { name: 'i', type: 'INT', default: 1, importance: 'LOW', documentation: 'i' },
  { name: 'l', type: 'LIST', default: [], importance: 'LOW', documentation: 'l' },
  { name: 's', type: 'STRING', importance: 'HIGH', documentation: 'needed', validValues: ['x', 'y'] },
];

void describe('parseConfig', () => {
  void it('converts strings, fills defaults and freezes', () => {
    const c = parseConfig(def, { b: ' TRUE ', i: '42', l: 'a, b ,c', s: 'x' }, { context: 'test' });
    assert.deepEqual(c, { b: true, i: 42, l: ['a', 'b', 'c'], s: 'x' });
    assert.ok(Object.isFrozen(c));
    assert.deepEqual(parseConfig(def, { s: 'y' }, { context: 'test' }), { b: false, i: 1, l: [], s: 'y' });
  });
  void it('names the key in every error', () => {
    const bad = (props: Record<string, unknown>, re: RegExp) =>
      assert.throws(() => parseConfig(def, props, { context: 'T', keyPrefix: 'p.' }), (e: Error & { code?: string }) => e.code === 'CONVEYOR_CONFIG_INVALID' && re.test(e.message));
    bad({}, /missing required configuration "p.s"/);
    bad({ s: 'z' }, /"p.s": must be one of x, y/);
    bad({ s: 'x', i: '1.5' }, /"p.i": expected an integer/);
    bad({ s: 'x', i: '3000000000' }, /"p.i": expected an integer between/);
    bad({ s: 'x', b: 'yes' }, /"p.b": expected true or false/);
    bad({ s: 'x', q: 1 }, /unknown configuration "p.q"; known keys are b, i, l, s/);
  });
  void it('extracts prefixed sub-configs', () => {
    assert.deepEqual(withPrefix({ 'a.b': 1, 'a.c.d': 2, x: 3 }, 'a.'), { b: 1, 'c.d': 2 });
  });
});
