/** Identifiers shared by every cluster module. A unit is one thing a worker runs: a connector or one of its tasks. */
export type WorkerId = string;

export interface ConnectorUnit {
  readonly kind: 'connector';
  readonly connector: string;
}

export interface TaskUnit {
  readonly kind: 'task';
  readonly connector: string;
  readonly task: number;
}

export type WorkUnit = ConnectorUnit | TaskUnit;

/** Stable string id of a unit; connector names are URI-encoded so the id never contains a bare '/'. */
export function unitId(unit: WorkUnit): string {
  const name = encodeURIComponent(unit.connector);
  return unit.kind === 'connector' ? `connector/${name}` : `task/${name}/${unit.task}`;
}

export function parseUnitId(id: string): WorkUnit | undefined {
  const parts = id.split('/');
  if (parts[0] === 'connector' && parts.length === 2 && parts[1] !== undefined && parts[1] !== '') {
    return { kind: 'connector', connector: decodeURIComponent(parts[1]) };
  }
  if (parts[0] === 'task' && parts.length === 3 && parts[1] !== undefined && parts[1] !== '' && /^\d+$/.test(parts[2] ?? '')) {
    return { kind: 'task', connector: decodeURIComponent(parts[1]), task: Number(parts[2]) };
  }
  return undefined;
}

/** One worker's share of the cluster's work at one generation. */
export interface WorkerAssignment {
  readonly generation: number;
  readonly leader: WorkerId;
  readonly connectors: readonly string[];
  readonly tasks: readonly { readonly connector: string; readonly task: number }[];
}

export function assignmentUnits(a: Pick<WorkerAssignment, 'connectors' | 'tasks'>): WorkUnit[] {
  return [
    ...a.connectors.map((connector): WorkUnit => ({ kind: 'connector', connector })),
    ...a.tasks.map((t): WorkUnit => ({ kind: 'task', connector: t.connector, task: t.task })),
  ];
}

/** Proof that the writer still owns a unit: its claim key must still be held under its lease. */
export interface OwnershipGuard {
  readonly claimKey: string;
  readonly leaseId: string;
}

export type StopReason = 'reassigned' | 'fenced' | 'shutdown';

export interface UnitContext {
  readonly generation: number;
  /** Pass to ClusterStore status writes; they fail once this worker no longer owns the unit. */
  readonly guard: OwnershipGuard;
}

/** What the worker gives the cluster layer: starting and stopping connectors and tasks it was assigned. */
export interface TaskHost {
  start(unit: WorkUnit, context: UnitContext): Promise<void>;
  stop(unit: WorkUnit, reason: StopReason): Promise<void>;
}

