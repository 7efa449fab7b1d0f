/**
 * The plugin author's path, end to end and outside this repository: `npm pack` of @conveyor/sdk, `conveyor plugin
 * new` in an empty temp folder, `npm install` of the tarball there (dependencies from the registry), the project's
 * own test, type check and bundle, then the bundle loaded by the worker's plugin loader and run by `conveyor plugin run`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { sandboxInspector } from '../../../host/plugins/inspector.ts';
import { loadBundle } from '../../../host/plugins/loader.ts';
import { createSandboxPool } from '../../../host/sandbox/sandbox-pool.ts';
import type { SandboxCreator } from '../../../host/sandbox/sandbox-pool.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CONVEYOR = join(ROOT, 'bin', 'conveyor');

/** The environment of a project outside the repository: Node 24 first on PATH, no workspace source condition, no parent test runner. */
function outsideEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
  env['NODE_OPTIONS'] = (env['NODE_OPTIONS'] ?? '').replace('--conditions=@conveyor/source', '').trim();
  // Set by this test runner for its children; the project's own `node --test` would report to it instead of printing.
  delete env['NODE_TEST_CONTEXT'];
  return env;
}

async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, env: outsideEnv(), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

let work: string;
let tarball: string;
let pool: SandboxCreator;
const log = createJsonLogger({ write: () => undefined });

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'conveyor-plugin-kit-'));
  const packed = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', work], join(ROOT, 'sdk'))) as { filename: string; files: { path: string }[] }[];
  const first = packed[0];
  assert.ok(first, 'npm pack reported its tarball');
  tarball = join(work, first.filename);
  pool = createSandboxPool({ processes: 1, log });
});

after(async () => {
  await pool.destroy();
  await rm(work, { recursive: true, force: true });
});

test('the SDK tarball ships built JavaScript with declarations, the sources for the bundler, and no tests or build scripts', async () => {
  const files = (await sh('tar', ['-tzf', tarball], work)).split('\n').filter(Boolean);
  for (const f of ['package/package.json', 'package/README.md', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/testing.js', 'package/dist/bundler/cli.js', 'package/index.ts']) {
    assert.ok(files.includes(f), `${f} is in the tarball: ${files.join(', ')}`);
  }
  assert.ok(!files.some((f) => f.includes('scripts/') || f.includes('tsconfig') || f.includes('.test.')), files.join(', '));
  const pkg = JSON.parse(await sh('tar', ['-xzOf', tarball, 'package/package.json'], work)) as { name: string; exports: Record<string, Record<string, string>> };
  assert.equal(pkg.name, '@conveyor/sdk');
  assert.equal(pkg.exports['.']?.['default'], './dist/index.js');
});

for (const type of ['source', 'sink'] as const) {
  test(`a scaffolded ${type} installs the packed SDK outside the repository, passes its test and type check, and bundles into a loadable plugin`, async () => {
    const name = `my-${type}`;
    const project = join(work, name);
    const made = await sh(CONVEYOR, ['plugin', 'new', name, `--${type}`, '--dir', project, '--sdk', `file:${tarball}`], work);
    assert.match(made, /wrote 8 files/);
    await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project);

    const tested = await sh('npm', ['test'], project);
    assert.match(tested, /[#ℹ] pass 2\b/);
    assert.match(tested, /[#ℹ] fail 0\b/);
    await sh('npm', ['run', 'check'], project);
    await sh('npm', ['run', 'bundle'], project);

    const loaded = await loadBundle(join(project, 'bundle'), sandboxInspector(pool, log));
    const cls = type === 'source' ? 'MySourceSource' : 'MySinkSink';
    assert.deepEqual({ name: loaded.manifest.name, type: loaded.manifest.type, className: loaded.manifest.className }, { name, type, className: cls });
    assert.deepEqual(
      loaded.manifest.config.map((k) => k.name),
      type === 'source' ? ['topic', 'interval.ms', 'message', 'uppercase'] : ['topics', 'log.every'],
    );
  });
}

test('conveyor plugin run runs the scaffolded source in the sandbox, records to a file', async () => {
  const project = join(work, 'my-source');
  const out = join(work, 'records.jsonl');
  const props = join(project, 'connector.properties');
  await sh('bash', ['-c', `printf 'interval.ms=0\\nuppercase=true\\n' >> ${JSON.stringify(props)}`], work);
  const logs = await sh(CONVEYOR, ['plugin', 'run', project, '--config', props, '--out', out, '--max-records', '3'], work);
  const records = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { topic: string; value: unknown; sourceOffset: unknown });
  assert.deepEqual(records.map((r) => [r.topic, r.value, r.sourceOffset]), [1, 2, 3].map((seq) => ['my-source', { seq, message: 'HELLO' }, { seq }]));
  assert.match(logs, /"msg":"my-source started"/);
  assert.match(logs, /"msg":"plugin run ended"/);
});

test('conveyor plugin run feeds the scaffolded sink from a JSON-lines file and ends once every record is committed', async () => {
  const project = join(work, 'my-sink');
  const input = join(work, 'input.jsonl');
  const props = join(work, 'sink.properties');
  const lines = [1, 2, 3].map((n) => JSON.stringify({ topic: 'my-sink', value: { n } })).concat(JSON.stringify({ topic: 'elsewhere', value: 0 }));
  await writeFile(input, lines.join('\n') + '\n');
  await writeFile(props, 'name=my-sink\ntopics=my-sink\nlog.every=2\n');
  const logs = await sh(CONVEYOR, ['plugin', 'run', project, '--config', props, '--in', input], work);
  assert.match(logs, /"msg":"my-sink totals".*"pluginFields":\{"records":3\}/);
  assert.match(logs, /"msg":"plugin run ended".*"records":3,"failed":false/);
});
