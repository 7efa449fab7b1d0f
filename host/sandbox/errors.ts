import { ConveyorError, ErrorCode } from '../core/errors.ts';
import type { WireError } from './protocol.ts';

/** An error raised in or by a sandbox: keeps the breached limit (if any) and the guest's stack as the trace. */
export class SandboxError extends ConveyorError {
  readonly limit: WireError['limit'] | undefined;
  readonly trace: string;

  constructor(wire: WireError) {
    super(wire.code, wire.message, { retriable: wire.code === ErrorCode.sandboxCrashed });
    this.name = 'SandboxError';
    this.limit = wire.limit;
    this.trace = wire.stack && wire.stack.includes(wire.message) ? wire.stack : [wire.message, wire.stack].filter(Boolean).join('\n');
  }
}

export function toWireError(err: unknown): WireError {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' && (Object.values(ErrorCode) as string[]).includes(e.code) ? (e.code as WireError['code']) : ErrorCode.internal;
  return { code, message: String(e?.message ?? err) };
}
