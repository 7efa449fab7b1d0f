/** The operator CLI's pieces without a worker: output formats and colours, contexts and where a command goes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextsPath, DEFAULT_URL, loadContexts, resolveTarget, setContext } from '../../../host/cli/ctl/contexts.ts';
import { CliError } from '../../../host/cli/ctl/errors.ts';
import { answerError } from '../../../host/cli/ctl/http-client.ts';
import { state, stdoutOut, table, toYaml } from '../../../host/cli/ctl/output.ts';

void test('tables align on the visible text; states are coloured only on a terminal without NO_COLOR', () => {
  const tty = { isTTY: true, write: () => true } as unknown as NodeJS.WriteStream;
  const pipe = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  assert.equal(stdoutOut('table', tty, {}).color, true);
  assert.equal(stdoutOut('table', tty, { NO_COLOR: '1' }).color, false);
  assert.equal(stdoutOut('table', tty, { TERM: 'dumb' }).color, false);
  assert.equal(stdoutOut('table', pipe, {}).color, false);
  assert.equal(state('FAILED', true), '\u001b[31mFAILED\u001b[0m');
  assert.equal(state('RUNNING', true), '\u001b[32mRUNNING\u001b[0m');
  assert.equal(state('RUNNING', false), 'RUNNING');
  assert.equal(table(['name', 'state', 'tasks'], [['a', state('RUNNING', true), '1'], ['longer', 'PAUSED', '']]),
    'NAME     STATE     TASKS\n' + `a        ${state('RUNNING', true)}   1\n` + 'longer   PAUSED\n');
});

void test('YAML: nested maps and lists; strings that would read as something else are quoted', () => {
  assert.equal(toYaml({ name: 'c', config: { 'tasks.max': '1', 'key.ignore': 'true', empty: '', url: 'http://x:1' }, tasks: [{ id: 0, state: 'RUNNING' }], topics: [], trace: null }),
    'name: c\nconfig:\n  tasks.max: "1"\n  key.ignore: "true"\n  empty: ""\n  url: "http://x:1"\ntasks:\n  - id: 0\n    state: RUNNING\ntopics: []\ntrace: null\n');
  assert.equal(toYaml([['a'], 'b']), '-\n  - a\n- b\n');
});

void test('contexts: set-context creates and changes; the first becomes current; flags, context, environment, default, in that order', () => {
  let data = setContext({ currentContext: null, contexts: {} }, 'dev', { url: 'http://dev:8083', token: 't' });
  assert.equal(data.currentContext, 'dev');
  data = setContext(data, 'prod', { url: 'https://prod:8443', caFile: '/ca.pem' });
  data = setContext(data, 'dev', { token: '' });
  assert.deepEqual(data, { currentContext: 'dev', contexts: { dev: { url: 'http://dev:8083' }, prod: { url: 'https://prod:8443', caFile: '/ca.pem' } } });
  assert.throws(() => setContext(data, 'new', {}), /give its --url/);
  assert.throws(() => setContext(data, 'x', { url: 'ftp://x' }), /only http and https/);
  assert.throws(() => setContext(data, 'bad name', { url: 'http://x' }), (e: unknown) => e instanceof CliError && e.exitCode === 2);

  assert.equal(resolveTarget(data, {}).url, 'http://dev:8083');
  assert.deepEqual(resolveTarget(data, { context: 'prod', token: 'flag' }), { url: 'https://prod:8443', caFile: '/ca.pem', token: 'flag', name: 'prod' });
  assert.deepEqual(resolveTarget({ currentContext: null, contexts: {} }, {}, { CONVEYOR_URL: 'http://env:1', CONVEYOR_TOKEN: 'e' }), { url: 'http://env:1', token: 'e', name: null });
  assert.equal(resolveTarget({ currentContext: null, contexts: {} }, {}, {}).url, DEFAULT_URL);
  assert.throws(() => resolveTarget(data, { context: 'nope' }), /no context named nope/);
});

void test('the contexts file lives under XDG_CONFIG_HOME (else ~/.config); a missing file is empty, a broken one an error', async () => {
  assert.equal(contextsPath({ XDG_CONFIG_HOME: '/x' }), '/x/conveyor/config.json');
  assert.match(contextsPath({}), /\/\.config\/conveyor\/config\.json$/);
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-ctl-'));
  try {
    assert.deepEqual(await loadContexts(join(dir, 'none.json')), { currentContext: null, contexts: {} });
    await writeFile(join(dir, 'broken.json'), '{');
    await assert.rejects(loadContexts(join(dir, 'broken.json')), /is not valid JSON/);
    await writeFile(join(dir, 'nourl.json'), JSON.stringify({ contexts: { a: {} } }));
    await assert.rejects(loadContexts(join(dir, 'nourl.json')), /context a has no url/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('a Kafka Connect error answer becomes its message and status', () => {
  assert.equal(answerError({ status: 409, body: { error_code: 409, message: 'Connector c already exists' } }).message, 'Connector c already exists (HTTP 409)');
  assert.equal(answerError({ status: 502, body: 'Bad Gateway' }).message, 'Bad Gateway (HTTP 502)');
  assert.equal(answerError({ status: 500, body: null }).exitCode, 1);
});
