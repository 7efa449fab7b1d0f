/** The console's views are named by the URL fragment (#/connectors/x), so a reload or a shared link shows the same view. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'connectors' }
  | { view: 'connector'; name: string }
  | { view: 'new' }
  | { view: 'edit'; name: string }
  | { view: 'plugins' }
  | { view: 'workers' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((p) => decodeURIComponent(p));
  const [first, second, third] = parts;
  if (first === 'connectors' && second === 'new') return { view: 'new' };
  if (first === 'connectors' && second !== undefined && second !== '') return third === 'edit' ? { view: 'edit', name: second } : { view: 'connector', name: second };
  if (first === 'plugins') return { view: 'plugins' };
  if (first === 'workers') return { view: 'workers' };
  return { view: 'connectors' };
}

export const href = {
  connectors: '#/connectors',
  connector: (name: string): string => `#/connectors/${encodeURIComponent(name)}`,
  edit: (name: string): string => `#/connectors/${encodeURIComponent(name)}/edit`,
  create: '#/connectors/new',
  plugins: '#/plugins',
  workers: '#/workers',
};

export function go(to: string): void {
  location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
