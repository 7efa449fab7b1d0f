/** Errors a task's isolate raises inside the sandbox child, carrying the WireError sent back to the worker. */
import { ErrorCode } from '../../core/errors.ts';
import type { LimitName, WireError } from '../protocol.ts';

export class TaskFault extends Error {
  readonly wire: WireError;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = 'TaskFault';
    this.wire = wire;
  }
}

export function limitError(name: LimitName, measured: number, allowed: number, unit: string, detail: string): WireError {
  return {
    code: ErrorCode.limitExceeded,
    message: `${name} limit exceeded: ${detail} (measured ${measured} ${unit}, limit ${allowed} ${unit})`,
    limit: { name, measured, allowed, unit },
  };
}
