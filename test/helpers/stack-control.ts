/**
 * Faults on the local stack for tests that need them: stop and start a service through the stack script, or freeze
 * Kafka with SIGSTOP. Tests run one file at a time, so nothing else uses the stack meanwhile; every test that
 * stops or freezes a service brings it back in a `finally`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url).pathname;

export function stackCommand(...args: string[]): void {
  stackCommandWith({}, ...args);
}

/** The stack script with extra environment (CONVEYOR_STACK_DIR and friends: a stack of a test's own). */
export function stackCommandWith(env: Readonly<Record<string, string>>, ...args: string[]): void {
  execFileSync('bash', [`${ROOT}scripts/stack.sh`, ...args], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 240_000, env: { ...process.env, ...env } });
}

/** The pid of the Kafka broker the stack started (its pid file), for SIGSTOP/SIGCONT. */
export function kafkaPid(): number {
  const pid = Number(readFileSync(`${ROOT}.stack/kafka/kafka.pid`, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('no Kafka pid file: is the stack up (npm run stack -- up)?');
  return pid;
}
