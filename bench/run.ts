/**
 * Benchmark dispatcher: node --no-node-snapshot bench/run.ts <name> [--profile] runs bench/<name>.ts's main().
 * --profile re-runs the bench under --cpu-prof and has every sandbox process it starts do the same; the .cpuprofile
 * files land in .tmp/profiles/ (open them in Chrome DevTools, or summarise them with scripts/profile-top.ts).
 * --alloc-profile samples every allocation of the bench's own process, collected garbage included (V8's sampling heap
 * profiler), and writes .tmp/profiles/alloc-<name>-<time>.heapprofile: where the garbage a run churns comes from.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const BENCHES: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  sandbox: () => import('./sandbox.ts'),
  file: () => import('./file.ts'),
  cdc: () => import('./cdc.ts'),
  es: () => import('./es.ts'),
  failover: () => import('./failover.ts'),
  kafka: () => import('./kafka.ts'),
  density: () => import('./density.ts'),
  wasm: () => import('./wasm.ts'),
  soak: () => import('./soak.ts'),
};

const [name, ...rest] = process.argv.slice(2);
const load = name === undefined ? undefined : BENCHES[name];
if (load === undefined) {
  process.stderr.write(`usage: bench/run.ts <${Object.keys(BENCHES).join('|')}> [--profile] [args]\n`);
  process.exit(2);
}
if (rest.includes('--profile')) {
  const dir = resolve(import.meta.dirname, '..', '.tmp', 'profiles');
  mkdirSync(dir, { recursive: true });
  const args = rest.filter((a) => a !== '--profile');
  const child = spawnSync(process.execPath, [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${dir}`, import.meta.filename, name as string, ...args], {
    stdio: 'inherit',
    env: { ...process.env, CONVEYOR_SANDBOX_CPU_PROF_DIR: dir },
  });
  process.stderr.write(`profiles: ${dir}\n`);
  process.exit(child.status ?? 1);
}
if (rest.includes('--alloc-profile')) {
  const { allocationProfile } = await import('./alloc-profile.ts');
  const dir = resolve(import.meta.dirname, '..', '.tmp', 'profiles');
  mkdirSync(dir, { recursive: true });
  const file = await allocationProfile(join(dir, `alloc-${name as string}-${Date.now()}.heapprofile`), () => load().then((m) => m.main(rest.filter((a) => a !== '--alloc-profile'))));
  process.stderr.write(`allocation profile: ${file}\n`);
} else {
  await load().then((m) => m.main(rest));
}
