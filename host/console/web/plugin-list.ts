/**
 * Installed connector plugins with their capabilities and signature (GET /conveyor/plugins), and the bundles the
 * worker refused with the reason (GET /connector-plugins?include=rejected).
 */
import { html } from 'htm/preact';
import { getJson } from './api.ts';
import type { ConveyorPlugins, PluginRow } from './api.ts';
import { usePoll } from './poll.ts';

interface PluginsView {
  rows: PluginRow[];
  details: ConveyorPlugins;
}

const read = async (): Promise<PluginsView> => {
  const [rows, details] = await Promise.all([getJson<PluginRow[]>('/connector-plugins?include=rejected'), getJson<ConveyorPlugins>('/conveyor/plugins')]);
  return { rows, details };
};

function capabilities(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (value !== null && typeof value === 'object') return Object.keys(value).join(', ');
  return '';
}

export function PluginList() {
  const p = usePoll(read, [], 5000);
  if (p.error !== null && p.data === undefined) return html`<section><h1>Plugins</h1><p class="error" role="alert">${p.error.message}</p></section>`;
  if (p.data === undefined) return html`<section><h1>Plugins</h1><p class="muted">Loading…</p></section>`;
  const installed = p.data.rows.filter((r) => r.rejected === undefined);
  const rejected = p.data.rows.filter((r) => r.rejected !== undefined);
  // /conveyor/plugins names a plugin by its manifest's class and aliases; /connector-plugins by the class Kafka Connect tools expect.
  const detail = (r: PluginRow) => {
    const named = p.data?.details.installed.filter((d) => d.class === r.class || d.aliases.includes(r.class)) ?? [];
    return named.find((d) => d.version === r.version) ?? named[0];
  };
  return html`<section>
    <h1>Plugins</h1>
    <table class="plugins">
      <thead><tr><th>Class</th><th>Type</th><th>Version</th><th>Capabilities</th><th>Signature</th></tr></thead>
      <tbody>${installed.map((r) => {
        const d = detail(r);
        return html`<tr key=${`${r.class}@${r.version}`}>
          <td><code>${r.class}</code></td><td>${r.type}</td><td>${r.version}</td>
          <td>${d === undefined ? html`<span class="muted">—</span>` : capabilities(d.capabilities) || html`<span class="muted">none</span>`}</td>
          <td>${d?.signature == null ? html`<span class="muted">unsigned</span>` : html`${d.signature.trusted ? 'trusted' : 'untrusted'} key <code>${d.signature.key_id}</code>`}</td>
        </tr>`;
      })}</tbody>
    </table>
    <h2>Rejected bundles</h2>
    ${rejected.length === 0 ? html`<p class="muted">None: every bundle in the plugin path loaded.</p>` : html`<table class="rejected">
      <thead><tr><th>Bundle</th><th>Class</th><th>Why</th><th>Since</th></tr></thead>
      <tbody>${rejected.map((r) => html`<tr key=${r.location}><td><code>${r.location}</code></td><td>${r.class ?? html`<span class="muted">unreadable</span>`}</td><td class="error">${r.rejected}</td><td>${r.since}</td></tr>`)}</tbody>
    </table>`}
  </section>`;
}
