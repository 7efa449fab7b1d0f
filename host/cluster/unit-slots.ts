import type { Logger } from '../core/logger.ts';
import type { Claims } from './claims.ts';
import type { WorkerSession } from './session.ts';
import type { StopReason, TaskHost, WorkerAssignment, WorkUnit } from './types.ts';
import { assignmentUnits, unitId } from './types.ts';

type SlotState = 'claiming' | 'starting' | 'running' | 'stopping';

interface Slot {
  readonly unit: WorkUnit;
  readonly id: string;
  state: SlotState;
  started: boolean;
  readonly abort: AbortController;
  op: Promise<void>;
}

export interface UnitSlotsOptions {
  readonly claims: Claims;
  readonly host: TaskHost;
  readonly session: WorkerSession;
  readonly logger: Logger;
  /** Delay before trying again to claim after an etcd error. */
  readonly retryMs?: number;
}

/**
 * Drives the units of one session towards its assignment: claim then start what was added, stop then release
 * what was removed. Each unit's steps run in order; different units never wait for each other.
 */
export class UnitSlots {
  assignment: WorkerAssignment | undefined;
  readonly #o: UnitSlotsOptions;
  readonly #slots = new Map<string, Slot>();
  #active = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: UnitSlotsOptions) {
    this.#o = options;
  }

  assign(assignment: WorkerAssignment | undefined): void {
    this.assignment = assignment;
    this.#reconcile();
  }

  activate(): void {
    this.#active = true;
    this.#reconcile();
  }

  running(): WorkUnit[] {
    return [...this.#slots.values()].filter((s) => s.state === 'running').map((s) => s.unit);
  }

  isRunning(unit: WorkUnit): boolean {
    return this.#slots.get(unitId(unit))?.state === 'running';
  }

  /** Resolves once every start and stop under way has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.#slots.values()].map((s) => s.op.catch(() => undefined)));
  }

  /** Stops every unit; releases their claims only when asked (a fenced worker may not reach etcd). */
  async stopAll(reason: StopReason, release: boolean): Promise<void> {
    this.#active = false;
    clearTimeout(this.#retry);
    for (const slot of this.#slots.values()) this.#stop(slot, reason, release);
    await Promise.all([...this.#slots.values()].map((s) => s.op));
  }

  #reconcile(): void {
    if (!this.#active) return;
    const a = this.assignment;
    const desired = new Map((a === undefined ? [] : assignmentUnits(a)).map((u) => [unitId(u), u]));
    for (const slot of this.#slots.values()) if (!desired.has(slot.id)) this.#stop(slot, 'reassigned', true);
    for (const [id, unit] of desired) if (!this.#slots.has(id) && a !== undefined) this.#start(unit, a.generation);
  }

  #start(unit: WorkUnit, generation: number): void {
    const { claims, host, session, logger } = this.#o;
    const slot: Slot = { unit, id: unitId(unit), state: 'claiming', started: false, abort: new AbortController(), op: Promise.resolve() };
    this.#slots.set(slot.id, slot);
    slot.op = (async () => {
      const guard = await claims.acquire(unit, generation, slot.abort.signal);
      if (slot.state !== 'claiming') return;
      if (!session.guard.safe()) throw new Error('lease deadline too close to start a unit');
      slot.state = 'starting';
      slot.started = true;
      try {
        await host.start(unit, { generation, guard });
      } catch (err) {
        logger.error('unit failed to start; it stays assigned here', { unit: slot.id, err });
      }
      if (slot.state === 'starting') slot.state = 'running';
      logger.info('unit running', { unit: slot.id, generation });
    })().catch((err: unknown) => {
      if (slot.abort.signal.aborted) return;
      logger.warn('could not claim unit; retrying', { unit: slot.id, err });
      this.#slots.delete(slot.id);
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => this.#reconcile(), this.#o.retryMs ?? 500);
    });
  }

  #stop(slot: Slot, reason: StopReason, release: boolean): void {
    if (slot.state === 'stopping') return;
    slot.state = 'stopping';
    slot.abort.abort(new Error(`unit ${reason}`));
    const { claims, host, logger } = this.#o;
    slot.op = slot.op
      .then(async () => {
        if (slot.started) await host.stop(slot.unit, reason).catch((err: unknown) => logger.error('unit failed to stop cleanly', { unit: slot.id, err }));
        if (release) await claims.release(slot.unit).catch((err: unknown) => logger.warn('claim release failed; the lease will free it', { unit: slot.id, err }));
        logger.info('unit stopped', { unit: slot.id, reason, released: release });
      })
      .finally(() => {
        if (this.#slots.get(slot.id) === slot) this.#slots.delete(slot.id);
        this.#reconcile();
      });
  }
}
