import type { JsonValue } from '../../../../sdk/records.ts';
import type { WriterClock } from '../../../../plugins/elasticsearch-sink/src/bulk-writer.ts';
import { normalizeConfig } from '../../../../plugins/elasticsearch-sink/src/config.ts';
import type { EsSinkConfig } from '../../../../plugins/elasticsearch-sink/src/config.ts';
import { ES_SINK_CONFIG } from '../../../../plugins/elasticsearch-sink/src/config.ts';
import { parseConfig } from '../../../../sdk/config.ts';
import type { EsSinkRecord } from '../../../../plugins/elasticsearch-sink/src/types.ts';

export function config(props: Record<string, string> = {}): EsSinkConfig {
  return normalizeConfig(parseConfig(ES_SINK_CONFIG, { 'connection.url': 'http://127.0.0.1:9200', ...props }));
}

export function record(fields: Partial<EsSinkRecord> & { offset: number }): EsSinkRecord {
  return { topic: 'orders', partition: 0, key: null, value: null, headers: {}, timestamp: 1_700_000_000_000, ...fields };
}

/**
 * Virtual time: timers fire in due order, each only once the rest of the test has gone idle (a few macrotask
 * turns without progress), and firing one moves the clock to its due time. Records every sleep's duration.
 */
export function virtualClock(): WriterClock & { sleeps: number[] } {
  let now = 0;
  let seq = 0;
  let driving = false;
  const sleeps: number[] = [];
  const timers: { due: number; seq: number; fire: () => void }[] = [];
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
  const drive = async (): Promise<void> => {
    driving = true;
    while (timers.length > 0) {
      for (let i = 0; i < 5; i++) await turn();
      timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const t = timers.shift();
      if (t === undefined) break;
      now = Math.max(now, t.due);
      t.fire();
    }
    driving = false;
  };
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise<void>((resolve) => {
        timers.push({ due: now + ms, seq: seq++, fire: resolve });
        if (!driving) void drive();
      });
    },
  };
}

type ItemFor = (meta: { action: string; id: string; version?: number }, attempt: number) => JsonValue;

/** An in-memory bulk endpoint: records every request; `itemFor` decides each item's response. */
export function fakeBulk(itemFor: ItemFor = ({ action }) => ({ [action]: { status: 201, result: 'created' } })) {
  const requests: JsonValue[][] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let throwNext: unknown[] = [];
  return {
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    failNextRequests(...errors: unknown[]) {
      throwNext = errors;
    },
    async bulk(body: string) {
      const operations = ndjsonLines(body);
      requests.push(operations);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      if (throwNext.length > 0) throw throwNext.shift();
      const items: JsonValue[] = [];
      for (let i = 0; i < operations.length; i++) {
        const line = operations[i] as Record<string, Record<string, JsonValue>>;
        const action = Object.keys(line)[0]!;
        const meta = line[action]!;
        if (action !== 'delete') i++;
        const id = JSON.stringify(meta['_id']).replace(/"/g, '');
        const n = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, n);
        items.push(itemFor({ action, id, ...(typeof meta['version'] === 'number' ? { version: meta['version'] } : {}) }, n));
      }
      return { errors: items.some((it) => (Object.values(it as object)[0] as { status: number }).status >= 300), items };
    },
  };
}

/** The lines of a _bulk NDJSON body, parsed: what a fake Elasticsearch reads. */
export function ndjsonLines(body: string): JsonValue[] {
  if (!body.endsWith('\n')) throw new Error('a bulk body ends with a newline');
  return body.slice(0, -1).split('\n').map((l) => JSON.parse(l) as JsonValue);
}
