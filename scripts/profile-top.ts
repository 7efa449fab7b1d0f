/**
 * Summarises V8 .cpuprofile files: node scripts/profile-top.ts <file|dir> [N] prints, per profile, the N functions
 * with the most self time (default 25) and their share of the sampled time.
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

function top(file: string, n: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] ?? -1);
    const dt = deltas[i] ?? 0;
    if (node === undefined) continue;
    total += dt;
    const f = node.callFrame;
    const where = f.url === '' ? '' : ` ${f.url.replace(/^.*\/(node_modules\/|host\/|sdk\/|plugins\/)/, '$1')}:${f.lineNumber + 1}`;
    const name = `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`;
    self.set(name, (self.get(name) ?? 0) + dt);
  }
  process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(`  ${((100 * us) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${name}\n`);
  }
}

const [target, count] = process.argv.slice(2);
if (target === undefined) {
  process.stderr.write('usage: node scripts/profile-top.ts <file.cpuprofile|dir> [N]\n');
  process.exit(2);
}
const n = Number(count ?? 25);
const files = statSync(target).isDirectory() ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f)) : [target];
for (const f of files) top(f, n);
