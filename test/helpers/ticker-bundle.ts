/** The worker tests' ticker fixture plugin, renamed, built and packed as a .tgz bundle (what PUT /plugins/{name} takes). */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildPlugin } from '../../sdk/bundler/build.ts';

const FIXTURE = join(import.meta.dirname, '..', 'integration', 'worker', 'fixture-plugin');
const SDK = `${join(import.meta.dirname, '..', '..', 'sdk')}/`;

export async function tickerBundle(work: string, name: string, className: string): Promise<Buffer> {
  const staged = join(work, `${name}-src`);
  await promisify(execFile)('cp', ['-r', FIXTURE, staged]);
  const manifest = JSON.parse(await readFile(join(staged, 'conveyor-plugin.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(staged, 'conveyor-plugin.json'), JSON.stringify({ ...manifest, name }));
  const code = await readFile(join(staged, 'src', 'index.ts'), 'utf8');
  await writeFile(join(staged, 'src', 'index.ts'), code.replaceAll('../../../../../sdk/', SDK).replace("className: 'TickerSource'", `className: '${className}'`));
  await buildPlugin(staged, join(work, `${name}-out`, name));
  const archive = join(work, `${name}.tgz`);
  await promisify(execFile)('tar', ['czf', archive, '-C', join(work, `${name}-out`), name]);
  return readFile(archive);
}
