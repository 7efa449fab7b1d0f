/** Pause, resume, restart and delete a connector: the lifecycle calls of the REST API, with their refusals shown. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { call, enc } from './api.ts';

export function StateBadge(props: { state: string | undefined }) {
  const state = props.state ?? 'UNKNOWN';
  return html`<span class=${`badge state-${state.toLowerCase()}`} data-state=${state}>${state}</span>`;
}

export function ConnectorActions(props: { name: string; state: string | undefined; onChanged: () => void; onDeleted?: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = `/connectors/${enc(props.name)}`;
  const act = (label: string, method: 'PUT' | 'POST' | 'DELETE', suffix: string, after?: () => void) => (): void => {
    if (label === 'delete' && !confirm(`Delete connector ${props.name}?`)) return;
    setBusy(true);
    setError(null);
    call(method, path + suffix).then(
      () => {
        setBusy(false);
        (after ?? props.onChanged)();
      },
      (e: unknown) => {
        setBusy(false);
        setError(`${label}: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  };
  const paused = props.state === 'PAUSED' || props.state === 'STOPPED';
  return html`<span class="actions">
    ${paused
      ? html`<button disabled=${busy} onClick=${act('resume', 'PUT', '/resume')}>Resume</button>`
      : html`<button disabled=${busy} onClick=${act('pause', 'PUT', '/pause')}>Pause</button>`}
    <button disabled=${busy} onClick=${act('restart', 'POST', '/restart?includeTasks=true')}>Restart</button>
    <button disabled=${busy} class="danger" onClick=${act('delete', 'DELETE', '', props.onDeleted)}>Delete</button>
    ${error === null ? null : html`<span class="error" role="alert">${error}</span>`}
  </span>`;
}
