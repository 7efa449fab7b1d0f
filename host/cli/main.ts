/**
 * conveyor distributed worker.properties   (like connect-distributed: a worker of a cluster on etcd)
 * conveyor standalone worker.properties [connector.properties|connector.json ...]   (like connect-standalone)
 * conveyor plugin new|run ...   (a plugin author's scaffold and local runner: see plugin-command.ts)
 * conveyor [--config worker.json] [--port 8083] [--plugin-path DIR]... [--worker-id ID] [--no-builtin-plugins]
 * Starts a worker with its REST API; SIGINT/SIGTERM stop it cleanly.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../core/logger.ts';
import type { Logger } from '../core/logger.ts';
import { restSecurity } from '../rest/security-settings.ts';
import { startRestServer } from '../rest/server.ts';
import { Worker } from '../worker/worker.ts';
import { workerConfig } from '../worker/worker-config.ts';
import type { WorkerConfig } from '../worker/worker-config.ts';
import { DistributedHerder } from '../distributed/herder.ts';
import { distributedInputFromProperties } from '../distributed/distributed-config.ts';
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

/** Stops once on SIGINT/SIGTERM: graceful shutdown (a distributed worker hands its tasks over at once). */
function onSignals(log: Logger, stop: () => Promise<void>): (reason: string, code?: number) => void {
  // A promise nobody awaited must not take the whole worker (and every task on it) down: log it and carry on.
  process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error }));
  let stopping = false;
  const shutdown = (reason: string, code = 0): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping worker', { reason });
    void stop()
      .catch((err: unknown) => log.error('shutdown failed', { error: err }))
      .then(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return shutdown;
}

async function runDistributed(file: string | undefined): Promise<void> {
  if (file === undefined) {
    process.stderr.write('usage: conveyor distributed worker.properties\n');
    process.exit(2);
  }
  const { worker, settings } = distributedInputFromProperties(await readWorkerProperties(file));
  const config = workerConfig(worker);
  const log = createJsonLogger({ level: config.logLevel });
  const herder = await DistributedHerder.create({ config, settings, log });
  const rest = await startRestServer(herder, { ...restSecurity(config.connectProperties, log, herder.tenants), host: config.restHost, port: config.restPort, log: log.child({ component: 'rest' }), routing: herder });
  onSignals(log, async () => {
    await herder.close();
    await rest.close();
  });
  const url = new URL(settings.advertisedUrl);
  if (url.port === '0') url.port = String(rest.port);
  await herder.join(url.toString().replace(/\/$/, ''));
  log.info('worker joined the cluster', { cluster: settings.clusterId, url: url.toString() });
}

async function run(): Promise<void> {
  if (argv[0] === 'plugin') {
    const { pluginCommand } = await import('./plugin-command.ts');
    process.exit(await pluginCommand(argv.slice(1)));
  }
  if (argv[0] === 'distributed') {
    await runDistributed(argv[1]);
    return;
  }
  const standalone = argv[0] === 'standalone';
  if (standalone && argv[1] === undefined) {
    process.stderr.write('usage: conveyor standalone worker.properties [connector.properties|connector.json ...]\n');
    process.exit(2);
  }
  const config = standalone ? workerConfig(workerInputFromProperties(await readWorkerProperties(argv[1] as string))) : await flagsConfig(argv);
  const log = createJsonLogger({ level: config.logLevel });
  const worker = await Worker.create(config, log);
  const rest = await startRestServer(worker, { ...restSecurity(config.connectProperties, log), host: config.restHost, port: config.restPort, log: log.child({ component: 'rest' }) });

  const stop = onSignals(log, async () => {
    await rest.close();
    await worker.close();
  });
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
