/**
 * `npm run bench -- <name> --profile` sets CONVEYOR_SANDBOX_CPU_PROF_DIR: the sandbox process's own --cpu-prof does
 * not see guest code (each isolate is a V8 isolate of its own), so every task's isolate is profiled too. isolated-vm
 * runs an isolate on whichever pool thread is free and reports one profile per thread: they are written to
 * isolate-<task>-<pid>/thread-<n>.cpuprofile when the task is disposed (`node scripts/profile-top.ts <dir> --merge`
 * sums them). Profiling every isolate slows the sandbox several times over: read shares, not rates, from such a run.
 * CONVEYOR_SANDBOX_ISOLATE_PROF=0 leaves the isolates out (process profiles only, at nearly full speed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type ivm from 'isolated-vm';

const DIR = process.env.CONVEYOR_SANDBOX_ISOLATE_PROF === '0' ? undefined : process.env.CONVEYOR_SANDBOX_CPU_PROF_DIR;
const TITLE = 'task';

export function startIsolateProfile(isolate: ivm.Isolate): void {
  if (DIR !== undefined && DIR !== '') isolate.startCpuProfiler(TITLE);
}

/** Disposes the isolate, first writing its profile when one runs. */
export function disposeProfiled(isolate: ivm.Isolate, taskKey: string): void {
  if (DIR === undefined || DIR === '') {
    isolate.dispose();
    return;
  }
  const dir = join(DIR, `isolate-${taskKey.replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}`);
  isolate
    .stopCpuProfiler(TITLE)
    .then(async (threads) => {
      await mkdir(dir, { recursive: true });
      await Promise.all(threads.map((t, i) => writeFile(join(dir, `thread-${i}.cpuprofile`), JSON.stringify(t.profile))));
    })
    .catch(() => undefined)
    .finally(() => {
      if (!isolate.isDisposed) isolate.dispose();
    });
}
