/**
 * A JavaScript transform bundle for tests of sandboxed transforms, built with the SDK bundler like any third party's:
 * `mode` makes it misbehave (throw on some records, loop forever, allocate without end, return garbage).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildPlugin } from '../../sdk/bundler/build.ts';

const SDK = resolve(import.meta.dirname, '..', '..', 'sdk', 'index.ts');

const SOURCE = `import { defineTransform } from '${SDK}';

const config = [
  { name: 'mode', type: 'string', default: 'pass', importance: 'high', documentation: 'pass | throw-every | spin | oom | garbage | extra' },
  { name: 'every', type: 'int', default: 5, importance: 'low', documentation: 'throw-every: fail records whose "seq" is a multiple of this.' },
] as const;

function seqOf(value: unknown): number {
  try {
    return Number((JSON.parse(String(value)) as { seq?: unknown }).seq);
  } catch {
    return -1;
  }
}

export default defineTransform({
  className: 'HostileTransform',
  config,
  transform: () => {
    let mode = 'pass';
    let every = 5;
    return {
      start(ctx) {
        mode = ctx.config.mode;
        every = ctx.config.every;
      },
      apply(records) {
        if (mode === 'spin') for (;;) every++;
        if (mode === 'oom') {
          const hoard: string[][] = [];
          for (;;) hoard.push(new Array(1_000_000).fill('x'));
        }
        if (mode === 'garbage') return records.map(() => 42) as never;
        if (mode === 'extra') return [...records, ...records];
        if (mode === 'throw-every') {
          for (const r of records) if (seqOf(r.value) % every === 0) throw new Error('refusing record seq ' + seqOf(r.value));
        }
        return records.map((r) => ({ ...r, headers: { ...r.headers, transformed: 'hostile' } }));
      },
    };
  },
});
`;

/** Builds the bundle into <pluginDir>/hostile-transform; returns the bundle directory. */
export async function hostileTransformBundle(work: string, pluginDir: string): Promise<string> {
  const src = join(work, 'hostile-transform-src');
  await mkdir(join(src, 'src'), { recursive: true });
  await writeFile(join(src, 'conveyor-plugin.json'), JSON.stringify({ name: 'hostile-transform', version: '1.0.0', description: 'Misbehaves on request (tests).', entry: 'src/index.ts', capabilities: [] }));
  await writeFile(join(src, 'src', 'index.ts'), SOURCE);
  const { outDir } = await buildPlugin(src, join(pluginDir, 'hostile-transform'));
  return outDir;
}
