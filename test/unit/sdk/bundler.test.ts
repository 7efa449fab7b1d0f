import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { buildPlugin, PluginBuildError } from '../../../sdk/bundler/build.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const sdk = resolve(import.meta.dirname, '../../../sdk/index.ts');

async function pkg(source: string, capabilities: string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-bundler-'));
  dirs.push(dir);
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'conveyor-plugin.json'), JSON.stringify({ name: 'demo', version: '0.0.1', entry: 'src/index.ts', capabilities }));
  await writeFile(join(dir, 'src', 'index.ts'), source.replaceAll('SDK', JSON.stringify(sdk)));
  return dir;
}

const okSource = `import { defineSink } from SDK;
export default defineSink({ className: 'DemoSink', aliases: ['org.demo.DemoSink'], config: [{ name: 'x', type: 'int', default: 1, importance: 'low', documentation: 'x' }], task: () => ({ start() {}, put() {}, stop() {} }) });`;

test('builds manifest.json plus one import-free file whose sha256 the manifest records', async () => {
  const dir = await pkg(okSource, ['http']);
  const { outDir, manifest } = await buildPlugin(dir);
  const code = await readFile(join(outDir, 'plugin.js'), 'utf8');
  assert.equal(manifest.code.sha256, createHash('sha256').update(code).digest('hex'));
  assert.deepEqual({ type: manifest.type, className: manifest.className, aliases: manifest.aliases, capabilities: manifest.capabilities }, { type: 'sink', className: 'DemoSink', aliases: ['org.demo.DemoSink'], capabilities: ['http'] });
  assert.equal(manifest.config[0]?.name, 'x');
  assert.doesNotMatch(code, /\bimport\b|\brequire\(/);
  assert.deepEqual(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')), manifest);
});

test('fails with a clear message when plugin code imports a Node built-in', async () => {
  const dir = await pkg(`import { readFileSync } from 'node:fs';\nimport os from 'os';\n${okSource}\nexport const f = [readFileSync, os];`);
  await assert.rejects(buildPlugin(dir), (err: unknown) => {
    assert.ok(err instanceof PluginBuildError);
    assert.match(err.message, /imports the Node built-in "node:fs"/);
    assert.match(err.message, /imports the Node built-in "os"/);
    assert.match(err.message, /use a capability/);
    return true;
  });
});

test('fails when the entry does not export a plugin definition or requests unknown capabilities', async () => {
  await assert.rejects(buildPlugin(await pkg('export default { hello: 1 };')), /plugin definition is invalid: plugin definition has no type source\|sink/);
  await assert.rejects(buildPlugin(await pkg(okSource, ['kernel'])), /unknown capabilities kernel/);
});
