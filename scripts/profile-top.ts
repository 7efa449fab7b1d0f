/**
 * Summarises V8 profiles: node scripts/profile-top.ts <file|dir> [N] [--merge] prints, per .cpuprofile, the N
 * functions with the most self time (default 25) and their share of the sampled time (--merge: summed over every
 * profile in the directory, e.g. one isolate's threads); per .heapprofile (bench --alloc-profile), the N functions
 * that allocated the most bytes themselves.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function over one or more CPU profiles (the threads of one isolate are summed with --merge). */
function top(label: string, files: string[], n: number): void {
  const self = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i] ?? -1);
      const dt = deltas[i] ?? 0;
      if (node === undefined) continue;
      total += dt;
      const name = frameName(node.callFrame);
      self.set(name, (self.get(name) ?? 0) + dt);
    }
  }
  process.stdout.write(`${label}: ${(total / 1e6).toFixed(1)} s sampled\n`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(`  ${((100 * us) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${name}\n`);
  }
}

interface HeapNode {
  callFrame: ProfileNode['callFrame'];
  selfSize: number;
  children: HeapNode[];
}

function frameName(f: ProfileNode['callFrame']): string {
  const where = f.url === '' ? '' : ` ${f.url.replace(/^.*\/(node_modules\/|host\/|sdk\/|plugins\/)/, '$1')}:${f.lineNumber + 1}`;
  return `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`;
}

function topAllocations(file: string, n: number): void {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const self = new Map<string, number>();
  let total = 0;
  const stack = [head];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    total += node.selfSize;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    stack.push(...node.children);
  }
  process.stdout.write(`${file}: ${(total / 1024 / 1024).toFixed(0)} MB allocated (sampled)\n`);
  for (const [name, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(`  ${((100 * bytes) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${(bytes / 1024 / 1024).toFixed(1).padStart(7)} MB  ${name}\n`);
  }
}

const args = process.argv.slice(2);
const merge = args.includes('--merge');
const [target, count] = args.filter((a) => a !== '--merge');
if (target === undefined) {
  process.stderr.write('usage: node scripts/profile-top.ts <file|dir> [N] [--merge]\n');
  process.exit(2);
}
const n = Number(count ?? 25);
const files = statSync(target).isDirectory() ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile') || f.endsWith('.heapprofile')).map((f) => join(target, f)) : [target];
const cpu = files.filter((f) => f.endsWith('.cpuprofile'));
if (merge) top(target, cpu, n);
else for (const f of cpu) top(f, [f], n);
for (const f of files.filter((f) => f.endsWith('.heapprofile'))) topAllocations(f, n);
