/**
 * Allocation sampling for `npm run bench -- <name> --alloc-profile`: V8's sampling heap profiler over the whole run,
 * keeping samples of objects that minor and major GCs collected, so the profile shows where garbage comes from (not
 * only what is still alive at the end). Summarise it with scripts/profile-top.ts.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

export async function allocationProfile(file: string, run: () => Promise<void>): Promise<string> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  try {
    await run();
  } finally {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
  }
  return file;
}
