/**
 * Reads whole topics as the CDC differential compares them: every record from the beginning up to the end offsets
 * at the time of the call, key and value parsed as JSON (null for a null body, the text when it is not JSON), the
 * headers as UTF-8 strings. Read with kafkajs, a client independent of the one Conveyor produced with.
 */
import type { Kafka } from 'kafkajs';

export interface TopicRecord {
  offset: number;
  key: unknown;
  value: unknown;
  headers: Record<string, string | string[]>;
}

/** Integers beyond 2^53 (int64 timestamps, BIGINTs) as BigInt, so that they compare exactly. */
const exactIntegers = (_key: string, value: unknown, context?: { source?: string }): unknown =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source) ? BigInt(context.source) : value;

const parse = (b: Buffer | null): unknown => {
  if (b === null) return null;
  const text = b.toString('utf8');
  try {
    return JSON.parse(text, exactIntegers);
  } catch {
    return text;
  }
};

function headersOf(h: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => x.toString()) : v.toString();
  }
  return out;
}

/** Topics whose names start with one of the prefixes. */
export async function topicsStartingWith(kafka: Kafka, prefixes: readonly string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => prefixes.some((p) => t === p || t.startsWith(`${p}.`))).sort();
  } finally {
    await admin.disconnect();
  }
}

/** Every record of each topic (partition 0: the connectors write one-partition topics). */
export async function readTopics(kafka: Kafka, topics: readonly string[], group: string, timeoutMs = 60_000): Promise<Map<string, TopicRecord[]>> {
  const out = new Map<string, TopicRecord[]>(topics.map((t) => [t, []]));
  if (topics.length === 0) return out;
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  for (const t of topics) {
    const offsets = await admin.fetchTopicOffsets(t);
    ends.set(t, offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0));
  }
  const pending = (): string[] => topics.filter((t) => (out.get(t)?.length ?? 0) < (ends.get(t) ?? 0));
  if (pending().length === 0) {
    await admin.disconnect();
    return out;
  }
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((r) => (done = r));
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ topic, message }) => {
        out.get(topic)?.push({ offset: Number(message.offset), key: parse(message.key), value: parse(message.value), headers: headersOf(message.headers) });
        if (pending().length === 0) done();
        return Promise.resolve();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>((_r, j) => (timer = setTimeout(() => j(new Error(`reading ${pending().join(', ')} timed out`)), timeoutMs)))])
      .finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  }
  for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
  return out;
}
