/**
 * A three-broker Kafka of a test's own (`npm run stack -- up --kafka-brokers 3` in a stack directory of its own and
 * on ports beside the default stack's), for faults a single broker cannot show: kill -9 of a partition leader and
 * its return. Nodes are numbered 1..3 as their node.id.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackCommandWith } from './stack-control.ts';

export class KafkaTestCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'conveyor-kafka3-'));
  readonly #env: Record<string, string>;
  readonly portBase: number;
  readonly nodes: number;

  constructor(portBase = 19092, nodes = 3) {
    this.portBase = portBase;
    this.nodes = nodes;
    this.#env = { CONVEYOR_STACK_DIR: this.dir, CONVEYOR_STACK_KAFKA_PORT: String(portBase) };
  }

  get brokers(): string[] {
    return Array.from({ length: this.nodes }, (_, i) => `127.0.0.1:${this.portBase + i}`);
  }

  /** Starts every node that is not running and waits until all are healthy. */
  up(): void {
    stackCommandWith(this.#env, 'up', 'kafka', '--kafka-brokers', String(this.nodes));
  }

  pid(node: number): number {
    const file = node === 1 ? join(this.dir, 'kafka/kafka.pid') : join(this.dir, `kafka/node-${node}/kafka.pid`);
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for Kafka node ${node} in ${file}`);
    return pid;
  }

  kill(node: number): void {
    process.kill(this.pid(node), 'SIGKILL');
  }

  down(): void {
    try {
      stackCommandWith(this.#env, 'down', '--clean', 'kafka');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
