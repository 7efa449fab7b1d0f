/**
 * conveyor standalone worker.properties [connector.properties|connector.json ...]   (like connect-standalone)
 * conveyor [--config worker.json] [--port 8083] [--plugin-path DIR]... [--worker-id ID] [--no-builtin-plugins]
 * Starts a worker with its REST API; SIGINT/SIGTERM stop it cleanly.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../core/logger.ts';
import type { Logger } from '../core/logger.ts';
import { startRestServer } from '../rest/server.ts';
import { Worker } from '../worker/worker.ts';
import { workerConfig } from '../worker/worker-config.ts';
import type { WorkerConfig } from '../worker/worker-config.ts';
import { readConnectorFile, readWorkerProperties, workerInputFromProperties } from './standalone.ts';

const argv = process.argv.slice(2);

async function flagsConfig(args: string[]): Promise<WorkerConfig> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'plugin-path': { type: 'string', multiple: true },
      'worker-id': { type: 'string' },
      'no-builtin-plugins': { type: 'boolean' },
    },
  });
  const file = values.config === undefined ? {} : (JSON.parse(await readFile(values.config, 'utf8')) as Record<string, unknown>);
  return workerConfig({
    ...file,
    ...(values.port === undefined ? {} : { restPort: Number(values.port) }),
    ...(values.host === undefined ? {} : { restHost: values.host }),
    ...(values['plugin-path'] === undefined ? {} : { pluginPath: values['plugin-path'] }),
    ...(values['worker-id'] === undefined ? {} : { workerId: values['worker-id'] }),
    ...(values['no-builtin-plugins'] === true ? { builtinPlugins: false } : {}),
  });
}

async function run(): Promise<void> {
  const standalone = argv[0] === 'standalone';
  if (standalone && argv[1] === undefined) {
    process.stderr.write('usage: conveyor standalone worker.properties [connector.properties|connector.json ...]\n');
    process.exit(2);
  }
  const config = standalone ? workerConfig(workerInputFromProperties(await readWorkerProperties(argv[1] as string))) : await flagsConfig(argv);
  const log = createJsonLogger({ level: config.logLevel });
  const worker = await Worker.create(config, log);
  const rest = await startRestServer(worker, { host: config.restHost, port: config.restPort, log: log.child({ component: 'rest' }) });

  let stopping = false;
  const stop = (signal: string, code = 0): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping worker', { signal });
    void rest
      .close()
      .then(() => worker.close())
      .then(() => process.exit(code));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (standalone) await startConnectorFiles(worker, argv.slice(2), log, () => stop('connector-file-error', 1));
}

async function startConnectorFiles(worker: Worker, files: string[], log: Logger, fail: () => void): Promise<void> {
  for (const file of files) {
    try {
      const { name, config } = await readConnectorFile(file);
      const exists = worker.connectorNames().includes(name);
      if (exists) await worker.putConnectorConfig(name, config);
      else await worker.createConnector(name, config);
      log.info(exists ? 'connector updated from file' : 'connector created from file', { connector: name, file });
    } catch (err) {
      log.error('failed to create connector from file', { file, error: err });
      fail();
      return;
    }
  }
}

await run();
