import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { WorkerAssignment } from './types.ts';

/** Kafka Connect's target states and status states, as stored in etcd. */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';
export type UnitState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';
const TARGET_STATES: readonly string[] = ['STARTED', 'PAUSED', 'STOPPED'];
const UNIT_STATES: readonly string[] = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING'];

export interface UnitStatus {
  readonly state: UnitState;
  readonly worker_id: string;
  readonly trace?: string;
  readonly generation: number;
}

export interface RestartRequest {
  readonly onlyFailed: boolean;
  readonly includeTasks: boolean;
  readonly requestedAt: string;
  /** POST /connectors/{c}/tasks/{task}/restart: only this task. */
  readonly task?: number;
}

export interface WorkerRegistration {
  readonly id: string;
  readonly url: string;
  readonly joinedAt: string;
  /** host:port the worker's process holds open while it lives (crash-watch.ts); absent from older workers. */
  readonly liveness?: string;
}

export interface ClaimRecord {
  readonly worker: string;
  readonly generation: number;
}

type Obj = Record<string, unknown>;

function parse(what: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ConveyorError(ErrorCode.internal, `stored ${what} is not JSON`, { cause });
  }
}

function invalid(what: string): ConveyorError {
  return new ConveyorError(ErrorCode.internal, `stored ${what} has an unexpected shape`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringMap(v: unknown): v is Record<string, string> {
  return isObj(v) && Object.values(v).every((x) => typeof x === 'string');
}

export function decodeConfig(text: string): Record<string, string> {
  const v = parse('connector config', text);
  if (!isStringMap(v)) throw invalid('connector config');
  return v;
}

export function decodeTaskConfigs(text: string): Record<string, string>[] {
  const v = parse('task configs', text);
  if (!Array.isArray(v) || !v.every(isStringMap)) throw invalid('task configs');
  return v;
}

export function decodeTargetState(text: string): TargetState {
  const v = parse('target state', text);
  if (typeof v !== 'string' || !TARGET_STATES.includes(v)) throw invalid('target state');
  return v as TargetState;
}

export function decodeStatus(text: string): UnitStatus {
  const v = parse('status', text);
  if (!isObj(v) || typeof v.state !== 'string' || !UNIT_STATES.includes(v.state) || typeof v.worker_id !== 'string') throw invalid('status');
  if (typeof v.generation !== 'number' || (v.trace !== undefined && typeof v.trace !== 'string')) throw invalid('status');
  return v as unknown as UnitStatus;
}

export function decodeRestart(text: string): RestartRequest {
  const v = parse('restart request', text);
  if (!isObj(v) || typeof v.onlyFailed !== 'boolean' || typeof v.includeTasks !== 'boolean' || typeof v.requestedAt !== 'string' || (v.task !== undefined && !Number.isInteger(v.task))) {
    throw invalid('restart request');
  }
  return v as unknown as RestartRequest;
}

export function decodeWorker(text: string): WorkerRegistration {
  const v = parse('worker registration', text);
  if (!isObj(v) || typeof v.id !== 'string' || typeof v.url !== 'string' || typeof v.joinedAt !== 'string' || (v.liveness !== undefined && typeof v.liveness !== 'string')) throw invalid('worker registration');
  return v as unknown as WorkerRegistration;
}

export function decodeClaim(text: string): ClaimRecord {
  const v = parse('claim', text);
  if (!isObj(v) || typeof v.worker !== 'string' || typeof v.generation !== 'number') throw invalid('claim');
  return v as unknown as ClaimRecord;
}

export function decodeAssignment(text: string): WorkerAssignment {
  const v = parse('assignment', text);
  if (!isObj(v) || typeof v.generation !== 'number' || typeof v.leader !== 'string') throw invalid('assignment');
  const { connectors, tasks } = v;
  if (!Array.isArray(connectors) || !connectors.every((c) => typeof c === 'string')) throw invalid('assignment');
  if (!Array.isArray(tasks) || !tasks.every((t) => isObj(t) && typeof t.connector === 'string' && Number.isInteger(t.task))) {
    throw invalid('assignment');
  }
  return v as unknown as WorkerAssignment;
}

export function decodeGeneration(text: string): number {
  const v = parse('generation', text);
  if (!isObj(v) || !Number.isInteger(v.generation)) throw invalid('generation');
  return v.generation as number;
}
