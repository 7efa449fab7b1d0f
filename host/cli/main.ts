/**
 * conveyor worker [--config worker.json] [--port 8083] [--plugin-path DIR]... [--worker-id ID] [--no-builtin-plugins]
 * Starts a worker with its REST API; SIGINT/SIGTERM stop it cleanly.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../core/logger.ts';
import { startRestServer } from '../rest/server.ts';
import { Worker } from '../worker/worker.ts';
import { workerConfig } from '../worker/worker-config.ts';

const { values } = parseArgs({
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
const config = workerConfig({
  ...file,
  ...(values.port === undefined ? {} : { restPort: Number(values.port) }),
  ...(values.host === undefined ? {} : { restHost: values.host }),
  ...(values['plugin-path'] === undefined ? {} : { pluginPath: values['plugin-path'] }),
  ...(values['worker-id'] === undefined ? {} : { workerId: values['worker-id'] }),
  ...(values['no-builtin-plugins'] === true ? { builtinPlugins: false } : {}),
});
const log = createJsonLogger({ level: config.logLevel });
const worker = await Worker.create(config, log);
const rest = await startRestServer(worker, { host: config.restHost, port: config.restPort, log: log.child({ component: 'rest' }) });

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info('stopping worker', { signal });
  void rest
    .close()
    .then(() => worker.close())
    .then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
