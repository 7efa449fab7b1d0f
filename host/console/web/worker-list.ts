/**
 * Who holds what: the workers named in connector and task statuses, each with the connectors and tasks it runs.
 * In distributed mode these are the cluster's workers with assignments; a standalone worker shows itself.
 */
import { html } from 'htm/preact';
import { getJson } from './api.ts';
import type { ExpandedConnectors } from './api.ts';
import { StateBadge } from './actions.ts';
import { usePoll } from './poll.ts';
import { href } from './route.ts';

interface Held {
  connectors: { name: string; state: string }[];
  tasks: { name: string; id: number; state: string }[];
}

export function holdings(all: ExpandedConnectors): Map<string, Held> {
  const by = new Map<string, Held>();
  const of = (worker: string): Held => {
    let h = by.get(worker);
    if (h === undefined) {
      h = { connectors: [], tasks: [] };
      by.set(worker, h);
    }
    return h;
  };
  for (const [name, c] of Object.entries(all)) {
    const s = c.status;
    if (s === undefined) continue;
    if (s.connector.worker_id !== '') of(s.connector.worker_id).connectors.push({ name, state: s.connector.state });
    for (const t of s.tasks) if (t.worker_id !== '') of(t.worker_id).tasks.push({ name, id: t.id, state: t.state });
  }
  return by;
}

export function WorkerList() {
  const p = usePoll(() => getJson<ExpandedConnectors>('/connectors?expand=status'), []);
  if (p.error !== null && p.data === undefined) return html`<section><h1>Workers</h1><p class="error" role="alert">${p.error.message}</p></section>`;
  if (p.data === undefined) return html`<section><h1>Workers</h1><p class="muted">Loading…</p></section>`;
  const workers = [...holdings(p.data)].sort(([a], [b]) => (a < b ? -1 : 1));
  return html`<section>
    <h1>Workers</h1>
    ${workers.length === 0 ? html`<p class="muted">No worker holds a connector yet.</p>` : null}
    <div class="workers">${workers.map(([id, h]) => html`<div class="card worker" key=${id} data-worker=${id}>
      <h2>${id}</h2>
      <p class="muted">${h.connectors.length} connector${h.connectors.length === 1 ? '' : 's'}, ${h.tasks.length} task${h.tasks.length === 1 ? '' : 's'}</p>
      <ul>
        ${h.connectors.map((c) => html`<li key=${`c-${c.name}`}><span class="muted">connector</span> <a href=${href.connector(c.name)}>${c.name}</a> <${StateBadge} state=${c.state} /></li>`)}
        ${h.tasks.map((t) => html`<li key=${`t-${t.name}-${t.id}`}><span class="muted">task</span> <a href=${href.connector(t.name)}>${t.name}-${t.id}</a> <${StateBadge} state=${t.state} /></li>`)}
      </ul>
    </div>`)}</div>
  </section>`;
}
