/**
 * GET /ui/: the console's page, script and stylesheet from the bundle built with the router (the real esbuild build),
 * with a policy that allows only this origin and validators for revalidation; 503 when the bundle could not be built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Router } from 'express';
import { consoleRouter } from '../../../host/console/router.ts';
import { createJsonLogger } from '../../../host/core/logger.ts';

async function serve(router: Router, fn: (url: string) => Promise<void>): Promise<void> {
  const app = express();
  app.use(router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

void test('the console is served from the worker: page, script, stylesheet, CSP, ETag', async () => {
  const lines: string[] = [];
  const log = createJsonLogger({ level: 'info', write: (l) => void lines.push(l) });
  await serve(consoleRouter(log), async (url) => {
    for (const path of ['/ui', '/ui/']) {
      const page = await fetch(url + path);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'; style-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/);
      assert.match(await page.text(), /<script type="module" src="\/ui\/app\.js"><\/script>/);
    }
    const script = await fetch(`${url}/ui/app.js`);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    const js = await script.text();
    assert.ok(js.length > 1000);
    // The only absolute URLs in the bundle are Preact's XML namespace names (SVG, MathML): it loads nothing from elsewhere.
    const urls = new Set([...js.matchAll(/https?:\/\/[^"'\s]+/g)].map((m) => m[0]));
    assert.deepEqual([...urls].filter((u) => !u.startsWith('http://www.w3.org/')), []);
    const etag = script.headers.get('etag');
    assert.ok(etag !== null);
    assert.equal((await fetch(`${url}/ui/app.js`, { headers: { 'if-none-match': etag } })).status, 304);
    assert.match((await fetch(`${url}/ui/style.css`)).headers.get('content-type') ?? '', /^text\/css/);
    assert.equal((await fetch(`${url}/ui/other.js`)).status, 404);
  });
  assert.ok(lines.some((l) => l.includes('web console built')));
});

void test('a console that could not be built answers 503 and says why in the log', async () => {
  const lines: string[] = [];
  const log = createJsonLogger({ level: 'info', write: (l) => void lines.push(l) });
  await serve(consoleRouter(log, () => Promise.reject(new Error('esbuild is not installed'))), async (url) => {
    const res = await fetch(`${url}/ui/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /not available on this worker/);
  });
  assert.ok(lines.some((l) => l.includes('web console could not be built') && l.includes('esbuild is not installed')));
});
