/**
 * conveyor distributed worker.properties   (like connect-distributed: a worker of a cluster on etcd)
 * conveyor standalone worker.properties [connector.properties|connector.json ...]   (like connect-standalone)
 * conveyor plugin new|run ...   (a plugin author's scaffold and local runner: see plugin-command.ts)
 * conveyor [--config worker.json] [--port 8083] [--plugin-path DIR]... [--worker-id ID] [--no-builtin-plugins]
 * conveyor get|describe|apply|validate|pause|resume|stop|restart|delete|patch|config ...   (the operator's CLI, ctl/)
 * The CLI's commands load none of the worker's modules.
 */
import { CTL_COMMANDS, runCli } from './ctl/main.ts';

const argv = process.argv.slice(2);
if (argv[0] !== undefined && CTL_COMMANDS.has(argv[0])) process.exitCode = await runCli(argv);
else if (argv[0] === 'plugin') {
  const { pluginCommand } = await import('./plugin-command.ts');
  process.exit(await pluginCommand(argv.slice(1)));
} else await import('./worker-main.ts');
