/** Bundles the trusted bootstrap into a script whose completion value is { dispatch, settle }. */
import { join } from 'node:path';
import * as esbuild from 'esbuild';

let cached: string | null = null;

export function bootstrapSource(): string {
  if (cached !== null) return cached;
  const result = esbuild.buildSync({
    entryPoints: [join(import.meta.dirname, 'bootstrap.ts')],
    bundle: true,
    format: 'iife',
    globalName: '__conveyorBoot',
    platform: 'neutral',
    target: 'es2023',
    write: false,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('bootstrap bundle is empty');
  // Wrapping keeps __conveyorBoot a local of the wrapper instead of a global the plugin could reach.
  cached = `(function () {\n${text}\nreturn __conveyorBoot.entry;\n})()`;
  return cached;
}
