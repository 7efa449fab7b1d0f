/** Reads that refresh themselves: the console polls the API every couple of seconds while a view is shown. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export const POLL_MS = 2000;

export interface Polled<T> {
  data: T | undefined;
  error: Error | null;
  /** Reads again now (after a change the user made). */
  refresh: () => void;
}

export function usePoll<T>(read: () => Promise<T>, deps: readonly unknown[], everyMs = POLL_MS): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const readRef = useRef(read);
  readRef.current = read;
  const tick = useRef(0);
  const run = useCallback(() => {
    const mine = ++tick.current;
    readRef.current().then(
      (v) => {
        if (mine !== tick.current) return;
        setData(v);
        setError(null);
      },
      (e: unknown) => {
        if (mine !== tick.current) return;
        setError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  }, []);
  useEffect(() => {
    setData(undefined);
    run();
    if (everyMs <= 0) return undefined;
    const timer = setInterval(run, everyMs);
    return () => {
      clearInterval(timer);
      tick.current++;
    };
  }, deps);
  return { data, error, refresh: run };
}
