/** The console's shell: navigation, the sign-in form when the API asks for credentials, and the current view. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, onUnauthorized, setToken, token } from './api.ts';
import { ConnectorDetail } from './connector-detail.ts';
import { ConnectorForm } from './connector-form.ts';
import { ConnectorList } from './connector-list.ts';
import { useLiveFigures } from './live-figures.ts';
import { PluginList } from './plugin-list.ts';
import { href, useRoute } from './route.ts';
import { WorkerList } from './worker-list.ts';

function SignIn(props: { onDone: () => void }) {
  const [value, setValue] = useState('');
  const submit = (e: Event): void => {
    e.preventDefault();
    setToken(value.trim());
    props.onDone();
  };
  return html`<form class="card signin" onSubmit=${submit}>
    <h2>Sign in</h2>
    <p>This worker requires credentials. Paste your API token; it is kept in this browser tab only.</p>
    <label>Token <input name="token" type="password" autocomplete="off" value=${value} onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)} /></label>
    <button type="submit" class="primary">Sign in</button>
  </form>`;
}

interface Root {
  version: string;
  commit: string;
}

export function App() {
  const route = useRoute();
  const [needsToken, setNeedsToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [root, setRoot] = useState<Root | null>(null);
  useEffect(() => onUnauthorized(() => setNeedsToken(true)), []);
  useEffect(() => {
    getJson<Root>('/').then(setRoot, () => setRoot(null));
  }, [generation]);
  // Only the connector views show live figures; elsewhere /metrics is not scraped.
  const figures = useLiveFigures(!needsToken && (route.view === 'connectors' || route.view === 'connector'));
  const nav = (view: string, to: string, label: string) => html`<a href=${to} class=${route.view === view ? 'active' : ''}>${label}</a>`;
  const signOut = (): void => {
    setToken(null);
    setNeedsToken(true);
  };
  let body;
  if (needsToken) body = html`<${SignIn} onDone=${() => { setNeedsToken(false); setGeneration((g) => g + 1); }} />`;
  else if (route.view === 'connector') body = html`<${ConnectorDetail} key=${route.name} name=${route.name} figures=${figures} />`;
  else if (route.view === 'new') body = html`<${ConnectorForm} key="new" />`;
  else if (route.view === 'edit') body = html`<${ConnectorForm} key=${`edit-${route.name}`} name=${route.name} />`;
  else if (route.view === 'plugins') body = html`<${PluginList} />`;
  else if (route.view === 'workers') body = html`<${WorkerList} />`;
  else body = html`<${ConnectorList} figures=${figures} />`;
  return html`<header>
      <a class="brand" href=${href.connectors}>Conveyor</a>
      <nav>
        ${nav('connectors', href.connectors, 'Connectors')}
        ${nav('plugins', href.plugins, 'Plugins')}
        ${nav('workers', href.workers, 'Workers')}
      </nav>
      <span class="spacer"></span>
      ${root === null ? null : html`<span class="muted">v${root.version}</span>`}
      ${token() === null ? null : html`<button class="link" onClick=${signOut}>Sign out</button>`}
    </header>
    <main key=${generation}>${body}</main>`;
}
