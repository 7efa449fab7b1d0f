/**
 * The CDC half of the differential harness. One database per run on the stack's MariaDB gets the scenario's tables
 * and snapshot rows (cdc-scenario.ts); Debezium's MariaDB connector 3.5.0.Final in Apache Kafka Connect 4.1.1 and
 * Conveyor's CDC source, each in its own standalone worker, capture it with the same connector configs (one per
 * variant, JsonConverter with schemas on both sides), each to its own topic prefix. Once every snapshot row is in
 * Kafka the streaming statements run; once both sides wrote the sentinel row and their topics stopped growing, every
 * topic of each prefix (data, schema changes, transactions, schema history) is read, normalised (cdc-normalise.ts)
 * and compared record by record, headers included (cdc-compare.ts). One result line per topic.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import mysql from 'mysql2/promise';
import { DEBEZIUM_ARTIFACT, DEBEZIUM_CLASS, DEBEZIUM_VERSION } from '../../bench/reference/debezium.ts';
import { createJsonLogger } from '../../host/core/logger.ts';
import { createKafkajs } from '../helpers/kafkajs-client.ts';
import { stack } from '../helpers/stack.ts';
import { CDC_ALLOWED } from './allowed.ts';
import { compareTopic } from './cdc-compare.ts';
import { normaliseRecord } from './cdc-normalise.ts';
import { SNAPSHOT_SQL, STREAMING_SQL, TYPE_TABLES, VARIANTS } from './cdc-scenario.ts';
import type { Variant } from './cdc-scenario.ts';
import { readTopics, topicsStartingWith } from './cdc-topics.ts';
import type { TopicRecord } from './cdc-topics.ts';
import { send, until } from './http.ts';
import { unfill } from './normalise.ts';
import type { Vars } from './normalise.ts';
import { cdcAllowedLegend, jsonText, stepLine } from './report.ts';
import type { StepResult } from './report.ts';
import { ROOT, startConveyor, startKafkaConnect } from './targets.ts';
import type { Side, Target } from './targets.ts';

const log = createJsonLogger({ level: 'error', write: (l) => process.stderr.write(l + '\n') });
const SIDES = ['kc', 'conveyor'] as const satisfies readonly Side[];
const SNAPSHOT_MS = 180_000;
/** Topics are read once their end offsets stayed put this long after the sentinel arrived. */
const SETTLE_MS = 4000;

const SNAPSHOT_ROWS: Readonly<Record<string, number>> = { ...Object.fromEntries(TYPE_TABLES.map((t) => [t.name, t.rows.length])), nopk: 2 };

interface Capture {
  side: Side;
  variant: Variant;
  prefix: string;
  vars: Vars;
}

const prefixOf = (side: Side, variant: Variant, run: string): string => `dz${side === 'kc' ? 'kc' : 'cv'}_${run}_${variant.name}`;
const historyTopic = (prefix: string): string => `schemahistory.${prefix}`;

function connectorConfig(c: Capture, db: string, bootstrap: string, serverId: number): Record<string, string> {
  const json = 'org.apache.kafka.connect.json.JsonConverter';
  return {
    'connector.class': DEBEZIUM_CLASS,
    'tasks.max': '1',
    'database.hostname': stack.mariadb.host,
    'database.port': String(stack.mariadb.port),
    'database.user': stack.mariadb.cdcUser,
    'database.password': stack.mariadb.cdcPassword,
    'database.server.id': String(serverId),
    'topic.prefix': c.prefix,
    'database.include.list': db,
    ...(c.variant.tables === undefined ? {} : { 'table.include.list': c.variant.tables.map((t) => `${db}\\.${t}`).join(',') }),
    'schema.history.internal.kafka.topic': historyTopic(c.prefix),
    'schema.history.internal.kafka.bootstrap.servers': bootstrap,
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '1',
    'key.converter': json,
    'key.converter.schemas.enable': 'true',
    'value.converter': json,
    'value.converter.schemas.enable': 'true',
    ...Object.fromEntries(Object.entries(c.variant.config).map(([k, v]) => [k, v.replaceAll('{db}', db)])),
  };
}

async function records(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } catch {
    return 0;
  } finally {
    await admin.disconnect();
  }
}

async function failure(target: Target, name: string): Promise<string | undefined> {
  const r = await send(target.url, { method: 'GET', path: `/connectors/${name}/status` });
  const text = JSON.stringify(r.body);
  return r.status === 200 && text.includes('"FAILED"') ? text.slice(0, 1500) : undefined;
}

/** Until `done` holds for every capture; a FAILED connector or task ends the wait with its status. */
async function waitFor(what: string, targets: Map<Side, Target>, captures: readonly Capture[], done: (c: Capture) => Promise<boolean>): Promise<void> {
  let failed: string | undefined;
  await until(what, async () => {
    for (const c of captures) {
      const status = await failure(targets.get(c.side)!, c.prefix);
      if (status !== undefined) failed = `${c.side} connector ${c.prefix} failed: ${status}`;
    }
    if (failed !== undefined) return false;
    for (const c of captures) if (!(await done(c))) return undefined;
    return true;
  }, SNAPSHOT_MS).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; logs: ${[...targets.values()].map((t) => t.logFile).join(', ')}`);
  });
  if (failed !== undefined) throw new Error(`${failed}; logs: ${[...targets.values()].map((t) => t.logFile).join(', ')}`);
}

/** Until the end offsets of every topic of the captures stayed the same for SETTLE_MS. */
async function settle(kafka: Kafka, captures: readonly Capture[]): Promise<void> {
  let last = '';
  let since = Date.now();
  for (;;) {
    const topics = await topicsStartingWith(kafka, captures.flatMap((c) => [c.prefix, historyTopic(c.prefix)]));
    const counts = JSON.stringify(await Promise.all(topics.map(async (t) => [t, await records(kafka, t)])));
    if (counts !== last) {
      last = counts;
      since = Date.now();
    } else if (Date.now() - since >= SETTLE_MS) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function judgeTopic(variant: string, topic: string, kc: TopicRecord[] | undefined, cv: TopicRecord[] | undefined, vars: { kc: Vars; conveyor: Vars }): StepResult {
  const label = `${variant} ${topic} (${kc?.length ?? 'no topic'} / ${cv?.length ?? 'no topic'} records)`;
  const base = { id: `${variant}:${topic}`, req: { method: 'TOPIC', path: topic }, label, notes: [] };
  if (kc === undefined || cv === undefined) {
    return { ...base, verdict: 'DIFF', differences: [{ path: 'topic', kc: kc === undefined ? undefined : `${kc.length} records`, conveyor: cv === undefined ? undefined : `${cv.length} records` }] };
  }
  const result = compareTopic(topic, kc.map((r) => normaliseRecord(r, vars.kc)), cv.map((r) => normaliseRecord(r, vars.conveyor)));
  const reasons = [...result.allowed].map(([id, n]) => `${CDC_ALLOWED[id].reason} (${id}, ${n}×)`).join('; ');
  if (result.differences.length > 0) return { ...base, verdict: 'DIFF', differences: result.differences, ...(reasons === '' ? {} : { reason: `also allowed: ${reasons}` }) };
  return { ...base, verdict: result.allowed.size === 0 ? 'ok' : 'allowed', differences: [], ...(reasons === '' ? {} : { reason: reasons }) };
}

export async function runCdc(o: { bootstrap: string; keep: boolean }): Promise<StepResult[]> {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const dir = join(ROOT, '.tmp', `differential-cdc-${run}`);
  await mkdir(dir, { recursive: true });
  const db = `dzdb_${run}`;
  const fillDb = (sql: string): string => sql.replaceAll('{db}', db);
  const admin = await mysql.createConnection({ host: stack.mariadb.host, port: stack.mariadb.port, user: stack.mariadb.adminUser, password: stack.mariadb.adminPassword });
  const kafka = createKafkajs({ bootstrapServers: o.bootstrap, clientId: `differential-cdc-${run}`, logger: log });
  const targets = new Map<Side, Target>();
  const captures: Capture[] = SIDES.flatMap((side) => VARIANTS.map((variant) => {
    const prefix = prefixOf(side, variant, run);
    return { side, variant, prefix, vars: { prefix, db } };
  }));
  const results: StepResult[] = [];
  const raw: Record<string, unknown> = {};
  try {
    await admin.query(`CREATE DATABASE \`${db}\``);
    for (const sql of SNAPSHOT_SQL) await admin.query(fillDb(sql));
    process.stdout.write(`database ${db}: ${SNAPSHOT_SQL.length} statements; starting Kafka Connect ${DEBEZIUM_ARTIFACT} ${DEBEZIUM_VERSION} and Conveyor standalone…\n`);
    const started = await Promise.allSettled([
      startKafkaConnect(join(dir, 'kc'), o.bootstrap, { heap: '1g', extra: { cacheName: `${DEBEZIUM_ARTIFACT}-${DEBEZIUM_VERSION}`, artifacts: [{ groupId: 'io.debezium', artifactId: DEBEZIUM_ARTIFACT, version: DEBEZIUM_VERSION }] } }),
      startConveyor(join(dir, 'conveyor'), o.bootstrap),
    ]);
    for (const [i, s] of started.entries()) if (s.status === 'fulfilled') targets.set(SIDES[i]!, s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    let serverId = 400_000 + Math.floor(Math.random() * 100_000);
    for (const c of captures) {
      const res = await send(targets.get(c.side)!.url, { method: 'POST', path: '/connectors', body: { name: c.prefix, config: connectorConfig(c, db, o.bootstrap, serverId++) } });
      if (res.status !== 201) throw new Error(`${c.side}: creating ${c.prefix} answered ${res.status} ${JSON.stringify(res.body)}`);
    }
    const tablesOf = (c: Capture): string[] => (c.variant.tables ?? Object.keys(SNAPSHOT_ROWS)).filter((t) => (SNAPSHOT_ROWS[t] ?? 0) > 0);
    await waitFor('every snapshot row in Kafka', targets, captures, async (c) => {
      // Without rows to wait for, the schema history's first records tell that the snapshot ran.
      if (c.variant.snapshotRows === false) return (await records(kafka, historyTopic(c.prefix))) > 0;
      for (const t of tablesOf(c)) if ((await records(kafka, `${c.prefix}.${db}.${t}`)) < (SNAPSHOT_ROWS[t] ?? 0)) return false;
      return true;
    });
    process.stdout.write('snapshots done; streaming statements…\n');
    for (const entry of STREAMING_SQL) {
      if (typeof entry === 'string') {
        await admin.query(fillDb(entry));
        continue;
      }
      await admin.beginTransaction();
      for (const sql of entry) await admin.query(fillDb(sql));
      await admin.commit();
    }
    await waitFor('the sentinel row on every prefix', targets, captures, async (c) => (await records(kafka, `${c.prefix}.${db}.done`)) >= 1);
    await settle(kafka, captures);
    process.stdout.write(`${cdcAllowedLegend()}\n\n`);
    for (const variant of VARIANTS) {
      const [kc, cv] = SIDES.map((side) => captures.find((c) => c.side === side && c.variant === variant)!) as [Capture, Capture];
      const read = async (c: Capture): Promise<Map<string, TopicRecord[]>> => {
        const topics = await topicsStartingWith(kafka, [c.prefix, historyTopic(c.prefix)]);
        const got = await readTopics(kafka, topics, `differential-cdc-${c.prefix}`);
        return new Map([...got].map(([t, list]) => [unfill(t, c.vars) as string, list]));
      };
      const kcTopics = await read(kc);
      const cvTopics = await read(cv);
      raw[variant.name] = { kc: Object.fromEntries(kcTopics), conveyor: Object.fromEntries(cvTopics) };
      for (const topic of [...new Set([...kcTopics.keys(), ...cvTopics.keys()])].sort()) {
        const result = judgeTopic(variant.name, topic, kcTopics.get(topic), cvTopics.get(topic), { kc: kc.vars, conveyor: cv.vars });
        results.push(result);
        process.stdout.write(stepLine(result) + '\n');
      }
    }
  } finally {
    for (const t of [...targets.values()].reverse()) await t.stop().catch(() => undefined);
    const topics = await topicsStartingWith(kafka, captures.flatMap((c) => [c.prefix, historyTopic(c.prefix)])).catch(() => []);
    const kadmin = kafka.admin();
    await kadmin.connect().then(() => kadmin.deleteTopics({ topics })).catch(() => undefined).finally(() => kadmin.disconnect());
    await admin.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await writeFile(join(dir, 'report.json'), jsonText({ results, raw }, 2));
    if (o.keep) process.stdout.write(`kept ${dir} (logs, report.json)\n`);
    else await rm(dir, { recursive: true, force: true });
  }
  return results;
}
