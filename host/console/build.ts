/**
 * The web console's assets, built by the worker itself: host/console/web/main.ts (Preact + htm) bundled by esbuild
 * into one script, kept in memory with its stylesheet and page. Nothing is committed or fetched at run time: a fresh
 * clone serves the console from its own sources, as the sandbox process's script is bundled on first use (child-entry.ts).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const WEB = join(import.meta.dirname, 'web');

export interface ConsoleAsset {
  readonly type: string;
  readonly body: Buffer;
  /** A strong validator of the body, for If-None-Match. */
  readonly etag: string;
}

/** Assets by their path under /ui/ ('' is the page). */
export type ConsoleAssets = ReadonlyMap<string, ConsoleAsset>;

function asset(type: string, body: Buffer): ConsoleAsset {
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

export async function buildConsole(): Promise<ConsoleAssets> {
  const result = await esbuild.build({
    entryPoints: [join(WEB, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const script = result.outputFiles[0]?.contents;
  if (script === undefined) throw new Error('console bundle is empty');
  const [page, style] = await Promise.all([readFile(join(WEB, 'index.html')), readFile(join(WEB, 'style.css'))]);
  return new Map([
    ['', asset('text/html; charset=utf-8', page)],
    ['app.js', asset('text/javascript; charset=utf-8', Buffer.from(script))],
    ['style.css', asset('text/css; charset=utf-8', style)],
  ]);
}
