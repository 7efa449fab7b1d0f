import type { Campaign, Election, Etcd3 } from 'etcd3';
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

/** Campaigns for leadership until closed; the term it reports guards every leader write. */
export class LeaderElection {
  readonly #o: LeaderElectionOptions;
  readonly #election: Election;
  readonly #log: Logger;
  #state: ElectionState = 'resigned';
  #campaign: Campaign | undefined;
  #term: LeaderTerm | undefined;
  #retry: NodeJS.Timeout | undefined;

  private constructor(o: LeaderElectionOptions) {
    this.#o = o;
    this.#election = o.client.namespace(o.keys.root).election(o.keys.electionName, o.ttlSeconds);
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
  leader(): Promise<WorkerId | undefined> {
    return this.#election.leader();
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
    const campaign = this.#election.campaign(this.#o.workerId);
    this.#campaign = campaign;
    this.#setState('campaigning', 'campaign started');
    campaign.on('elected', () => {
      if (this.#campaign !== campaign) return;
      void this.#elected(campaign);
    });
    campaign.on('error', (err: Error) => {
      if (this.#campaign !== campaign) return;
      this.#log.warn('campaign failed', { err });
      void this.stepDown('campaign failed');
    });
  }

  async #elected(campaign: Campaign): Promise<void> {
    try {
      const electionKey = await campaign.getCampaignKey();
      const kv = (await this.#o.client.get(electionKey).exec()).kvs[0];
      if (this.#campaign !== campaign) return;
      if (kv === undefined) throw new Error(`election key ${electionKey} vanished`);
      this.#term = { leader: this.#o.workerId, electionKey, createRevision: String(kv.create_revision) };
      this.#setState('leader', 'elected', { electionKey, createRevision: this.#term.createRevision });
      this.#o.onElected(this.#term);
    } catch (err) {
      this.#log.warn('could not read the election key after winning', { err });
      if (this.#campaign === campaign) await this.stepDown('election key unreadable');
    }
  }

  async #resign(reason: string): Promise<void> {
    const campaign = this.#campaign;
    const wasLeader = this.#state === 'leader';
    this.#campaign = undefined;
    this.#term = undefined;
    clearTimeout(this.#retry);
    if (this.#state !== 'closed') this.#setState('resigned', reason);
    if (wasLeader) this.#o.onDeposed(reason);
    await campaign?.resign().catch((err: unknown) => this.#log.warn('resign failed; the candidate lease will expire', { err }));
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
