/**
 * The differential harness: `npm run differential [-- --only rest|cdc] [-- --keep]`. The REST half (rest-run.ts)
 * compares Apache Kafka Connect 4.1.1's REST answers with Conveyor's; the CDC half (cdc-run.ts) the records Debezium's
 * MariaDB connector and Conveyor's CDC source write for the same statements. Each half prints a line per step and a
 * summary; the run exits 1 when either found a difference that is not a documented deliberate one (allowed.ts).
 * `--keep` leaves each half's work directory (logs, raw answers or records in report.json) under .tmp/.
 */
import { parseArgs } from 'node:util';
import { runCdc } from './cdc-run.ts';
import { summaryLine } from './report.ts';
import type { StepResult } from './report.ts';
import { runRest } from './rest-run.ts';

const HALVES = { rest: runRest, cdc: runCdc } as const;
type Half = keyof typeof HALVES;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false }, only: { type: 'string' } } });
  if (values.only !== undefined && !(values.only in HALVES)) throw new Error(`--only takes ${Object.keys(HALVES).join(' or ')}, not ${values.only}`);
  const halves = (values.only === undefined ? Object.keys(HALVES) : [values.only]) as Half[];
  const bootstrap = process.env.CONVEYOR_KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
  const summaries: string[] = [];
  let failed = false;
  for (const half of halves) {
    process.stdout.write(`\n=== ${half} ===\n`);
    const started = performance.now();
    const results: StepResult[] = await HALVES[half]({ bootstrap, keep: values.keep });
    const line = `${half} ${summaryLine(results, (performance.now() - started) / 1000)}`;
    summaries.push(line);
    process.stdout.write(line + '\n');
    failed ||= results.some((r) => r.verdict === 'DIFF');
  }
  if (summaries.length > 1) process.stdout.write(`\n${summaries.join('\n')}\n`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
