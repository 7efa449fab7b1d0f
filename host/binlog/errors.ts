/** Server errors translated into messages that name the problem and the fix. */
import { ConveyorError, ErrorCode } from '../core/errors.ts';

export interface ServerTarget {
  host: string;
  port: number;
  user: string;
}

interface MysqlishError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
}

/** Socket and driver codes of a server that is down, restarting or unreachable: worth retrying. */
const LOST = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT']);

/** A precise error for a failure talking to the server; unknown failures keep their text and cause. */
export function classifyServerError(err: unknown, target: ServerTarget, during: string): ConveyorError {
  const e = (err ?? {}) as MysqlishError;
  const text = e.sqlMessage ?? e.message ?? String(err);
  const where = `${target.host}:${target.port}`;
  switch (e.errno) {
    case 1045:
      return new ConveyorError(ErrorCode.configInvalid, `Access denied for user '${target.user}' at ${where} (${during}): check database.user and database.password`, { cause: err });
    case 1044:
    case 1142:
    case 1227:
    case 1370:
      return new ConveyorError(ErrorCode.configInvalid, `User '${target.user}' lacks a privilege for ${during} at ${where}: ${text}. Grant SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT (and LOCK TABLES) ON *.* to it`, { cause: err });
    case 1236:
      return new ConveyorError(ErrorCode.configInvalid, `The server at ${where} cannot send the binlog from the requested position (${during}): ${text}. The binlog was probably purged: set snapshot.mode=when_needed (or delete the connector's offsets) to take a new snapshot, and keep binlogs longer (binlog_expire_logs_seconds)`, { cause: err });
    case 1945:
    case 1955:
      return new ConveyorError(ErrorCode.configInvalid, `The server at ${where} does not have the requested GTID position (${during}): ${text}. The offsets belong to another server or its binlog was reset: set snapshot.mode=when_needed or delete the connector's offsets`, { cause: err });
    case 1049:
      return new ConveyorError(ErrorCode.configInvalid, `Unknown database at ${where} (${during}): ${text}. Check database.include.list`, { cause: err });
    case 1053: // server shutdown in progress
    case 1927: // connection killed (the dump thread, at shutdown)
    case 1152: // aborted connection
    case 1159: // net read timeout
    case 1161: // net write timeout
      return new ConveyorError(ErrorCode.unavailable, `The database at ${where} closed the connection (${during}): ${text}`, { cause: err, retriable: true });
  }
  if (e.code !== undefined && LOST.has(e.code)) {
    return new ConveyorError(ErrorCode.unavailable, `Cannot reach the database at ${where} (${during}): ${e.code}. Check database.hostname and database.port, and that the server is running`, { cause: err, retriable: true });
  }
  return new ConveyorError(ErrorCode.internal, `${during} at ${where} failed: ${text}`, { cause: err });
}
