/**
 * conveyor plugin new <name> --source|--sink [--dir D] [--sdk SPEC]
 * conveyor plugin run <dir> --config connector.properties [--out FILE|-] [--in FILE] [--max-records N]
 *     [--bootstrap-servers H:P] [--offsets FILE] [--allow-dir D]... [--allow-http ORIGIN]... [--allow-mysql H:P]... [--elasticsearch URL]
 *     [--allow-index-prefix P]... [--log-level L]
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createJsonLogger, isLogLevel } from '../core/logger.ts';
import { runFailure, runPlugin } from './plugin-run.ts';
import { parseConnectorFile } from './standalone.ts';
import { defaultSdkRange, writeScaffold } from './scaffold.ts';

const USAGE = `usage: conveyor plugin new <name> --source|--sink [--dir DIR] [--sdk VERSION-OR-TARBALL]
       conveyor plugin run <plugin-dir> --config connector.properties [--out FILE|-] [--in FILE] [--max-records N]
           [--bootstrap-servers HOST:PORT] [--offsets FILE] [--allow-dir DIR]... [--allow-http ORIGIN]... [--allow-mysql HOST:PORT]...
           [--elasticsearch URL] [--allow-index-prefix PREFIX]... [--log-level LEVEL]
`;

class UsageError extends Error {}

async function pluginNew(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { source: { type: 'boolean' }, sink: { type: 'boolean' }, dir: { type: 'string' }, sdk: { type: 'string' } } });
  const [name] = positionals;
  if (name === undefined || positionals.length > 1 || values.source === values.sink) throw new UsageError('plugin new takes one name and exactly one of --source or --sink');
  const dir = resolve(values.dir ?? name);
  const files = await writeScaffold(dir, { name, type: values.source === true ? 'source' : 'sink', sdk: values.sdk ?? (await defaultSdkRange()) });
  process.stdout.write(`wrote ${files.length} files to ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\nnext: cd ${dir} && npm install && npm test && npm run bundle\n`);
  return 0;
}

async function pluginRun(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      out: { type: 'string' },
      in: { type: 'string' },
      'max-records': { type: 'string' },
      'bootstrap-servers': { type: 'string', default: '127.0.0.1:9092' },
      offsets: { type: 'string' },
      'allow-dir': { type: 'string', multiple: true, default: [] },
      'allow-http': { type: 'string', multiple: true, default: [] },
      'allow-mysql': { type: 'string', multiple: true, default: [] },
      elasticsearch: { type: 'string' },
      'allow-index-prefix': { type: 'string', multiple: true, default: [] },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const [dir] = positionals;
  if (dir === undefined || positionals.length > 1 || values.config === undefined) throw new UsageError('plugin run takes one plugin directory and --config');
  if (values.in !== undefined && values.out !== undefined) throw new UsageError('--in is for sinks, --out for sources: not both');
  const level = values['log-level'];
  if (!isLogLevel(level)) throw new UsageError('--log-level must be trace|debug|info|warn|error');
  const maxRecords = values['max-records'] === undefined ? undefined : Number(values['max-records']);
  if (maxRecords !== undefined && !(Number.isInteger(maxRecords) && maxRecords > 0)) throw new UsageError('--max-records must be a positive integer');
  const { config } = parseConnectorFile(await readFile(values.config, 'utf8'), values.config);
  // Logs go to stderr when records go to stdout, so that each stays readable.
  const log = createJsonLogger({ level, write: (line) => (values.out === '-' ? process.stderr : process.stdout).write(line + '\n') });
  const es = values.elasticsearch;
  const stopSignal = new Promise<void>((r) => {
    process.once('SIGINT', () => r());
    process.once('SIGTERM', () => r());
  });
  const result = await runPlugin({
    dir: resolve(dir),
    config,
    ...(values.out === undefined ? {} : { out: values.out === '-' ? '-' : resolve(values.out) }),
    ...(values.in === undefined ? {} : { in: resolve(values.in) }),
    ...(maxRecords === undefined ? {} : { maxRecords }),
    bootstrapServers: values['bootstrap-servers'],
    ...(values.offsets === undefined ? {} : { offsetsFile: resolve(values.offsets) }),
    policy: {
      fileDirs: values['allow-dir'].map((d) => resolve(d)),
      httpOrigins: values['allow-http'],
      mysqlHosts: values['allow-mysql'],
      elasticsearchNode: es ?? null,
      elasticsearchHosts: es === undefined ? [] : [new URL(es).host],
      elasticsearchIndexPrefixes: values['allow-index-prefix'],
    },
    log,
    stopSignal,
  });
  return runFailure(result.status) === null ? 0 : 1;
}

/** Runs `conveyor plugin ...`; returns the exit code. */
export async function pluginCommand(args: string[]): Promise<number> {
  try {
    if (args[0] === 'new') return await pluginNew(args.slice(1));
    if (args[0] === 'run') return await pluginRun(args.slice(1));
    throw new UsageError(args[0] === undefined ? 'plugin needs a command' : `unknown plugin command ${args[0]}`);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`${(err as Error).message}\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`conveyor plugin: ${(err as Error).message}\n`);
    return 1;
  }
}
