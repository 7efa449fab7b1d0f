/**
 * The REST half of the differential harness: the same request sequence (rest-scenario.ts) against Apache Kafka
 * Connect 4.1.1 and a Conveyor standalone worker, both on the local broker, each answer normalised (normalise.ts) and
 * compared (compare.ts), one line printed per step. A difference that is not a documented deliberate one
 * (allowed.ts) is a DIFF. With `keep`, the work directory keeps both workers' logs and the raw answers (report.json).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createJsonLogger } from '../../host/core/logger.ts';
import { TopicAdmin } from '../../host/kafka/admin.ts';
import { createKafka } from '../../host/kafka/client.ts';
import { ALLOWED } from './allowed.ts';
import { compare } from './compare.ts';
import { send, until } from './http.ts';
import type { RestResponse } from './http.ts';
import { fill, mediaType, normalise, unfill } from './normalise.ts';
import type { Vars } from './normalise.ts';
import { allowedLegend, stepLine } from './report.ts';
import type { StepResult } from './report.ts';
import { LINES, steps, unorderedBecause } from './rest-scenario.ts';
import type { Step } from './rest-scenario.ts';
import { ROOT, startConveyor, startKafkaConnect } from './targets.ts';
import type { Side, Target } from './targets.ts';

const WAIT_MS = 60_000;
const log = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(l + '\n') });

interface SideRun {
  target: Target;
  vars: Vars;
}

async function exchange(side: SideRun, step: Step): Promise<{ res: RestResponse; note?: string }> {
  let note: string | undefined;
  if (step.wait !== undefined) {
    const wait = step.wait;
    const path = fill(wait.path, side.vars) as string;
    const name = wait.what.replace(/\{([a-z]+)\}/g, '$1');
    await until(name, async () => {
      const r = await send(side.target.url, { method: 'GET', path });
      return r.status === 200 && wait.until(unfill(r.body, side.vars)) ? true : undefined;
    }, WAIT_MS).catch((err: unknown) => void (note = `${side.target.side}: ${(err as Error).message}`));
  }
  const req = fill(step.req, side.vars) as Step['req'];
  let res = await send(side.target.url, req);
  const deadline = Date.now() + WAIT_MS;
  for (let tries = 1; step.retryWhile?.(res) === true; tries++) {
    if (Date.now() > deadline) {
      note = `${side.target.side}: still retriable after ${tries} tries`;
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
    res = await send(side.target.url, req);
    if (step.retryWhile(res) !== true) note = `${side.target.side}: answered after ${tries + 1} tries (the first ${tries} retriable)`;
  }
  return { res, ...(note === undefined ? {} : { note }) };
}

function judge(step: Step, kc: RestResponse, cv: RestResponse, notes: string[]): StepResult {
  const differences = compare(kc, cv);
  const base = { id: step.id, req: step.req, differences, notes };
  if (differences.length === 0) return { ...base, verdict: 'ok' };
  if (step.allow !== undefined) {
    const allowed = ALLOWED[step.allow];
    if (allowed.matches(kc, cv)) return { ...base, verdict: 'allowed', reason: allowed.reason };
    return { ...base, verdict: 'DIFF', reason: `not the documented shape of ${step.allow}` };
  }
  return { ...base, verdict: 'DIFF' };
}

export async function runRest(o: { bootstrap: string; keep: boolean }): Promise<StepResult[]> {
  const run = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = join(ROOT, '.tmp', `differential-${run}`);
  await mkdir(dir, { recursive: true });
  const kafka = createKafka({ bootstrapServers: o.bootstrap, clientId: `differential-${run}`, logger: log });
  const admin = await TopicAdmin.create(kafka, log);
  const topics: string[] = [];
  const groups: string[] = [];
  const sides: SideRun[] = [];
  const results: StepResult[] = [];
  const raw: unknown[] = [];
  /** Content-Type values equal but for their parameters: reported once, as one DIFF, not in each step. */
  const parameters = new Map<string, string[]>();
  try {
    for (const side of ['kc', 'conveyor'] as const satisfies readonly Side[]) {
      const files = join(dir, `${side}-files`);
      await mkdir(files, { recursive: true });
      await writeFile(join(files, 'in.txt'), LINES.join('\n') + '\n');
      const vars: Vars = { src: `diff-src-${side}-${run}`, sink: `diff-sink-${side}-${run}`, made: `diff-made-${side}-${run}`, topic: `diff-topic-${side}-${run}`, dir: files, missing: `diff-missing-${run}` };
      await admin.ensureTopic({ topic: vars['topic'] as string, partitions: 1, replicationFactor: 1, configs: {} });
      topics.push(vars['topic'] as string);
      groups.push(`connect-${vars['sink'] as string}`);
      process.stdout.write(`starting ${side === 'kc' ? 'Apache Kafka Connect 4.1.1' : 'Conveyor'} standalone…\n`);
      const target = side === 'kc' ? await startKafkaConnect(join(dir, side), o.bootstrap) : await startConveyor(join(dir, side), o.bootstrap);
      sides.push({ target, vars: { ...vars, rest: target.url } });
    }
    const [kcSide, cvSide] = sides as [SideRun, SideRun];
    process.stdout.write(`${allowedLegend()}\nlists compared as unordered:\n${Object.entries(unorderedBecause).map(([p, why]) => `  ${p}: ${why}`).join('\n')}\n\n`);
    for (const step of steps) {
      const kc = await exchange(kcSide, step);
      const cv = await exchange(cvSide, step);
      const opts = (s: SideRun): Parameters<typeof normalise>[1] => ({ vars: s.vars, ...(step.unordered === undefined ? {} : { unordered: step.unordered }), ...(step.body === undefined ? {} : { body: step.body }) });
      const result = judge(step, normalise(kc.res, opts(kcSide)), normalise(cv.res, opts(cvSide)), [kc.note, cv.note].filter((n) => n !== undefined));
      results.push(result);
      raw.push({ id: step.id, kc: kc.res, conveyor: cv.res });
      if (kc.res.contentType !== cv.res.contentType && mediaType(kc.res.contentType) === mediaType(cv.res.contentType)) {
        const pair = JSON.stringify([kc.res.contentType, cv.res.contentType]);
        parameters.set(pair, [...(parameters.get(pair) ?? []), step.id]);
      }
      process.stdout.write(stepLine(result) + '\n');
    }
    for (const [pair, ids] of parameters) {
      const [kcType, cvType] = JSON.parse(pair) as [string, string];
      const documented = ALLOWED.contentTypeCharset.matches({ contentType: kcType } as RestResponse, { contentType: cvType } as RestResponse);
      const result: StepResult = {
        id: 'content-type-parameters',
        req: { method: '*', path: '*' },
        verdict: documented ? 'allowed' : 'DIFF',
        differences: [{ path: 'header content-type', kc: kcType, conveyor: cvType }],
        reason: documented ? `${ALLOWED.contentTypeCharset.reason} (${ids.length} of ${steps.length} responses)` : `same media type, other parameters, in ${ids.length} of ${steps.length} responses`,
        notes: [],
      };
      results.push(result);
      process.stdout.write(stepLine(result) + '\n');
    }
  } finally {
    for (const side of sides.reverse()) await side.target.stop().catch(() => undefined);
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.close();
    await writeFile(join(dir, 'report.json'), JSON.stringify({ results, raw }, null, 2));
    if (o.keep) process.stdout.write(`kept ${dir} (logs, report.json)\n`);
    else await rm(dir, { recursive: true, force: true });
  }
  return results;
}
