/**
 * The two workers the harness compares, each a standalone worker in its own process started from the same worker
 * properties: Apache Kafka Connect 4.1.1 (ConnectStandalone from Maven Central jars) and Conveyor
 * (`conveyor standalone`). Each has its own directory (offsets, configs, log) and REST port.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { kafkaConnectArtifacts } from '../../bench/reference/kafka-connect.ts';
import { mavenClasspath } from '../../bench/reference/maven-classpath.ts';
import type { MavenArtifact } from '../../bench/reference/maven-classpath.ts';
import { until } from './http.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export type Side = 'kc' | 'conveyor';

export interface Target {
  side: Side;
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r, j) => server.once('error', j).listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** What both workers are given, in Kafka Connect's worker keys. */
export function workerProperties(dir: string, port: number, bootstrap: string): Record<string, string> {
  return {
    'bootstrap.servers': bootstrap,
    listeners: `http://127.0.0.1:${port}`,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.storage.file.filename': join(dir, 'offsets.dat'),
    'offset.flush.interval.ms': '1000',
  };
}

const toProperties = (p: Record<string, string>): string => Object.entries(p).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';

function supervise(child: ChildProcess, logFile: string): () => Promise<void> {
  const out = createWriteStream(logFile);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    out.end();
  };
}

async function ready(side: Side, url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  let exit: string | undefined;
  child.once('exit', (code, signal) => void (exit = `exited with ${code ?? signal}`));
  await until(`${side} REST at ${url}`, async () => {
    if (exit !== undefined) throw new Error(`${side} ${exit} before its REST API answered; see ${logFile}`);
    const res = await fetch(`${url}/connectors`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? true : undefined;
  }, timeoutMs).catch((err: unknown) => {
    throw exit === undefined ? err : new Error(`${side} ${exit} before its REST API answered; see ${logFile}`);
  });
}

/** A started target once its REST answers; stopped again when it never does. */
async function launched(side: Side, child: ChildProcess, logFile: string, port: number, timeoutMs: number): Promise<Target> {
  const stop = supervise(child, logFile);
  const url = `http://127.0.0.1:${port}`;
  try {
    await ready(side, url, child, logFile, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { side, url, logFile, stop };
}

/** Connector jars beyond Apache Kafka's own, resolved into a classpath directory of their own. */
export interface ExtraPlugins {
  /** Directory name under .stack/reference. */
  cacheName: string;
  artifacts: readonly MavenArtifact[];
}

/** Kafka Connect with only the root logger configured (INFO, Conveyor's default level), so /admin/loggers compare. */
export async function startKafkaConnect(dir: string, bootstrap: string, o: { heap?: string; extra?: ExtraPlugins } = {}): Promise<Target> {
  const cacheDir = join(ROOT, '.stack', 'reference', ...(o.extra === undefined ? [] : [o.extra.cacheName]));
  const classpath = await mavenClasspath(cacheDir, kafkaConnectArtifacts(o.extra?.artifacts ?? []));
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const workerFile = join(dir, 'worker.properties');
  await writeFile(workerFile, toProperties(workerProperties(dir, port, bootstrap)));
  const log4j = join(dir, 'log4j2.properties');
  await writeFile(log4j, toProperties({
    'appender.out.type': 'Console', 'appender.out.name': 'STDOUT', 'appender.out.layout.type': 'PatternLayout',
    'appender.out.layout.pattern': '[%d] %p %m (%c)%n', 'rootLogger.level': 'INFO', 'rootLogger.appenderRef.out.ref': 'STDOUT',
  }));
  const logFile = join(dir, 'connect.log');
  const child = spawn('java', [`-Xmx${o.heap ?? '512m'}`, '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath,
    'org.apache.kafka.connect.cli.ConnectStandalone', workerFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  return launched('kc', child, logFile, port, 180_000);
}

/** `conveyor standalone worker.properties`, as bin/conveyor runs it. */
export async function startConveyor(dir: string, bootstrap: string): Promise<Target> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const workerFile = join(dir, 'worker.properties');
  await writeFile(workerFile, toProperties({ ...workerProperties(dir, port, bootstrap), 'conveyor.sandbox.processes': '1' }));
  const logFile = join(dir, 'conveyor.log');
  const child = spawn(process.execPath, ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', join(ROOT, 'host', 'cli', 'main.ts'), 'standalone', workerFile],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  return launched('conveyor', child, logFile, port, 60_000);
}
