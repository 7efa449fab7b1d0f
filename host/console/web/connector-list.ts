/** Connectors with their state, tasks and live throughput; the console's first view. */
import { html } from 'htm/preact';
import { getJson } from './api.ts';
import type { ExpandedConnectors } from './api.ts';
import { ConnectorActions, StateBadge } from './actions.ts';
import { formatRate, rates, taskKey } from './figures.ts';
import type { LiveFigures } from './live-figures.ts';
import { usePoll } from './poll.ts';
import { href } from './route.ts';

export const shortClass = (cls: string | undefined): string => (cls ?? '').split('.').pop() ?? '';

/** Records per second of a connector's tasks that this worker runs; null when it has no figures for any of them. */
export function connectorRate(figures: LiveFigures, name: string, tasks: readonly { id: number }[]): number | null {
  if (figures.state !== 'ok') return null;
  let sum: number | null = null;
  for (const t of tasks) {
    const r = rates(figures.prev, figures.last, taskKey(name, t.id)).recordsPerSecond;
    if (r !== null) sum = (sum ?? 0) + r;
  }
  return sum;
}

export function ConnectorList(props: { figures: LiveFigures }) {
  const list = usePoll(() => getJson<ExpandedConnectors>('/connectors?expand=status&expand=info'), []);
  const names = Object.keys(list.data ?? {}).sort();
  return html`<section>
    <div class="toolbar">
      <h1>Connectors</h1>
      <span class="spacer"></span>
      ${props.figures.state === 'unavailable' ? html`<span class="muted">${props.figures.reason}</span>` : null}
      <a class="button primary" href=${href.create}>New connector</a>
    </div>
    ${list.error === null ? null : html`<p class="error" role="alert">${list.error.message}</p>`}
    ${list.data === undefined && list.error === null ? html`<p class="muted">Loading…</p>` : null}
    ${list.data !== undefined && names.length === 0 ? html`<p class="muted">No connectors yet.</p>` : null}
    ${names.length === 0 ? null : html`<table class="connectors">
      <thead><tr><th>Name</th><th>Type</th><th>Class</th><th>State</th><th>Tasks</th><th>Throughput</th><th></th></tr></thead>
      <tbody>
        ${names.map((name) => {
          const c = list.data?.[name];
          const status = c?.status;
          const tasks = status?.tasks ?? [];
          const running = tasks.filter((t) => t.state === 'RUNNING').length;
          return html`<tr key=${name} data-connector=${name}>
            <td><a href=${href.connector(name)}>${name}</a></td>
            <td>${status?.type ?? c?.info?.type}</td>
            <td title=${c?.info?.config['connector.class']}>${shortClass(c?.info?.config['connector.class'])}</td>
            <td><${StateBadge} state=${status?.connector.state} /></td>
            <td>${running}/${tasks.length} running${tasks.some((t) => t.state === 'FAILED') ? html` <span class="badge state-failed">failed</span>` : null}</td>
            <td class="num" data-rate>${formatRate(connectorRate(props.figures, name, tasks))}</td>
            <td><${ConnectorActions} name=${name} state=${status?.connector.state} onChanged=${list.refresh} onDeleted=${list.refresh} /></td>
          </tr>`;
        })}
      </tbody>
    </table>`}
  </section>`;
}
