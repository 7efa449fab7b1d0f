import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { defineSink, isPassword, parseConfig, Password, validateConfig } from '../../../sdk/index.ts';
import type { TaskContext } from '../../../sdk/index.ts';
import { createTaskHarness } from '../../../sdk/testing.ts';

const config = [
  { name: 'url', type: 'string', importance: 'high', documentation: 'Where.' },
  { name: 'enabled', type: 'boolean', default: true, importance: 'low', documentation: 'On.' },
  { name: 'topics', type: 'list', default: [], importance: 'low', documentation: 'Topics.' },
  { name: 'batch.size', type: 'int', default: '10', importance: 'low', documentation: 'Size.' },
  { name: 'secret', type: 'password', default: null, importance: 'low', documentation: 'Secret.', validators: [{ kind: 'pattern', regex: '^[a-z]+$' }] },
] as const;

test('parseConfig types each key from an as-const definition: booleans, lists, numbers, passwords, null defaults', () => {
  const c = parseConfig(config, { url: 'http://x', enabled: 'false', topics: 'a, b', secret: 'hunter' });
  // These assignments are the compile-time half of the test: tsc fails if ctx.config loses its types.
  const url: string = c.url;
  const enabled: boolean = c.enabled;
  const topics: readonly string[] = c.topics;
  const size: number = c['batch.size'];
  const secret: Password | null = c.secret;
  // @ts-expect-error a key the definition does not declare
  void c.missing;
  assert.deepEqual({ url, enabled, topics, size }, { url: 'http://x', enabled: false, topics: ['a', 'b'], size: 10 });
  assert.ok(secret !== null && isPassword(secret));
  assert.equal(secret.value(), 'hunter');
  assert.equal(parseConfig(config, { url: 'u' }).secret, null);
});

test('a password never shows its value: String, JSON, template literals, inspect, validation messages', () => {
  const c = parseConfig(config, { url: 'u', secret: 'hunter' });
  const shown = [String(c.secret), JSON.stringify(c), `${String(c.secret)}`, inspect(c), inspect(c.secret), `${c.secret as unknown as string}`];
  for (const s of shown) assert.doesNotMatch(s, /hunter/);
  assert.match(JSON.stringify(c), /"secret":"\[hidden\]"/);
  const [, , , , report] = validateConfig(config, { url: 'u', secret: 'Hunter2' });
  assert.equal(report?.value, '[hidden]');
  assert.equal(report?.errors.length, 1);
  assert.doesNotMatch(report?.errors[0] ?? '', /Hunter2/);
  assert.equal(new Password('x').toString(), Password.HIDDEN);
});

test('a task receives the typed config through the harness', async () => {
  const seen: unknown[] = [];
  const plugin = defineSink({
    className: 'TypedSink',
    config,
    task: () => ({
      start(ctx: TaskContext<typeof config>) {
        const flags: [boolean, number, readonly string[]] = [ctx.config.enabled, ctx.config['batch.size'], ctx.config.topics];
        seen.push(flags, ctx.config.secret?.value());
      },
      put() {},
      stop() {},
    }),
  });
  const h = createTaskHarness(plugin, { config: { url: 'u', enabled: 'true', 'batch.size': '3', topics: 'x', secret: 'abc' } });
  await h.start();
  await h.stop();
  assert.deepEqual(seen, [[true, 3, ['x']], 'abc']);
});
