import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from '../core/logger.ts';
import { LogField } from '../core/log-fields.ts';
import type { LeaderTerm } from './assignments.ts';
import type { ClusterKeys } from './keys.ts';
import type { WorkerId } from './types.ts';

export type ElectionState = 'campaigning' | 'leader' | 'resigned' | 'closed';

export interface LeaderElectionOptions {
  readonly client: Etcd3;
  readonly keys: ClusterKeys;
  readonly workerId: WorkerId;
  /** TTL of the candidate's lease in whole seconds; the etcd3 client's default of 60 s makes failover slow. */
  readonly ttlSeconds: number;
  /** Delay before campaigning again after a failed campaign. */
  readonly retryMs?: number;
  readonly logger: Logger;
  readonly onElected: (term: LeaderTerm) => void;
  /** The campaign failed while leading; stop leader work at once. */
  readonly onDeposed: (reason: string) => void;
}

interface Candidacy {
  readonly lease: Lease;
  readonly abort: AbortController;
}

/**
 * etcd's election recipe (as in the Go client's concurrency package): each candidate puts a key under its own
 * lease, and leads once every key created before its own is gone. Written here rather than taken from etcd3's
 * Campaign because a resigned Campaign keeps waiting on its predecessor's key with a watch nobody can cancel.
 * The term it reports (key and create revision) guards every leader write.
 */
export class LeaderElection {
  readonly #o: LeaderElectionOptions;
  readonly #prefix: string;
  readonly #log: Logger;
  #state: ElectionState = 'resigned';
  #candidacy: Candidacy | undefined;
  #term: LeaderTerm | undefined;
  #retry: NodeJS.Timeout | undefined;

  private constructor(o: LeaderElectionOptions) {
    this.#o = o;
    this.#prefix = `${o.keys.root}election/${o.keys.electionName}/`;
    this.#log = o.logger.child({ component: 'cluster-election', [LogField.worker]: o.workerId });
  }

  static create(o: LeaderElectionOptions): Promise<LeaderElection> {
    const e = new LeaderElection(o);
    e.#campaignNow();
    return Promise.resolve(e);
  }

  get state(): ElectionState {
    return this.#state;
  }

  get term(): LeaderTerm | undefined {
    return this.#term;
  }

  /** The current leader's worker id, as etcd has it now. */
  async leader(): Promise<WorkerId | undefined> {
    const res = await this.#o.client.getAll().prefix(this.#prefix).sort('Create', 'Ascend').limit(1).exec();
    return res.kvs[0]?.value.toString();
  }

  /** Gives up leadership (or candidacy) and campaigns again after the retry delay, e.g. after a refused write. */
  async stepDown(reason: string): Promise<void> {
    await this.#resign(reason);
    this.#scheduleCampaign();
  }

  async close(): Promise<void> {
    await this.#resign('closed');
    this.#setState('closed', 'closed');
  }

  #campaignNow(): void {
    if (this.#state === 'closed') return;
    const lease = this.#o.client.lease(this.#o.ttlSeconds);
    const candidacy: Candidacy = { lease, abort: new AbortController() };
    this.#candidacy = candidacy;
    this.#setState('campaigning', 'campaign started');
    lease.on('lost', (err: Error) => {
      if (this.#candidacy !== candidacy) return;
      this.#log.warn('candidate lease lost', { err });
      void this.stepDown('candidate lease lost');
    });
    this.#campaign(candidacy).catch((err: unknown) => {
      if (this.#candidacy !== candidacy) return;
      this.#log.warn('campaign failed', { err });
      void this.stepDown('campaign failed');
    });
  }

  async #campaign(c: Candidacy): Promise<void> {
    const { client, workerId } = this.#o;
    const leaseId = await c.lease.grant();
    const key = `${this.#prefix}${BigInt(leaseId).toString(16)}`;
    const put = await client.if(key, 'Create', '==', 0).then(client.put(key).value(workerId).lease(leaseId)).commit();
    if (!put.succeeded) throw new Error(`election key ${key} already exists`);
    const createRevision = BigInt(put.header.revision);
    for (;;) {
      c.abort.signal.throwIfAborted();
      const res = await client
        .getAll()
        .prefix(this.#prefix)
        .maxCreateRevision(String(createRevision - 1n))
        .sort('Create', 'Descend')
        .limit(1)
        .exec();
      const predecessor = res.kvs[0];
      if (predecessor === undefined) break;
      await this.#waitForDelete(predecessor.key.toString(), BigInt(res.header.revision), c.abort.signal);
    }
    if (this.#candidacy !== c) return;
    this.#term = { leader: workerId, electionKey: key, createRevision: String(createRevision) };
    this.#setState('leader', 'elected', { electionKey: key, createRevision: this.#term.createRevision });
    this.#o.onElected(this.#term);
  }

  async #waitForDelete(key: string, afterRevision: bigint, signal: AbortSignal): Promise<void> {
    const watcher = await this.#o.client.watch().key(key).startRevision(String(afterRevision + 1n)).only('delete').create();
    let cancelledByEtcd = false;
    try {
      await new Promise<void>((resolve, reject) => {
        const abort = (): void => reject(signal.reason as Error);
        if (signal.aborted) abort();
        signal.addEventListener('abort', abort, { once: true });
        const done = (): void => {
          signal.removeEventListener('abort', abort);
          resolve();
        };
        watcher.once('delete', done);
        // On a cancelled or broken watch, look at the candidates again rather than trusting the stream.
        watcher.once('error', () => {
          cancelledByEtcd = true;
          done();
        });
        watcher.once('disconnected', done);
      });
    } finally {
      // etcd never answers a cancel for a watch it already cancelled.
      if (!cancelledByEtcd) await watcher.cancel().catch(() => undefined);
    }
  }

  async #resign(reason: string): Promise<void> {
    const c = this.#candidacy;
    const wasLeader = this.#state === 'leader';
    this.#candidacy = undefined;
    this.#term = undefined;
    clearTimeout(this.#retry);
    if (this.#state !== 'closed') this.#setState('resigned', reason);
    if (wasLeader) this.#o.onDeposed(reason);
    if (c === undefined) return;
    c.abort.abort(new Error(`resigned: ${reason}`));
    await c.lease.revoke().catch((err: unknown) => this.#log.warn('resign failed; the candidate lease will expire', { err }));
  }

  #scheduleCampaign(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#campaignNow(), this.#o.retryMs ?? 500);
  }

  #setState(next: ElectionState, reason: string, fields: Record<string, unknown> = {}): void {
    if (this.#state === next) return;
    const from = this.#state;
    this.#state = next;
    this.#log.info('election state', { from, to: next, reason, ...fields });
  }
}
