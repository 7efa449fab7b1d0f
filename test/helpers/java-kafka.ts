/**
 * The Java Kafka client (the jars the stack runs Kafka from) as a reference peer: test/helpers/java/KafkaProbe.java
 * run with Java's single-file source launcher. Used where a test needs batches written or read by Kafka's own client.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const PROBE = `${ROOT}test/helpers/java/KafkaProbe.java`;

function classpath(): string {
  const libs = readdirSync(`${ROOT}.stack/kafka`).find((d) => d.startsWith('libs-'));
  if (libs === undefined) throw new Error('no Kafka jars under .stack/kafka: is the stack up (npm run stack -- up)?');
  return `${ROOT}.stack/kafka/${libs}/*`;
}

/** Writes count records k<i> -> <prefix><i> with the Java producer and this compression.type. */
export async function javaProduce(bootstrap: string, topic: string, compression: string, count: number, prefix: string): Promise<void> {
  await run('java', ['-cp', classpath(), PROBE, 'produce', bootstrap, topic, compression, String(count), prefix], { timeout: 120_000 });
}

/** Reads count records with the Java consumer; their values. */
export async function javaConsume(bootstrap: string, topic: string, count: number): Promise<string[]> {
  const { stdout } = await run('java', ['-cp', classpath(), PROBE, 'consume', bootstrap, topic, String(count)], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l.length > 0);
}
