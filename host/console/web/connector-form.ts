/**
 * Create or edit a connector with a form generated from its plugin's config definition
 * (GET /connector-plugins/{p}/config). Each change of a field is validated by the worker
 * (PUT /connector-plugins/{p}/config/validate) and its errors shown beside the field; keys the form does not show
 * (transforms.*, converters, ...) are edited as `key=value` lines and kept on edit.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call, enc, getJson } from './api.ts';
import type { ConfigKey, PluginRow, ValidationAnswer } from './api.ts';
import { go, href } from './route.ts';

/** Keys every connector takes that a plugin's own definition does not list. */
const COMMON: readonly ConfigKey[] = [
  { name: 'tasks.max', type: 'INT', required: false, default_value: '1', importance: 'HIGH', documentation: 'Maximum number of tasks to use for this connector.', group: 'Common' },
];
const SINK_COMMON: readonly ConfigKey[] = [
  { name: 'topics', type: 'LIST', required: false, default_value: '', importance: 'HIGH', documentation: 'Comma-separated topics to consume (or use topics.regex).', group: 'Common' },
];

/** Shown at the top of the form, not among the definition's fields. */
const TOP = new Set(['name', 'connector.class']);

/** Kafka Connect's own groups, which every connector has: folded unless one of their keys is set or invalid. */
const FRAMEWORK_GROUPS = new Set(['Common', 'Transforms', 'Predicates', 'Error Handling', 'Topic Creation', 'Exactly Once Support', 'offsets.topic']);

type Values = Record<string, string>;

function parseExtra(text: string): Values {
  const out: Values = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    if (eq > 0) out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return out;
}

function Field(props: { def: ConfigKey; value: string; errors: readonly string[]; onInput: (v: string) => void; onCommit: () => void }) {
  const { def } = props;
  const id = `field-${def.name}`;
  const input = (e: Event): void => props.onInput((e.target as HTMLInputElement).value);
  const invalid = props.errors.length > 0;
  let control;
  if (def.type === 'BOOLEAN') {
    control = html`<select id=${id} name=${def.name} value=${props.value} onChange=${(e: Event) => { input(e); props.onCommit(); }} aria-invalid=${invalid}>
      <option value="">default${def.default_value === null ? '' : ` (${def.default_value})`}</option><option value="true">true</option><option value="false">false</option>
    </select>`;
  } else {
    const type = def.type === 'PASSWORD' ? 'password' : 'text';
    control = html`<input id=${id} name=${def.name} type=${type} autocomplete="off" value=${props.value}
      placeholder=${def.default_value === null || def.default_value === '' ? '' : String(def.default_value)}
      onInput=${input} onBlur=${props.onCommit} aria-invalid=${invalid} aria-describedby=${`${id}-doc`} />`;
  }
  return html`<div class=${`field${invalid ? ' invalid' : ''}`} data-field=${def.name}>
    <label for=${id}>${def.display_name ?? def.name}${def.required ? html`<span class="required" title="required">*</span>` : null} <code class="muted">${def.name}</code></label>
    ${control}
    ${props.errors.map((e) => html`<div class="field-error" role="alert" data-error-for=${def.name}>${e}</div>`)}
    ${def.documentation === null || def.documentation === '' ? null : html`<div class="doc" id=${`${id}-doc`}>${def.documentation}</div>`}
  </div>`;
}

export function ConnectorForm(props: { name?: string }) {
  const editing = props.name !== undefined;
  const [plugins, setPlugins] = useState<PluginRow[]>([]);
  const [cls, setCls] = useState('');
  const [defs, setDefs] = useState<ConfigKey[] | null>(null);
  const [name, setName] = useState(props.name ?? '');
  const [values, setValues] = useState<Values>({});
  const [extra, setExtra] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const validation = useRef(0);

  useEffect(() => {
    getJson<PluginRow[]>('/connector-plugins').then(setPlugins, (e: unknown) => setFailure(String(e instanceof Error ? e.message : e)));
    if (props.name === undefined) return;
    getJson<Values>(`/connectors/${enc(props.name)}/config`).then(
      (config) => {
        setCls(config['connector.class'] ?? '');
        setValues(config);
      },
      (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)),
    );
  }, [props.name]);

  useEffect(() => {
    setDefs(null);
    setErrors({});
    if (cls === '') return;
    getJson<ConfigKey[]>(`/connector-plugins/${enc(cls)}/config`).then(setDefs, (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)));
  }, [cls]);

  const plugin = plugins.find((p) => p.class === cls);
  const shown = useMemo(() => {
    const own = (defs ?? []).filter((d) => !TOP.has(d.name));
    const common = [...COMMON, ...(plugin?.type === 'sink' ? SINK_COMMON : [])].filter((c) => !own.some((d) => d.name === c.name));
    return [...common, ...own];
  }, [defs, plugin?.type]);

  // On edit, the keys the form does not show become the extra lines once the definition is known.
  useEffect(() => {
    if (!editing || defs === null) return;
    const hidden = Object.entries(values).filter(([k]) => k !== 'name' && k !== 'connector.class' && !shown.some((d) => d.name === k));
    setExtra(hidden.map(([k, v]) => `${k}=${v}`).join('\n'));
    // Only when the definition arrives: later edits of values must not rewrite what the user typed.
  }, [defs]);

  const config = (): Values => {
    const out: Values = { 'connector.class': cls };
    for (const d of shown) {
      const v = values[d.name];
      if (v !== undefined && v !== '') out[d.name] = v;
    }
    return { ...out, ...parseExtra(extra), 'connector.class': cls, ...(name === '' ? {} : { name }) };
  };

  const validate = async (): Promise<number> => {
    const mine = ++validation.current;
    const answer = await call<ValidationAnswer>('PUT', `/connector-plugins/${enc(cls)}/config/validate`, config());
    if (mine !== validation.current || answer === null) return answer?.error_count ?? 0;
    const next: Record<string, string[]> = {};
    for (const c of answer.configs) if (c.value.errors.length > 0) next[c.value.name] = c.value.errors;
    setErrors(next);
    return answer.error_count;
  };
  const commit = (): void => {
    if (cls === '') return;
    validate().then(() => setFailure(null), (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)));
  };

  const submit = (e: Event): void => {
    e.preventDefault();
    if (cls === '' || name === '') {
      setFailure('Choose a plugin and name the connector.');
      return;
    }
    setSaving(true);
    setFailure(null);
    validate()
      .then(async (count) => {
        if (count > 0) throw new Error(`The config has ${count} error${count === 1 ? '' : 's'}; see the fields marked below.`);
        const { name: _n, ...body } = config();
        if (editing) await call('PUT', `/connectors/${enc(name)}/config`, body);
        else await call('POST', '/connectors', { name, config: body });
        go(href.connector(name));
      })
      .catch((err: unknown) => setFailure(err instanceof Error ? err.message : String(err)))
      .finally(() => setSaving(false));
  };

  const elsewhere = Object.entries(errors).filter(([k]) => !shown.some((d) => d.name === k));
  const groups = new Map<string, ConfigKey[]>();
  for (const d of shown) {
    const g = d.group ?? 'Settings';
    groups.set(g, [...(groups.get(g) ?? []), d]);
  }
  const set = (k: string) => (v: string): void => setValues((old) => ({ ...old, [k]: v }));
  return html`<section>
    <h1>${editing ? `Edit ${props.name}` : 'New connector'}</h1>
    <form class="card connector-form" onSubmit=${submit} noValidate>
      <div class="field">
        <label for="field-plugin">Plugin</label>
        <select id="field-plugin" name="connector.class" value=${cls} disabled=${editing} onChange=${(e: Event) => setCls((e.target as HTMLSelectElement).value)}>
          <option value="">Choose a plugin…</option>
          ${plugins.map((p) => html`<option key=${`${p.class}@${p.version}`} value=${p.class}>${p.class} (${p.type}${p.version === null ? '' : ` ${p.version}`})</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="field-name">Connector name</label>
        <input id="field-name" name="name" autocomplete="off" value=${name} disabled=${editing} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
      </div>
      ${cls !== '' && defs === null ? html`<p class="muted">Loading the plugin's settings…</p>` : null}
      ${defs === null ? null : [...groups].map(([g, ds]) => {
        const fields = ds.map((d) => html`<${Field} key=${d.name} def=${d} value=${values[d.name] ?? ''} errors=${errors[d.name] ?? []} onInput=${set(d.name)} onCommit=${commit} />`);
        if (!FRAMEWORK_GROUPS.has(g)) return html`<fieldset key=${g}><legend>${g}</legend>${fields}</fieldset>`;
        const open = ds.some((d) => (values[d.name] ?? '') !== '' || errors[d.name] !== undefined);
        return html`<details key=${g} class="group" open=${open} data-group=${g}><summary>${g}</summary>${fields}</details>`;
      })}
      ${defs === null ? null : html`<fieldset><legend>Other keys</legend>
        <div class="field">
          <label for="field-extra">One <code>key=value</code> per line (transforms, converters, errors.*, …)</label>
          <textarea id="field-extra" name="extra" rows="4" value=${extra} onInput=${(e: Event) => setExtra((e.target as HTMLTextAreaElement).value)} onBlur=${commit}></textarea>
          ${elsewhere.map(([k, es]) => es.map((m) => html`<div class="field-error" role="alert" data-error-for=${k}><code>${k}</code>: ${m}</div>`))}
        </div>
      </fieldset>`}
      ${failure === null ? null : html`<p class="error form-error" role="alert">${failure}</p>`}
      <div class="toolbar">
        <button type="submit" class="primary" disabled=${saving || defs === null}>${editing ? 'Save' : 'Create'}</button>
        <a class="button" href=${editing ? href.connector(props.name ?? '') : href.connectors}>Cancel</a>
      </div>
    </form>
  </section>`;
}
