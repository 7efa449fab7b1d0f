import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mavenClasspath, type MavenArtifact } from './maven-classpath.ts';

/** Apache Kafka Connect from Maven Central, run in standalone mode as the reference our benchmarks compare with. */
export const KAFKA_CONNECT_VERSION = '4.1.1';

export const kafkaConnectArtifacts = (extra: readonly MavenArtifact[] = []): MavenArtifact[] => [
  { groupId: 'org.apache.kafka', artifactId: 'connect-runtime', version: KAFKA_CONNECT_VERSION },
  { groupId: 'org.apache.kafka', artifactId: 'connect-file', version: KAFKA_CONNECT_VERSION },
  { groupId: 'org.apache.kafka', artifactId: 'connect-json', version: KAFKA_CONNECT_VERSION },
  { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: '2.24.3' },
  ...extra,
];

export type Properties = Record<string, string | number | boolean>;

export interface ConnectStandaloneOptions {
  /** Working directory for configs, offsets and the log (created). */
  dir: string;
  /** Where resolved jars are cached. */
  cacheDir: string;
  worker: Properties;
  connectors: Record<string, Properties>;
  extraArtifacts?: readonly MavenArtifact[];
  heap?: string;
}

export interface ConnectStandalone {
  process: ChildProcess;
  restUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

const toProperties = (p: Properties): string =>
  Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n';

/** Starts org.apache.kafka.connect.cli.ConnectStandalone with the given worker and connector configs. */
export async function startConnectStandalone(options: ConnectStandaloneOptions): Promise<ConnectStandalone> {
  const classpath = await mavenClasspath(options.cacheDir, kafkaConnectArtifacts(options.extraArtifacts));
  await mkdir(options.dir, { recursive: true });
  const workerFile = join(options.dir, 'worker.properties');
  const port = Number(options.worker['listeners']?.toString().split(':').at(-1) ?? 8093);
  await writeFile(workerFile, toProperties({
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.storage.file.filename': join(options.dir, 'offsets.dat'),
    'offset.flush.interval.ms': 1000,
    listeners: `http://127.0.0.1:${port}`,
    ...options.worker,
  }));
  const connectorFiles: string[] = [];
  for (const [name, props] of Object.entries(options.connectors)) {
    const file = join(options.dir, `${name}.properties`);
    await writeFile(file, toProperties({ name, ...props }));
    connectorFiles.push(file);
  }
  const log4j = join(options.dir, 'log4j2.properties');
  await writeFile(log4j, [
    'appender.out.type = Console', 'appender.out.name = STDOUT', 'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n', 'rootLogger.level = WARN', 'rootLogger.appenderRef.out.ref = STDOUT',
    'logger.connect.name = org.apache.kafka.connect.runtime', 'logger.connect.level = INFO',
  ].join('\n') + '\n');
  const logFile = join(options.dir, 'connect.log');
  const out = createWriteStream(logFile);
  const child = spawn('java', [`-Xmx${options.heap ?? '1g'}`, `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath,
    'org.apache.kafka.connect.cli.ConnectStandalone', workerFile, ...connectorFiles], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    restUrl: `http://127.0.0.1:${port}`,
    logFile,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      out.end();
    },
  };
}
