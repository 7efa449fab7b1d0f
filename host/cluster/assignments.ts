import type { Etcd3 } from 'etcd3';
import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { WorkerShare } from './assignment.ts';
import { decodeAssignment, decodeGeneration } from './codec.ts';
import type { ClusterKeys } from './keys.ts';
import { PrefixWatch } from './prefix-watch.ts';
import type { WatchEvent } from './prefix-watch.ts';
import type { WorkerAssignment, WorkerId } from './types.ts';

/** A leader's term: its election key and that key's create revision. Writes check both. */
export interface LeaderTerm {
  readonly leader: WorkerId;
  readonly electionKey: string;
  readonly createRevision: string;
}

export interface StoredAssignments {
  readonly generation: number;
  /** mod revision of the generation key, 0 when none was ever written. */
  readonly generationRevision: string;
  readonly workers: ReadonlyMap<WorkerId, WorkerAssignment>;
}

/** Raised when the writer is no longer leader (its election key is gone or was re-created). */
export class DeposedError extends ConveyorError {
  readonly deposed = true;
  constructor(term: LeaderTerm) {
    super(ErrorCode.conflict, `${term.leader} is no longer leader: ${term.electionKey} is gone or was re-created`);
    this.name = 'DeposedError';
  }
}

export function isDeposed(err: unknown): err is DeposedError {
  return typeof err === 'object' && err !== null && (err as { deposed?: unknown }).deposed === true;
}

export async function readAssignments(client: Etcd3, keys: ClusterKeys): Promise<StoredAssignments> {
  const res = await client.if(keys.generation, 'Mod', '>', -1).then(client.get(keys.generation), client.getAll().prefix(keys.assignments)).commit();
  const gen = res.responses[0]?.response_range.kvs[0];
  const workers = new Map<WorkerId, WorkerAssignment>();
  for (const kv of res.responses[1]?.response_range.kvs ?? []) {
    const id = keys.nameUnder(keys.assignments, kv.key.toString());
    if (id !== undefined) workers.set(id, decodeAssignment(kv.value.toString()));
  }
  return {
    generation: gen === undefined ? 0 : decodeGeneration(gen.value.toString()),
    generationRevision: gen === undefined ? '0' : String(gen.mod_revision),
    workers,
  };
}

/**
 * Writes a whole assignment as the next generation, in one transaction that succeeds only while the term's election
 * key still exists with its create revision and no other generation was written since `previous` was read.
 */
export async function writeAssignments(
  client: Etcd3,
  keys: ClusterKeys,
  term: LeaderTerm,
  previous: StoredAssignments,
  plan: ReadonlyMap<WorkerId, WorkerShare>,
): Promise<number> {
  const generation = previous.generation + 1;
  const ops = [client.put(keys.generation).value(JSON.stringify({ generation, leader: term.leader }))];
  for (const [worker, share] of plan) {
    const doc: WorkerAssignment = { generation, leader: term.leader, connectors: share.connectors, tasks: share.tasks };
    ops.push(client.put(keys.assignment(worker)).value(JSON.stringify(doc)));
  }
  const stale = [...previous.workers.keys()].filter((w) => !plan.has(w)).map((w) => client.delete().key(keys.assignment(w)));
  const res = await client
    .if(term.electionKey, 'Create', '==', term.createRevision)
    .and(keys.generation, 'Mod', '==', previous.generationRevision)
    .then(...ops, ...stale)
    .else(client.get(term.electionKey))
    .commit();
  if (res.succeeded) return generation;
  const election = res.responses[0]?.response_range.kvs[0];
  if (election === undefined || String(election.create_revision) !== term.createRevision) {
    throw new DeposedError(term);
  }
  throw new ConveyorError(ErrorCode.conflict, `generation ${previous.generation} was superseded`, { retriable: true });
}

/** Watches one worker's assignment key; the callback gets undefined when it has none. */
export function watchAssignment(
  client: Etcd3,
  keys: ClusterKeys,
  worker: WorkerId,
  logger: Logger,
  onChange: (assignment: WorkerAssignment | undefined) => void,
): Promise<PrefixWatch> {
  const key = keys.assignment(worker);
  const decode = (text: string | undefined): WorkerAssignment | undefined => {
    if (text === undefined || text === '') return undefined;
    try {
      return decodeAssignment(text);
    } catch (err) {
      logger.error('unreadable assignment ignored', { err, key });
      return undefined;
    }
  };
  return PrefixWatch.create({
    client,
    range: { key },
    logger,
    sink: {
      reset: (entries) => onChange(decode(entries.get(key))),
      apply: (events: readonly WatchEvent[]) => {
        const last = events.at(-1);
        if (last !== undefined) onChange(last.type === 'put' ? decode(last.value) : undefined);
      },
    },
  });
}
