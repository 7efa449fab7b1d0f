/**
 * The operator's CLI, in the spirit of kcctl: `conveyor <command>` talks to a worker's REST API, chosen by a context
 * (config-commands.ts). Exit codes: 0 done, 1 the worker refused or could not be reached (Kafka Connect's message is
 * printed), 2 the command line was wrong.
 */
import { parseArgs } from 'node:util';
import { configCommand } from './config-commands.ts';
import { apply, describeConnector, getConnectors, getOffsets, getPlugins, lifecycle, patchOffsets, validate } from './connector-commands.ts';
import type { CommandEnv } from './connector-commands.ts';
import { loadContexts, resolveTarget } from './contexts.ts';
import { CliError, usageError } from './errors.ts';
import { RestClient } from './http-client.ts';
import { OUTPUT_FORMATS, stdoutOut } from './output.ts';
import type { OutputFormat } from './output.ts';

export const CTL_COMMANDS: ReadonlySet<string> = new Set(['get', 'describe', 'apply', 'validate', 'pause', 'resume', 'stop', 'restart', 'delete', 'patch', 'config', 'help', '--help', '-h']);

export const USAGE = `usage: conveyor <command> [flags]

Connectors (on the worker of the current context):
  get connectors                     connectors with their state and their tasks' states
  describe connector <name>          config, state, tasks (with traces), topics
  apply -f <file>                    create or update a connector (.properties, or .json as {"name","config"} or a flat map)
  validate -f <file>                 check a connector config without applying it (exit 1 when invalid)
  pause|resume|stop <name>
  restart <name> [--tasks] [--only-failed] [--task ID]
  delete <name>
  get plugins [--all]                connector plugins (--all: converters, transforms, predicates too)
  get offsets <name>
  patch offsets <name> -f <offsets.json> | --reset   (the connector must be STOPPED)

Contexts ($XDG_CONFIG_HOME/conveyor/config.json, or ~/.config/conveyor/config.json):
  config set-context <name> [--url URL] [--token TOKEN] [--ca-file PEM]
  config use-context <name> | get-contexts | current-context | delete-context <name>

Flags: -o table|json|yaml, --context NAME, --url URL, --token TOKEN, --ca-file PEM
Without a context: CONVEYOR_URL (default http://127.0.0.1:8083) and CONVEYOR_TOKEN.
Workers: conveyor standalone worker.properties [connector files...] | conveyor distributed worker.properties
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  file: { type: 'string', short: 'f' },
  context: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  'ca-file': { type: 'string' },
  tasks: { type: 'boolean' },
  'only-failed': { type: 'boolean' },
  task: { type: 'string' },
  reset: { type: 'boolean' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const need = (v: string | undefined, what: string): string => {
  if (v === undefined || v === '') throw usageError(`${what} is missing (conveyor help)`);
  return v;
};

const RESOURCES: Record<string, string> = { connectors: 'connectors', connector: 'connectors', plugins: 'plugins', plugin: 'plugins', offsets: 'offsets' };

function parse(argv: readonly string[]): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

async function dispatch(argv: readonly string[]): Promise<void> {
  const { values: v, positionals: [command, ...rest] } = parse(argv);
  if (command === undefined || command === 'help' || v.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const format = v.output ?? 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw usageError(`-o ${format}: use table, json or yaml`);
  const out = stdoutOut(format as OutputFormat);
  const flags = { ...(v.url === undefined ? {} : { url: v.url }), ...(v.token === undefined ? {} : { token: v.token }), ...(v['ca-file'] === undefined ? {} : { caFile: v['ca-file'] }) };
  if (command === 'config') {
    await configCommand(out, rest[0], rest.slice(1), flags);
    return;
  }
  const target = resolveTarget(await loadContexts(), { ...flags, ...(v.context === undefined ? {} : { context: v.context }) });
  const env: CommandEnv = { client: new RestClient(target), out };
  const resource = RESOURCES[rest[0] ?? ''];
  switch (command) {
    case 'get':
      if (resource === 'connectors') return getConnectors(env);
      if (resource === 'plugins') return getPlugins(env, v.all === true);
      if (resource === 'offsets') return getOffsets(env, need(rest[1], 'the connector name'));
      throw usageError('usage: conveyor get connectors | plugins | offsets <name>');
    case 'describe':
      if (resource !== 'connectors') throw usageError('usage: conveyor describe connector <name>');
      return describeConnector(env, need(rest[1], 'the connector name'));
    case 'apply':
      return apply(env, v.file);
    case 'validate':
      return validate(env, v.file);
    case 'patch':
      if (resource !== 'offsets') throw usageError('usage: conveyor patch offsets <name> -f <offsets.json> | --reset');
      return patchOffsets(env, need(rest[1], 'the connector name'), { file: v.file, reset: v.reset === true });
    case 'pause':
    case 'resume':
    case 'stop':
    case 'restart':
    case 'delete': {
      const task = v.task === undefined ? undefined : Number(v.task);
      if (task !== undefined && (!Number.isInteger(task) || task < 0)) throw usageError(`--task ${v.task}: a task id is a number from 0`);
      return lifecycle(env, command, need(rest[0], 'the connector name'), { tasks: v.tasks === true, onlyFailed: v['only-failed'] === true, task });
    }
    default:
      throw usageError(`unknown command ${command} (conveyor help)`);
  }
}

/** Runs one command; resolves to the process's exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await dispatch(argv);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`Error: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`Error: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}
