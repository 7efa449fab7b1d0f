/**
 * A real browser for the web console's tests: Debian's chromium (installed by scripts/chromium.sh when missing)
 * driven by playwright-core, headless, with a fresh profile per launch. Screenshots go to .tmp/screenshots/<suite>/
 * (git-ignored), kept after the run as the test's artifacts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHROMIUM = process.env['CONVEYOR_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a headless chromium that may run as root and talks to nothing but the pages it is sent to. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the page requested, to check nothing left the worker's origin. */
  readonly requested: string[];
  /** Saves a full-page PNG as .tmp/screenshots/<suite>/<name>.png and answers its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

function ensureChromium(): string {
  if (!existsSync(CHROMIUM)) execFileSync('bash', [join(ROOT, 'scripts/chromium.sh')], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CONVEYOR_CHROMIUM: CHROMIUM } });
  return CHROMIUM;
}

export async function launchBrowser(suite: string): Promise<TestBrowser> {
  const executablePath = ensureChromium();
  const profile = await mkdtemp(join(tmpdir(), 'conveyor-chromium-'));
  const shots = join(ROOT, '.tmp', 'screenshots', suite);
  await mkdir(shots, { recursive: true });
  // A persistent context is how Playwright takes a --user-data-dir: here a new, empty one per launch.
  const context = await chromium.launchPersistentContext(profile, { executablePath, args: ARGS, headless: true, viewport: { width: 1280, height: 860 } });
  const page = context.pages()[0] ?? (await context.newPage());
  const requested: string[] = [];
  page.on('request', (r) => void requested.push(r.url()));
  return {
    context,
    page,
    requested,
    async screenshot(name) {
      const path = join(shots, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
