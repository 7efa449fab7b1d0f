/**
 * Kafka client bake-off: the same work through each candidate client on the local broker, one after the other.
 * For each candidate: a fresh topic (6 partitions, RF 1), N × 1 KB keyed records (default 1,000,000) produced with
 * acks=all and idempotence in batches of --batch records with --inflight send() calls outstanding (both clients then
 * put one produce request per broker on the wire at a time), the end offsets checked to add up to N, then all of them
 * consumed back by a fresh consumer group (Java-default fetch sizes, offsets autocommitted every second). Produce is
 * timed from the first send to the last acknowledgement, consume from the group join to the last record.
 * The last line is JSON; ratios are chosen / kafkajs.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Admin } from 'kafkajs';
import { createJsonLogger } from '../host/core/logger.ts';
import { createKafkajs } from '../test/helpers/kafkajs-client.ts';
import type { BenchSpec, Candidate } from './kafka/common.ts';
import { kafkajsCandidate } from './kafka/kafkajs.ts';
import { platformaticCandidate } from './kafka/platformatic.ts';

const BOOTSTRAP = process.env.CONVEYOR_KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
const PARTITIONS = 6;
const CHOSEN = '@platformatic/kafka';
const log = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(l + '\n') });

interface Figures {
  produceRps: number;
  consumeRps: number;
}

const rps = (records: number, ms: number): number => Math.round(records / (ms / 1000));
const ratio = (a: number | undefined, b: number | undefined): number | null => (a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 100) / 100);

async function endOffsetTotal(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

async function runCandidate(candidate: Candidate, admin: Admin, base: Omit<BenchSpec, 'topic' | 'group'>): Promise<Figures> {
  const slug = candidate.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
  const tag = randomBytes(6).toString('hex');
  const spec: BenchSpec = { ...base, topic: `kafka-bench-${slug}-${tag}`, group: `kafka-bench-${slug}-${tag}` };
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: spec.topic, numPartitions: PARTITIONS, replicationFactor: 1 }] });
  try {
    const produceMs = await candidate.produce(spec);
    const written = await endOffsetTotal(admin, spec.topic);
    if (written !== spec.records) throw new Error(`${candidate.name}: the topic holds ${written} records after producing ${spec.records}`);
    const consumed = await candidate.consume(spec);
    if (consumed.count !== spec.records) throw new Error(`${candidate.name}: consumed ${consumed.count} records, expected ${spec.records}`);
    const mb = (spec.records * spec.value.length) / (1024 * 1024);
    const figures = { produceRps: rps(spec.records, produceMs), consumeRps: rps(spec.records, consumed.ms) };
    process.stdout.write(
      `${candidate.name}: produce ${spec.records} records in ${(produceMs / 1000).toFixed(2)} s = ${figures.produceRps} records/s ` +
      `(${(mb / (produceMs / 1000)).toFixed(1)} MB/s); consume in ${(consumed.ms / 1000).toFixed(2)} s after a ` +
      `${(consumed.joinMs / 1000).toFixed(2)} s group join = ${figures.consumeRps} records/s (${(mb / (consumed.ms / 1000)).toFixed(1)} MB/s)\n`,
    );
    return figures;
  } finally {
    await admin.deleteTopics({ topics: [spec.topic] }).catch((e: unknown) => process.stderr.write(`cannot delete ${spec.topic}: ${String(e)}\n`));
    await admin.deleteGroups([spec.group]).catch(() => undefined);
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      records: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '1000' },
      inflight: { type: 'string', default: '4' },
      size: { type: 'string', default: '1024' },
    },
  });
  const base: Omit<BenchSpec, 'topic' | 'group'> = {
    bootstrap: BOOTSTRAP,
    records: Number(values.records),
    batch: Number(values.batch),
    inflight: Number(values.inflight),
    value: randomBytes(Number(values.size)),
    fetch: { maxBytes: 52_428_800, maxBytesPerPartition: 1_048_576, maxWaitMs: 500 },
    autocommitMs: 1000,
    timeoutMs: 600_000,
  };
  for (const [name, v] of Object.entries({ records: base.records, batch: base.batch, inflight: base.inflight, size: base.value.length })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  }
  process.stdout.write(`kafka bench: ${base.records} × ${base.value.length} B records, batches of ${base.batch}, ${base.inflight} in flight, ${PARTITIONS} partitions, acks=all, idempotent\n`);

  const admin = createKafkajs({ bootstrapServers: BOOTSTRAP, clientId: 'kafka-bench-admin', logger: log }).admin();
  await admin.connect();
  const results = new Map<string, Figures>();
  try {
    for (const candidate of [kafkajsCandidate(log), platformaticCandidate()]) {
      results.set(candidate.name, await runCandidate(candidate, admin, base));
    }
  } finally {
    await admin.disconnect();
  }
  const chosen = results.get(CHOSEN);
  const baseline = results.get('kafkajs');
  process.stdout.write(JSON.stringify({
    bench: 'kafka', chosen: CHOSEN,
    produce_rps: chosen?.produceRps ?? null, consume_rps: chosen?.consumeRps ?? null,
    kafkajs_produce_rps: baseline?.produceRps ?? null, kafkajs_consume_rps: baseline?.consumeRps ?? null,
    produce_ratio: ratio(chosen?.produceRps, baseline?.produceRps), consume_ratio: ratio(chosen?.consumeRps, baseline?.consumeRps),
  }) + '\n');
}
