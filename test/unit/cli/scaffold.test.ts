import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultSdkRange, invalidPluginName, writeScaffold } from '../../../host/cli/scaffold.ts';
import { pascalCase } from '../../../host/cli/scaffold-templates.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'conveyor-scaffold-'));
  dirs.push(d);
  return d;
}

test('a new project depends on the SDK it is given, names its class after the plugin and has its test and bundle scripts', async () => {
  const dir = join(await tempDir(), 'orders-feed');
  const files = await writeScaffold(dir, { name: 'orders-feed', type: 'sink', sdk: '^0.1.0' });
  assert.deepEqual(files.sort(), ['.gitignore', 'README.md', 'connector.properties', 'conveyor-plugin.json', 'package.json', 'src/index.ts', 'test/orders-feed.test.ts', 'tsconfig.json']);
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
  assert.deepEqual(pkg.dependencies, { '@conveyor/sdk': '^0.1.0' });
  assert.deepEqual(Object.keys(pkg.scripts), ['test', 'check', 'bundle']);
  assert.match(await readFile(join(dir, 'src/index.ts'), 'utf8'), /className: 'OrdersFeedSink'/);
  assert.match(await readFile(join(dir, 'connector.properties'), 'utf8'), /^connector\.class=OrdersFeedSink$/m);
  assert.match(await readFile(join(dir, 'test/orders-feed.test.ts'), 'utf8'), /from '@conveyor\/sdk\/testing'/);
});

test('refuses a non-empty directory and a name npm or the bundler would refuse', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'keep.txt'), 'mine');
  await assert.rejects(writeScaffold(dir, { name: 'x', type: 'source', sdk: '^0.1.0' }), /is not empty/);
  assert.equal(await readFile(join(dir, 'keep.txt'), 'utf8'), 'mine');
  assert.match(invalidPluginName('My Plugin') ?? '', /must be lowercase/);
  assert.equal(invalidPluginName('my.plugin-2'), null);
  await assert.rejects(writeScaffold(join(dir, 'new'), { name: '-x', type: 'source', sdk: '^0.1.0' }), /must be lowercase/);
});

test('the default SDK range is the workspace package version; class names are PascalCase', async () => {
  const sdk = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', '..', 'sdk', 'package.json'), 'utf8')) as { version: string };
  assert.equal(await defaultSdkRange(), `^${sdk.version}`);
  assert.equal(pascalCase('my-ticker.v2'), 'MyTickerV2');
});
