/** The console's view of this worker's /metrics: the last two scrapes (for rates), or why there are none. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getText } from './api.ts';
import { scrape } from './figures.ts';
import type { Scrape } from './figures.ts';
import { POLL_MS } from './poll.ts';

export type LiveFigures =
  | { state: 'loading' }
  | { state: 'ok'; prev: Scrape | null; last: Scrape }
  | { state: 'unavailable'; reason: string };

export function useLiveFigures(enabled: boolean): LiveFigures {
  const [figures, setFigures] = useState<LiveFigures>({ state: 'loading' });
  useEffect(() => {
    if (!enabled) return undefined;
    let stopped = false;
    const read = (): void => {
      getText('/metrics').then(
        (text) => {
          if (stopped) return;
          const next = scrape(text, Date.now());
          setFigures((f) => ({ state: 'ok', prev: f.state === 'ok' ? f.last : null, last: next }));
        },
        (e: unknown) => {
          if (stopped) return;
          const forbidden = e instanceof ApiError && e.status === 403;
          // A refusal will not change while this token is in use: stop asking.
          if (forbidden) clearInterval(timer);
          setFigures({ state: 'unavailable', reason: forbidden ? 'live figures need an admin token (GET /metrics)' : `live figures unavailable: ${e instanceof Error ? e.message : String(e)}` });
        },
      );
    };
    const timer = setInterval(read, POLL_MS);
    read();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [enabled]);
  return figures;
}
