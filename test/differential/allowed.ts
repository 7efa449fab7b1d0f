/**
 * The documented deliberate differences (README, "Deliberate differences from Kafka Connect"), each declared once.
 * A step names the one it exercises; its difference is reported as allowed only when the two answers have the
 * documented shape (otherwise it is a DIFF like any other). Responses are the normalised ones, so names are
 * placeholders such as `{missing}`.
 */
import type { NormalRecord } from './cdc-normalise.ts';
import type { Difference } from './compare.ts';
import type { RestResponse } from './http.ts';

export interface AllowedDifference {
  /** The README table's request column, shortened. */
  request: string;
  reason: string;
  /** True when the two answers differ exactly as documented. */
  matches(kc: RestResponse, conveyor: RestResponse): boolean;
}

const message = (r: RestResponse): string => {
  const m = (r.body as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : '';
};
const errorCode = (r: RestResponse): unknown => (r.body as { error_code?: unknown } | null)?.error_code;
const ok = (r: RestResponse): boolean => r.status >= 200 && r.status < 300;

export const ALLOWED = {
  malformedBody: {
    request: 'malformed JSON or a body of the wrong shape',
    reason: 'Kafka Connect answers 500 with the parser message; Conveyor 400, a client error',
    matches: (kc, cv) => kc.status === 500 && cv.status === 400 && errorCode(cv) === 400,
  },
  validateEmpty: {
    request: 'PUT /connector-plugins/{p}/config/validate with {}',
    reason: 'Kafka Connect answers 500 ("contains no connector type"); Conveyor validates the plugin the path names (200, its missing keys listed)',
    matches: (kc, cv) => kc.status === 500 && cv.status === 200 && typeof (cv.body as { error_count?: unknown } | null)?.error_count === 'number',
  },
  contentTypeCharset: {
    request: 'Content-Type of JSON answers',
    reason: "Conveyor's JSON answers say application/json; charset=utf-8, Kafka Connect's application/json: the same media type",
    matches: (kc, cv) => kc.contentType === 'application/json' && cv.contentType === 'application/json; charset=utf-8',
  },
  unknownTaskRestart: {
    request: 'POST /connectors/{c}/tasks/{t}/restart for an unknown connector',
    reason: 'Kafka Connect answers 500 ("not a recognizable type") and records a FAILED task; Conveyor 404 as everywhere else',
    matches: (kc, cv) => kc.status === 500 && cv.status === 404 && message(cv) === 'Connector {missing} not found',
  },
  createMissingClass: {
    request: 'POST /connectors without connector.class',
    reason: "both 400; Kafka Connect echoes the config in Java's map order, Conveyor names the missing key in the invalid-config message",
    matches: (kc, cv) => kc.status === 400 && cv.status === 400 && message(kc).endsWith('contains no connector type') && message(cv).includes('Missing required configuration "connector.class"'),
  },
  createUnknownClassPrefix: {
    request: 'POST /connectors with an unknown class',
    reason: "both 400 with the same words; Kafka Connect's message starts with the Java exception's name",
    matches: (kc, cv) => kc.status === 400 && cv.status === 400 && message(kc) === `org.apache.kafka.connect.errors.ConnectException: ${message(cv)}`,
  },
  validateUnknownClass: {
    request: 'PUT /connector-plugins/{p}/config/validate for an unknown class',
    reason: "Kafka Connect answers 500 wrapping a BadRequestException; Conveyor the 400 it meant, with its 'Failed to find any class' words",
    matches: (kc, cv) => kc.status === 500 && cv.status === 400 && message(cv).includes('Failed to find any class'),
  },
  unknownRestartStop: {
    request: 'POST /connectors/{c}/restart (no flags) or PUT /connectors/{c}/stop for an unknown connector',
    reason: 'Kafka Connect answers 500 (NullPointerException or "No connector … configured"); Conveyor 404 as everywhere else',
    matches: (kc, cv) => kc.status === 500 && cv.status === 404 && message(cv) === 'Connector {missing} not found',
  },
  patchNameMismatch: {
    request: 'PATCH /connectors/{c}/config with another name',
    reason: 'Kafka Connect stores a config whose name differs from the connector; Conveyor refuses it with 400, as PUT does',
    matches: (kc, cv) => kc.status === 200 && cv.status === 400 && errorCode(cv) === 400,
  },
  booleanFlag: {
    request: '?includeTasks= / ?onlyFailed= / ?connectorsOnly= with neither true nor false',
    reason: 'Kafka Connect takes it as false; Conveyor answers 400 so that a typo does not silently do something else',
    matches: (kc, cv) => ok(kc) && cv.status === 400 && errorCode(cv) === 400,
  },
  expandUnknown: {
    request: 'GET /connectors?expand= with an unknown value',
    reason: 'Kafka Connect ignores it ({"c": {}} per connector); Conveyor answers 400',
    matches: (kc, cv) => kc.status === 200 && cv.status === 400 && errorCode(cv) === 400,
  },
  pauseResumeUnknownWording: {
    request: 'pause or resume of an unknown connector',
    reason: "both 404; Kafka Connect says 'Unknown connector c', Conveyor 'Connector c not found' (one wording for one case)",
    matches: (kc, cv) => kc.status === 404 && cv.status === 404 && message(kc) === 'Unknown connector {missing}' && message(cv) === 'Connector {missing} not found',
  },
  pluginVersionAlias: {
    request: 'plugin.version in a connector config',
    reason: "Conveyor also takes its older 'plugin.version' as connector.plugin.version; Kafka Connect ignores the key",
    matches: (kc, cv) => ok(kc) && (cv.status === 400 || (ok(cv) && (cv.body as { error_count?: unknown } | null)?.error_count !== 0)),
  },
} as const satisfies Record<string, AllowedDifference>;

export type AllowedId = keyof typeof ALLOWED;

/**
 * The CDC half's documented deliberate differences from Debezium 3.5.0.Final's MariaDB connector (README of
 * plugins/mysql-cdc, "Deliberate differences from Debezium"). `unpaired` accounts for a record only one side wrote;
 * `path` for one differing JSON path of two paired records (values already normalised, see cdc-normalise.ts).
 */
export interface CdcAllowedDifference {
  behaviour: string;
  reason: string;
  unpaired?(topic: string, side: 'kc' | 'conveyor', record: NormalRecord): boolean;
  path?(topic: string, d: Difference, kc: NormalRecord, conveyor: NormalRecord): boolean;
}

type Obj = Record<string, unknown>;
const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((cur, k) => (cur !== null && typeof cur === 'object' ? (cur as Obj)[k] : undefined), v);
/** A value's payload: JsonConverter's envelope or the record itself (schema history). */
const payloadOf = (v: unknown): unknown => (at(v, 'schema') !== undefined && at(v, 'payload') !== undefined ? at(v, 'payload') : v);

export const CDC_ALLOWED = {
  firstBeginTime: {
    behaviour: "the first transaction event's ts_ms",
    reason: "the transaction's own binlog time; Debezium stamps the first BEGIN after the snapshot with an older one (of an event it read before the transaction)",
    path: (topic, d, kc) => topic.endsWith('.transaction') && d.path === '#0.value.payload.ts_ms' && at(payloadOf(kc.value), 'status') === 'BEGIN' &&
      typeof d.kc === 'number' && typeof d.conveyor === 'number' && d.kc < d.conveyor,
  },
} as const satisfies Record<string, CdcAllowedDifference>;

export type CdcAllowedId = keyof typeof CDC_ALLOWED;
