/** Fixtures for mysql-cdc task tests: the real mysql capability behind the SDK harness, committed-offset bookkeeping. */
import type { MysqlCapability } from '../../../sdk/capabilities.ts';
import type { SourceOffset, SourceRecord } from '../../../sdk/records.ts';
import { createTaskHarness } from '../../../sdk/testing.ts';
import type { TaskHarness } from '../../../sdk/testing.ts';
import { mysqlCapability } from '../../../host/capabilities/mysql.ts';
import { policyFrom } from '../../../host/capabilities/policy.ts';
import plugin from '../../../plugins/mysql-cdc/src/index.ts';
import { serverId } from '../binlog/helpers.ts';
import { stack } from '../../helpers/stack.ts';

export interface RealMysql {
  api: MysqlCapability;
  release(): Promise<void>;
}

/** The host-side capability (policy-checked, validated) with arguments and results copied like the sandbox does. */
export function realMysql(): RealMysql {
  const impl = mysqlCapability(policyFrom({ mysqlHosts: [`${stack.mariadb.host}:${stack.mariadb.port}`] }));
  const api = new Proxy({} as MysqlCapability, {
    get: (_t, method: string) => async (...args: unknown[]) => {
      const fn = impl[method];
      if (typeof fn !== 'function') throw new Error(`no method ${method}`);
      return JSON.parse(JSON.stringify((await fn(JSON.parse(JSON.stringify(args)) as unknown[])) ?? null)) as unknown;
    },
  });
  return { api, release: () => impl.release() };
}

export function cdcConfig(db: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
    'database.hostname': stack.mariadb.host,
    'database.port': String(stack.mariadb.port),
    'database.user': stack.mariadb.cdcUser,
    'database.password': stack.mariadb.cdcPassword,
    'database.server.id': String(serverId()),
    'topic.prefix': prefix,
    'database.include.list': db,
    'schema.history.internal.kafka.topic': `schemahistory.${prefix}`,
    'schema.history.internal.kafka.bootstrap.servers': stack.kafkaBrokers.join(','),
    'poll.interval.ms': '100',
    ...extra,
  };
}

export interface CdcRun {
  harness: TaskHarness;
  mysql: RealMysql;
  /** Polls once and returns the batch; commits it first when `commit` (the worker commits after the ack). */
  poll(commit?: boolean): Promise<SourceRecord[]>;
  /** Polls (committing) until `until` holds for everything polled by this call, or `maxPolls` run out. */
  pollUntil(until: (records: SourceRecord[]) => boolean, maxPolls?: number): Promise<SourceRecord[]>;
  stop(): Promise<void>;
}

/** Starts a task on the committed offsets in `offsets` (keyed by JSON partition); polls commit into it. */
export async function startTask(config: Record<string, string>, offsets: Map<string, SourceOffset>): Promise<CdcRun> {
  const mysql = realMysql();
  const harness = createTaskHarness(plugin, { config, offsets, capabilities: { mysql: mysql.api } });
  try {
    await harness.start();
  } catch (err) {
    await harness.stop().catch(() => undefined);
    await mysql.release();
    throw err;
  }
  const commit = (batch: SourceRecord[]): void => {
    for (const r of batch) offsets.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
  };
  const run: CdcRun = {
    harness,
    mysql,
    async poll(doCommit = true) {
      const batch = await harness.poll();
      if (doCommit) commit(batch);
      return batch;
    },
    async pollUntil(until, maxPolls = 2000) {
      const out: SourceRecord[] = [];
      for (let i = 0; i < maxPolls && !until(out); i++) out.push(...(await run.poll()));
      if (!until(out)) throw new Error(`condition not met after ${maxPolls} polls (${out.length} records)`);
      return out;
    },
    async stop() {
      await harness.stop();
      await mysql.release();
    },
  };
  return run;
}

export interface Envelope {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  op: string;
  source: { snapshot: string; table: string; db: string; file: string; pos: number; row: number };
}
export const envelope = (r: SourceRecord): Envelope => r.value as unknown as Envelope;
export const dataRecords = (rs: SourceRecord[], prefix: string, db: string): SourceRecord[] => rs.filter((r) => r.topic.startsWith(`${prefix}.${db}.`) && r.value !== null);
