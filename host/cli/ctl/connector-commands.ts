/** The commands that talk to a worker: each is one or two REST calls and a rendering of the answer. */
import { readFile } from 'node:fs/promises';
import { parseConnectorFile } from '../standalone.ts';
import type { ConnectorFile } from '../standalone.ts';
import { CliError, usageError } from './errors.ts';
import type { RestClient } from './http-client.ts';
import { print, state, table } from './output.ts';
import type { Out } from './output.ts';
import { snapshotProgress } from './snapshot-progress.ts';
import type { TaskSeries } from './snapshot-progress.ts';

export interface CommandEnv {
  readonly client: RestClient;
  readonly out: Out;
}

interface StateView {
  state: string;
  worker_id: string;
  trace?: string;
}

interface Status {
  name: string;
  type: string;
  connector: StateView;
  tasks: (StateView & { id: number })[];
}

interface Info {
  name: string;
  type: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
}

const enc = encodeURIComponent;
const shortClass = (cls: string | undefined): string => (cls ?? '').split('.').at(-1) ?? '';

export async function getConnectors({ client, out }: CommandEnv): Promise<void> {
  const { body } = await client.call('GET', '/connectors?expand=status&expand=info');
  const all = body as Record<string, { status?: Status; info?: Info }>;
  print(out, all, () => {
    const rows = Object.keys(all).sort().map((name) => {
      const { status, info } = all[name] ?? {};
      const tasks = (status?.tasks ?? []).map((t) => `${t.id}:${state(t.state, out.color)}`).join(' ');
      return [name, status?.type ?? info?.type ?? '', state(status?.connector.state ?? '', out.color), tasks, shortClass(info?.config['connector.class'])];
    });
    return rows.length === 0 ? 'No connectors.\n' : table(['name', 'type', 'state', 'tasks', 'class'], rows);
  });
}

function indent(text: string, by = '    '): string {
  return text.split('\n').map((l) => by + l).join('\n');
}

export async function describeConnector({ client, out }: CommandEnv, name: string): Promise<void> {
  const [info, status] = await Promise.all([client.call('GET', `/connectors/${enc(name)}`), client.call('GET', `/connectors/${enc(name)}/status`)]);
  const topics = await client.call('GET', `/connectors/${enc(name)}/topics`).then((a) => (a.body as Record<string, { topics: string[] }>)[name]?.topics ?? [], () => null);
  const i = info.body as Info;
  const s = status.body as Status;
  const metrics = await pluginSeries(client, name, s);
  print(out, { info: i, status: s, topics, metrics }, () => {
    const c = s.connector;
    const lines = [
      `Name:        ${i.name}`,
      `Type:        ${i.type}`,
      `Class:       ${i.config['connector.class'] ?? ''}`,
      `State:       ${state(c.state, out.color)}`,
      `Worker ID:   ${c.worker_id}`,
      ...(c.trace === undefined ? [] : ['Trace:', indent(c.trace)]),
      'Config:',
      ...Object.keys(i.config).sort().map((k) => `  ${k} = ${i.config[k] ?? ''}`),
      'Tasks:',
      ...(s.tasks.length === 0 ? ['  (none)'] : indent(table(['id', 'state', 'worker'], s.tasks.map((t) => [String(t.id), state(t.state, out.color), t.worker_id])).trimEnd(), '  ').split('\n')),
      ...s.tasks.filter((t) => t.trace !== undefined).flatMap((t) => [`  Task ${t.id} trace:`, indent(t.trace ?? '')]),
      ...snapshotProgress(metrics),
      'Topics:',
      ...(topics === null ? ['  (unavailable)'] : topics.length === 0 ? ['  (none)'] : topics.map((t) => `  ${t}`)),
    ];
    return lines.join('\n') + '\n';
  });
}

/**
 * What the connector's tasks report through ctx.metrics (a CDC snapshot's progress). Each worker answers for the tasks
 * it runs, so tasks the worker asked does not run are asked of their own worker (worker_id is its host:port in a
 * cluster); a worker that cannot be reached leaves its tasks out.
 */
async function pluginSeries(client: RestClient, name: string, status: Status): Promise<TaskSeries[]> {
  const path = `/conveyor/connectors/${enc(name)}/plugin-metrics`;
  const ask = (c: RestClient): Promise<TaskSeries[]> => c.call('GET', path).then((a) => (Array.isArray(a.body) ? (a.body as TaskSeries[]) : []), () => []);
  const found = await ask(client);
  const have = new Set(found.map((t) => t.task));
  const elsewhere = new Set(status.tasks.filter((t) => !have.has(t.id) && /^[\w.-]+:\d+$/.test(t.worker_id) && t.worker_id !== new URL(client.url).host).map((t) => t.worker_id));
  for (const worker of elsewhere) {
    for (const t of await ask(client.at(worker))) {
      if (!have.has(t.task) && status.tasks.some((x) => x.id === t.task && x.worker_id === worker)) {
        found.push(t);
        have.add(t.task);
      }
    }
  }
  return found.sort((a, b) => a.task - b.task);
}

async function connectorFile(file: string | undefined): Promise<ConnectorFile> {
  if (file === undefined) throw usageError('give the connector config with -f <file> (.properties, or .json as {"name", "config"} or a flat map)');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return parseConnectorFile(text, file);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** apply -f: PUT /connectors/{name}/config, which creates the connector or updates its config. */
export async function apply({ client, out }: CommandEnv, file: string | undefined): Promise<void> {
  const { name, config } = await connectorFile(file);
  const a = await client.call('PUT', `/connectors/${enc(name)}/config`, config);
  print(out, a.body, () => `connector/${name} ${a.status === 201 ? 'created' : 'configured'}\n`);
}

interface ConfigInfos {
  name: string;
  error_count: number;
  configs: { value: { name: string; errors: string[] } }[];
}

/** validate -f: PUT /connector-plugins/{class}/config/validate; exits 1 when the config has errors. */
export async function validate({ client, out }: CommandEnv, file: string | undefined): Promise<void> {
  const { name, config } = await connectorFile(file);
  const cls = config['connector.class'];
  if (cls === undefined || cls === '') throw new CliError(`${file ?? ''}: connector.class is missing`);
  const { body } = await client.call('PUT', `/connector-plugins/${enc(cls)}/config/validate`, config);
  const report = body as ConfigInfos;
  const errors = report.configs.flatMap((c) => c.value.errors.map((e) => [c.value.name, e]));
  print(out, report, () => (errors.length === 0 ? `connector/${name}: the config is valid\n` : table(['key', 'error'], errors)));
  if (report.error_count > 0) throw new CliError(`connector/${name}: ${report.error_count} invalid config value${report.error_count === 1 ? '' : 's'}`);
}

export type LifecycleVerb = 'pause' | 'resume' | 'stop' | 'restart' | 'delete';

const DONE: Record<LifecycleVerb, string> = { pause: 'paused', resume: 'resumed', stop: 'stopped', restart: 'restarted', delete: 'deleted' };

export async function lifecycle({ client, out }: CommandEnv, verb: LifecycleVerb, name: string, o: { tasks: boolean; onlyFailed: boolean; task: number | undefined }): Promise<void> {
  const base = `/connectors/${enc(name)}`;
  if (verb !== 'restart' && (o.tasks || o.onlyFailed || o.task !== undefined)) throw usageError('--tasks, --only-failed and --task go with restart');
  if (o.task !== undefined) {
    await client.call('POST', `${base}/tasks/${o.task}/restart`);
    print(out, { connector: name, task: o.task, restarted: true }, () => `task ${name}-${o.task} restarted\n`);
    return;
  }
  let a;
  if (verb === 'delete') a = await client.call('DELETE', base);
  else if (verb === 'restart') a = await client.call('POST', `${base}/restart?includeTasks=${o.tasks}&onlyFailed=${o.onlyFailed}`);
  else a = await client.call('PUT', `${base}/${verb}`);
  const snapshot = a.body as Status | null;
  print(out, snapshot ?? { connector: name, [DONE[verb]]: true }, () => {
    if (snapshot === null) return `connector/${name} ${DONE[verb]}\n`;
    const restarting = [...(snapshot.connector.state === 'RESTARTING' ? ['connector'] : []), ...snapshot.tasks.filter((t) => t.state === 'RESTARTING').map((t) => `task ${t.id}`)];
    return `connector/${name} restarting: ${restarting.length === 0 ? 'nothing' : restarting.join(', ')}\n`;
  });
}

export async function getPlugins({ client, out }: CommandEnv, all: boolean): Promise<void> {
  const { body } = await client.call('GET', `/connector-plugins${all ? '?connectorsOnly=false' : ''}`);
  const plugins = body as { class: string; type: string; version: string }[];
  print(out, plugins, () => table(['class', 'type', 'version'], plugins.map((p) => [p.class, p.type, p.version])));
}

interface Offsets {
  offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[];
}

export async function getOffsets({ client, out }: CommandEnv, name: string): Promise<void> {
  const { body } = await client.call('GET', `/connectors/${enc(name)}/offsets`);
  const o = body as Offsets;
  print(out, o, () => (o.offsets.length === 0 ? 'No offsets.\n' : table(['partition', 'offset'], o.offsets.map((x) => [JSON.stringify(x.partition), JSON.stringify(x.offset)]))));
}

/** patch offsets: PATCH with the offsets in a JSON file ({"offsets": [...]}), or DELETE with --reset; the connector must be STOPPED. */
export async function patchOffsets({ client, out }: CommandEnv, name: string, o: { file: string | undefined; reset: boolean }): Promise<void> {
  if (o.reset === (o.file !== undefined)) throw usageError('give either -f <offsets.json> or --reset');
  let a;
  if (o.reset) a = await client.call('DELETE', `/connectors/${enc(name)}/offsets`);
  else {
    let body: unknown;
    try {
      body = JSON.parse(await readFile(o.file as string, 'utf8'));
    } catch (e) {
      throw new CliError(`cannot read offsets from ${o.file ?? ''}: ${(e as Error).message}`);
    }
    a = await client.call('PATCH', `/connectors/${enc(name)}/offsets`, body);
  }
  const message = (a.body as { message?: string } | null)?.message ?? '';
  print(out, a.body, () => `connector/${name}: ${message}\n`);
}
