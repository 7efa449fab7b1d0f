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
          const reason = e instanceof ApiError && e.status === 403 ? 'live figures need an admin token (GET /metrics)' : `live figures unavailable: ${e instanceof Error ? e.message : String(e)}`;
          setFigures({ state: 'unavailable', reason });
        },
      );
    };
    read();
    const timer = setInterval(read, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [enabled]);
  return figures;
}
