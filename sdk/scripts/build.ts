/**
 * Builds what the published package ships (dist/: JavaScript plus declarations) from the TypeScript sources; run by
 * `npm pack` / `npm publish` (prepack). Inside this repository nothing needs it: workspaces resolve the sources
 * through the `@conveyor/source` export condition.
 */
import { spawnSync } from 'node:child_process';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** Every file under dir whose name ends with suffix. */
async function filesEndingWith(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesEndingWith(p, suffix)));
    else if (e.name.endsWith(suffix)) out.push(p);
  }
  return out;
}

await rm(dist, { recursive: true, force: true });
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (run.status !== 0) {
  process.stderr.write('@conveyor/sdk: tsc failed\n');
  process.exit(1);
}
// tsc rewrites relative `.ts` specifiers in JavaScript but keeps them in declarations; consumers without
// allowImportingTsExtensions need `.js` there too.
for (const file of await filesEndingWith(dist, '.d.ts')) {
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
}
await chmod(join(dist, 'bundler', 'cli.js'), 0o755);
