/** `conveyor plugin new`: writes a plugin project into a new (or empty) directory. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { scaffoldFiles } from './scaffold-templates.ts';
import type { ScaffoldInput } from './scaffold-templates.ts';

const SDK_PACKAGE_JSON = resolve(import.meta.dirname, '..', '..', 'sdk', 'package.json');

/** `^<version>` of the SDK in this checkout: what a new project depends on unless told otherwise. */
export async function defaultSdkRange(): Promise<string> {
  const pkg = JSON.parse(await readFile(SDK_PACKAGE_JSON, 'utf8')) as { version: string };
  return `^${pkg.version}`;
}

/** Why a plugin name is unusable, or null: it names the npm package and the bundle, so npm's and the bundler's rules. */
export function invalidPluginName(name: string): string | null {
  return /^[a-z0-9][a-z0-9._-]*$/.test(name) && name.length <= 214 ? null : `plugin name ${JSON.stringify(name)} must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit`;
}

/** Writes the project; refuses a directory that exists and is not empty. Returns the files written (relative paths). */
export async function writeScaffold(dir: string, input: ScaffoldInput): Promise<string[]> {
  const problem = invalidPluginName(input.name);
  if (problem !== null) throw new Error(problem);
  const existing = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (existing.length > 0) throw new Error(`${dir} is not empty; choose another --dir`);
  const files = scaffoldFiles(input);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text, { flag: 'wx' });
  }
  return Object.keys(files);
}
