/**
 * GET /ui/: the web console. Its assets carry no data and need no credentials; the page (at /ui and /ui/) calls the
 * same REST API with the user's own token, so authentication, roles and tenancy apply to it as to any client. The
 * assets are built once per worker (build.ts), on the first request; requests wait for them.
 */
import { Router } from 'express';
import type { RequestHandler } from 'express';
import type { Logger } from '../core/logger.ts';
import { buildConsole } from './build.ts';
import type { ConsoleAssets } from './build.ts';

/** Everything the page loads comes from this worker; nothing may frame it. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `build` is the bundler (build.ts); a test may hand in another. */
export function consoleRouter(log: Logger, build: () => Promise<ConsoleAssets> = buildConsole): Router {
  // Built on the first request, not at start: a worker nobody opens the console of never runs the bundler.
  let built: Promise<ConsoleAssets | null> | null = null;
  const assets = (): Promise<ConsoleAssets | null> => {
    if (built !== null) return built;
    const started = Date.now();
    built = build().then(
      (a) => {
        log.info('web console built', { path: '/ui/', ms: Date.now() - started });
        return a;
      },
      (err: unknown) => {
        log.error('web console could not be built; /ui/ answers 503', { err: err instanceof Error ? err.message : String(err) });
        return null;
      },
    );
    return built;
  };
  const r = Router();
  const serve = (name: string): RequestHandler => async (req, res) => {
    const found = (await assets())?.get(name);
    if (found === undefined) {
      res.status(503).type('text/plain').send('The web console is not available on this worker (see its log).');
      return;
    }
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', found.etag);
    if (req.headers['if-none-match'] === found.etag) {
      res.status(304).end();
      return;
    }
    res.type(found.type).send(found.body);
  };
  // The page names its script and stylesheet by absolute path, so /ui and /ui/ both work.
  r.get('/ui', serve(''));
  r.get('/ui/app.js', serve('app.js'));
  r.get('/ui/style.css', serve('style.css'));
  return r;
}
