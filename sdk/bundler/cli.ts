/** conveyor-bundle <plugin-dir> [--out <dir>]: builds a plugin bundle. Exit code 1 with a clear message on failure. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlugin, PluginBuildError } from './build.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', short: 'o' } } });
const dir = positionals[0];
if (dir === undefined) {
  process.stderr.write('usage: node --no-node-snapshot sdk/bundler/cli.ts <plugin-dir> [--out <bundle-dir>]\n');
  process.exit(2);
}
try {
  const { outDir, manifest } = await buildPlugin(resolve(dir), values.out === undefined ? undefined : resolve(values.out));
  process.stdout.write(`built ${manifest.name}@${manifest.version} (${manifest.type}, ${manifest.className}) → ${outDir}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof PluginBuildError ? err.message : String((err as Error).stack ?? err)}\n`);
  process.exit(1);
}
