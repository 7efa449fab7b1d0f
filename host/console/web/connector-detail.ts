/**
 * One connector: its state and worker, each task with its worker, trace and sandbox figures (isolate memory, CPU,
 * capability calls), its config, and the lifecycle actions.
 */
import { html } from 'htm/preact';
import { enc, getJson } from './api.ts';
import type { CapabilityCalls, ConnectorInfo, ConnectorStatus } from './api.ts';
import { ConnectorActions, StateBadge } from './actions.ts';
import { formatBytes, formatRate, rates, taskKey } from './figures.ts';
import type { LiveFigures } from './live-figures.ts';
import { usePoll } from './poll.ts';
import { go, href } from './route.ts';

interface Detail {
  status: ConnectorStatus;
  info: ConnectorInfo;
  calls: CapabilityCalls[];
}

async function readDetail(name: string): Promise<Detail> {
  const path = `/connectors/${enc(name)}`;
  const [status, info, calls] = await Promise.all([
    getJson<ConnectorStatus>(`${path}/status`),
    getJson<ConnectorInfo>(path),
    getJson<CapabilityCalls[]>(`/conveyor/connectors/${enc(name)}/capability-calls`).catch(() => []),
  ]);
  return { status, info, calls };
}

function TaskRow(props: { name: string; task: ConnectorStatus['tasks'][number]; figures: LiveFigures; calls: CapabilityCalls[] }) {
  const { task, figures } = props;
  const key = taskKey(props.name, task.id);
  const f = figures.state === 'ok' ? figures.last.tasks.get(key) : undefined;
  const r = figures.state === 'ok' ? rates(figures.prev, figures.last, key) : { recordsPerSecond: null, cpuShare: null };
  const calls = props.calls.filter((c) => c.task === task.id);
  return html`<tr data-task=${task.id}>
    <td>${task.id}</td>
    <td><${StateBadge} state=${task.state} /></td>
    <td>${task.worker_id}</td>
    <td class="num" data-rate>${formatRate(r.recordsPerSecond)}</td>
    <td class="num" data-heap>${formatBytes(f?.heapBytes ?? null)}</td>
    <td class="num">${r.cpuShare === null ? (f?.cpuMs == null ? '—' : `${Math.round(f.cpuMs)} ms`) : `${(r.cpuShare * 100).toFixed(1)}%`}</td>
    <td>${calls.length === 0 ? html`<span class="muted">none</span>` : html`<ul class="calls">${calls.map((c) => html`<li key=${c.call}><code>${c.call}</code> ${c.counters['calls'] ?? 0}${(c.counters['denied'] ?? 0) > 0 ? html` <span class="error">${c.counters['denied']} denied</span>` : null}${(c.counters['errors'] ?? 0) > 0 ? html` <span class="error">${c.counters['errors']} failed</span>` : null}</li>`)}</ul>`}</td>
  </tr>
  ${task.trace === undefined ? null : html`<tr class="trace"><td colspan="7"><details open=${task.state === 'FAILED'}><summary>Trace of task ${task.id}</summary><pre>${task.trace}</pre></details></td></tr>`}`;
}

export function ConnectorDetail(props: { name: string; figures: LiveFigures }) {
  const d = usePoll(() => readDetail(props.name), [props.name]);
  if (d.error !== null && d.data === undefined) return html`<section><h1>${props.name}</h1><p class="error" role="alert">${d.error.message}</p><a href=${href.connectors}>Back to connectors</a></section>`;
  if (d.data === undefined) return html`<section><h1>${props.name}</h1><p class="muted">Loading…</p></section>`;
  const { status, info, calls } = d.data;
  const config = Object.entries(info.config).sort(([a], [b]) => (a < b ? -1 : 1));
  return html`<section>
    <div class="toolbar">
      <h1>${props.name}</h1>
      <${StateBadge} state=${status.connector.state} />
      <span class="spacer"></span>
      <a class="button" href=${href.edit(props.name)}>Edit</a>
      <${ConnectorActions} name=${props.name} state=${status.connector.state} onChanged=${d.refresh} onDeleted=${() => go(href.connectors)} />
    </div>
    <p>${status.type} connector <code>${info.config['connector.class']}</code> on worker <strong>${status.connector.worker_id}</strong></p>
    ${status.connector.trace === undefined ? null : html`<details open><summary>Connector trace</summary><pre>${status.connector.trace}</pre></details>`}
    ${props.figures.state === 'unavailable' ? html`<p class="muted">${props.figures.reason}</p>` : null}
    <h2>Tasks</h2>
    <table class="tasks">
      <thead><tr><th>Task</th><th>State</th><th>Worker</th><th>Throughput</th><th>Isolate memory</th><th>CPU</th><th>Capability calls</th></tr></thead>
      <tbody>${status.tasks.map((t) => html`<${TaskRow} key=${t.id} name=${props.name} task=${t} figures=${props.figures} calls=${calls} />`)}</tbody>
    </table>
    <p class="muted">Memory, CPU and throughput are this worker's figures (GET /metrics); tasks running on other workers show them there.</p>
    <h2>Config</h2>
    <table class="config"><tbody>${config.map(([k, v]) => html`<tr key=${k}><th>${k}</th><td><code>${v}</code></td></tr>`)}</tbody></table>
  </section>`;
}
