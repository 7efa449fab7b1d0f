/**
 * The REST request sequence sent, step by step, to both workers. Placeholders are filled per side: {src} and {sink}
 * (a FileStreamSource reading {dir}/in.txt into {topic}, a FileStreamSink writing it to {dir}/out.txt), {made}
 * (created with PUT), {missing} (never exists), {rest} (the worker's URL). A step may first wait, on each side, for a
 * state its answer depends on (statuses and offsets settle asynchronously in both workers).
 */
import type { AllowedId } from './allowed.ts';
import type { RestRequest, RestResponse } from './http.ts';
import { onlyLoggers, rootInfo, withoutConveyorOnlyPlugins } from './normalise.ts';

export interface Wait {
  what: string;
  path: string;
  until(body: unknown): boolean;
}

export interface Step {
  id: string;
  req: RestRequest;
  wait?: Wait;
  /** JSON paths of arrays Kafka Connect does not order (see `unorderedBecause`). */
  unordered?: readonly string[];
  body?: (body: unknown) => unknown;
  allow?: AllowedId;
  /** Sends the request again (for up to a minute) while the answer is one its worker documents as retriable. */
  retryWhile?: (res: RestResponse) => boolean;
}

type Status = { connector?: { state?: string }; tasks?: { state?: string }[] };

const state = (name: string, connector: string, tasks: number, task = connector): Wait => ({
  what: `${name} ${connector} with ${tasks} ${task} task(s)`,
  path: `/connectors/${name}/status`,
  until: (b) => {
    const s = b as Status;
    return s.connector?.state === connector && s.tasks?.length === tasks && s.tasks.every((t) => t.state === task);
  },
});
const running = (name: string): Wait => state(name, 'RUNNING', 1);
const stopped = (name: string): Wait => state(name, 'STOPPED', 0);
const hasTopics = (name: string): Wait => ({
  what: `${name} has active topics`,
  path: `/connectors/${name}/topics`,
  until: (b) => ((b as Record<string, { topics?: unknown[] }> | null)?.[name]?.topics?.length ?? 0) > 0,
});
const offsets = (name: string, test: (o: unknown[]) => boolean, what: string): Wait => ({
  what: `${name} offsets ${what}`,
  path: `/connectors/${name}/offsets`,
  until: (b) => Array.isArray((b as { offsets?: unknown } | null)?.offsets) && test((b as { offsets: unknown[] }).offsets),
});
/** Kafka Connect's 500 while a stopped sink's consumer is still a member of its group: "this operation can be safely retried". */
const zombieSink = (r: RestResponse): boolean => r.status === 500 && /haven't stopped completely yet/.test((r.body as { message?: string } | null)?.message ?? '');
const sinkAt = (n: number) => (o: unknown[]): boolean => o.some((e) => (e as { offset?: { kafka_offset?: unknown } }).offset?.kafka_offset === n);

/** Why each `unordered` path is sorted before comparing. */
export const unorderedBecause: Readonly<Record<string, string>> = {
  $: 'GET /connectors: the names come from the herder config map, a key set with no promised order',
  '$.*.topics': 'active topics are a set (TopicStatus records per topic)',
  '$.offsets': 'offsets come from a map of partitions',
};

export const LINES = ['first line', 'second line', 'third line'];

const SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const source = { 'connector.class': SOURCE, 'tasks.max': '1', file: '{dir}/in.txt', topic: '{topic}' };
const sink = { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', 'tasks.max': '1', file: '{dir}/out.txt', topics: '{topic}' };
const get = (path: string): RestRequest => ({ method: 'GET', path });

export const steps: readonly Step[] = [
  { id: 'root', req: get('/'), body: rootInfo },
  { id: 'plugins', req: get('/connector-plugins'), body: withoutConveyorOnlyPlugins },
  { id: 'plugins-all', req: get('/connector-plugins?connectorsOnly=false'), body: withoutConveyorOnlyPlugins },
  { id: 'plugins-connectors-only', req: get('/connector-plugins?connectorsOnly=true'), body: withoutConveyorOnlyPlugins },
  { id: 'plugins-bad-flag', req: get('/connector-plugins?connectorsOnly=maybe'), body: withoutConveyorOnlyPlugins, allow: 'booleanFlag' },
  { id: 'plugin-config-source', req: get(`/connector-plugins/${SOURCE}/config`) },
  { id: 'plugin-config-sink-alias', req: get('/connector-plugins/FileStreamSink/config') },
  { id: 'plugin-config-converter', req: get('/connector-plugins/org.apache.kafka.connect.storage.StringConverter/config') },
  { id: 'plugin-config-unknown', req: get('/connector-plugins/com.example.NoSuchConnector/config') },
  { id: 'validate-valid', req: { method: 'PUT', path: '/connector-plugins/FileStreamSourceConnector/config/validate', body: { ...source, name: '{src}' } } },
  { id: 'validate-invalid-values', req: { method: 'PUT', path: '/connector-plugins/FileStreamSourceConnector/config/validate', body: { ...source, name: '{src}', 'tasks.max': 'two', 'batch.size': '-1', 'errors.tolerance': 'some' } } },
  { id: 'validate-missing-required', req: { method: 'PUT', path: '/connector-plugins/FileStreamSourceConnector/config/validate', body: { 'connector.class': SOURCE, name: '{src}' } } },
  { id: 'validate-sink', req: { method: 'PUT', path: '/connector-plugins/FileStreamSinkConnector/config/validate', body: { ...sink, name: '{sink}', 'topics.regex': 'x.*' } } },
  { id: 'validate-unknown-class', req: { method: 'PUT', path: '/connector-plugins/com.example.NoSuchConnector/config/validate', body: { 'connector.class': 'com.example.NoSuchConnector' } }, allow: 'validateUnknownClass' },
  { id: 'validate-empty', req: { method: 'PUT', path: '/connector-plugins/FileStreamSourceConnector/config/validate', body: {} }, allow: 'validateEmpty' },
  { id: 'validate-plugin-version-alias', req: { method: 'PUT', path: '/connector-plugins/FileStreamSourceConnector/config/validate', body: { ...source, name: '{src}', 'plugin.version': '9.9.9' } }, allow: 'pluginVersionAlias' },
  { id: 'list-empty', req: get('/connectors') },
  { id: 'create-text-plain', req: { method: 'POST', path: '/connectors', text: JSON.stringify({ name: '{src}', config: source }), contentType: 'text/plain' } },
  { id: 'create-malformed-json', req: { method: 'POST', path: '/connectors', text: '{"name": ' }, allow: 'malformedBody' },
  { id: 'create-wrong-shape', req: { method: 'POST', path: '/connectors', text: '[1,2]' }, allow: 'malformedBody' },
  { id: 'create-missing-class', req: { method: 'POST', path: '/connectors', body: { name: '{src}', config: { file: '{dir}/in.txt', topic: '{topic}' } } }, allow: 'createMissingClass' },
  { id: 'create-unknown-class', req: { method: 'POST', path: '/connectors', body: { name: '{src}', config: { ...source, 'connector.class': 'com.example.NoSuchConnector' } } }, allow: 'createUnknownClassPrefix' },
  { id: 'create-invalid-value', req: { method: 'POST', path: '/connectors', body: { name: '{src}', config: { ...source, 'tasks.max': 'two' } } } },
  { id: 'create-name-mismatch', req: { method: 'POST', path: '/connectors', body: { name: '{src}', config: { ...source, name: '{missing}' } } } },
  { id: 'create-no-name', req: { method: 'POST', path: '/connectors', body: { config: source } } },
  { id: 'create-source', req: { method: 'POST', path: '/connectors', body: { name: '{src}', config: source } } },
  { id: 'create-duplicate', req: { method: 'POST', path: '/connectors', body: { name: '{src}', config: source } } },
  { id: 'create-sink-put', req: { method: 'PUT', path: '/connectors/{sink}/config', body: sink } },
  { id: 'create-stopped', req: { method: 'POST', path: '/connectors', body: { name: '{made}', config: { ...source, topic: '{topic}' }, initial_state: 'STOPPED' } } },
  { id: 'list', req: get('/connectors'), unordered: ['$'], wait: running('{sink}') },
  { id: 'list-expand', req: get('/connectors?expand=status&expand=info'), wait: running('{src}') },
  { id: 'list-expand-unknown', req: get('/connectors?expand=everything'), allow: 'expandUnknown' },
  { id: 'get-connector', req: get('/connectors/{src}') },
  { id: 'get-config', req: get('/connectors/{src}/config') },
  { id: 'get-status', req: get('/connectors/{src}/status') },
  { id: 'get-tasks', req: get('/connectors/{src}/tasks') },
  { id: 'get-task-status', req: get('/connectors/{src}/tasks/0/status') },
  { id: 'get-task-status-unknown-task', req: get('/connectors/{src}/tasks/7/status') },
  { id: 'get-task-status-bad-id', req: get('/connectors/{src}/tasks/x/status') },
  { id: 'get-stopped-connector', req: get('/connectors/{made}'), wait: stopped('{made}') },
  { id: 'get-stopped-status', req: get('/connectors/{made}/status') },
  { id: 'get-topics-source', req: get('/connectors/{src}/topics'), wait: hasTopics('{src}'), unordered: ['$.*.topics'] },
  { id: 'get-topics-sink', req: get('/connectors/{sink}/topics'), wait: hasTopics('{sink}'), unordered: ['$.*.topics'] },
  { id: 'offsets-source-running', req: get('/connectors/{src}/offsets'), wait: offsets('{src}', (o) => o.length > 0, 'committed'), unordered: ['$.offsets'] },
  { id: 'offsets-sink-running', req: get('/connectors/{sink}/offsets'), wait: offsets('{sink}', sinkAt(LINES.length), `at ${LINES.length}`), unordered: ['$.offsets'] },
  { id: 'offsets-patch-running', req: { method: 'PATCH', path: '/connectors/{src}/offsets', body: { offsets: [{ partition: { filename: '{dir}/in.txt' }, offset: { position: 0 } }] } } },
  { id: 'offsets-delete-running', req: { method: 'DELETE', path: '/connectors/{src}/offsets' } },
  { id: 'put-config', req: { method: 'PUT', path: '/connectors/{src}/config', body: { ...source, 'batch.size': '500' } } },
  { id: 'put-config-name-mismatch', req: { method: 'PUT', path: '/connectors/{src}/config', body: { ...source, name: '{missing}' } } },
  { id: 'put-config-invalid', req: { method: 'PUT', path: '/connectors/{src}/config', body: { ...source, 'tasks.max': '0' } } },
  { id: 'patch-config', req: { method: 'PATCH', path: '/connectors/{src}/config', body: { 'batch.size': '100', 'tasks.max': null } } },
  { id: 'patch-config-name-mismatch', req: { method: 'PATCH', path: '/connectors/{sink}/config', body: { name: '{missing}' } }, allow: 'patchNameMismatch' },
  { id: 'get-config-after-patch', req: get('/connectors/{src}/config') },
  { id: 'pause', req: { method: 'PUT', path: '/connectors/{src}/pause' }, wait: running('{src}') },
  { id: 'status-paused', req: get('/connectors/{src}/status'), wait: state('{src}', 'PAUSED', 1) },
  { id: 'pause-again', req: { method: 'PUT', path: '/connectors/{src}/pause' } },
  { id: 'resume', req: { method: 'PUT', path: '/connectors/{src}/resume' } },
  { id: 'status-resumed', req: get('/connectors/{src}/status'), wait: running('{src}') },
  { id: 'restart', req: { method: 'POST', path: '/connectors/{src}/restart' } },
  { id: 'restart-include-tasks', req: { method: 'POST', path: '/connectors/{src}/restart?includeTasks=true' }, wait: running('{src}') },
  { id: 'restart-only-failed', req: { method: 'POST', path: '/connectors/{src}/restart?includeTasks=true&onlyFailed=true' }, wait: running('{src}') },
  { id: 'restart-only-failed-connector', req: { method: 'POST', path: '/connectors/{src}/restart?onlyFailed=true' }, wait: running('{src}') },
  { id: 'restart-bad-flag', req: { method: 'POST', path: '/connectors/{src}/restart?includeTasks=perhaps' }, wait: running('{src}'), allow: 'booleanFlag' },
  { id: 'restart-task', req: { method: 'POST', path: '/connectors/{src}/tasks/0/restart' }, wait: running('{src}') },
  { id: 'topics-reset-running', req: { method: 'PUT', path: '/connectors/{src}/topics/reset' } },
  { id: 'stop', req: { method: 'PUT', path: '/connectors/{src}/stop' }, wait: running('{src}') },
  { id: 'status-stopped', req: get('/connectors/{src}/status'), wait: stopped('{src}') },
  { id: 'get-connector-stopped', req: get('/connectors/{src}') },
  { id: 'get-tasks-stopped', req: get('/connectors/{src}/tasks') },
  { id: 'topics-reset-stopped', req: { method: 'PUT', path: '/connectors/{src}/topics/reset' } },
  { id: 'topics-after-reset', req: get('/connectors/{src}/topics') },
  { id: 'offsets-source-stopped', req: get('/connectors/{src}/offsets'), unordered: ['$.offsets'] },
  { id: 'offsets-patch-stopped', req: { method: 'PATCH', path: '/connectors/{src}/offsets', body: { offsets: [{ partition: { filename: '{dir}/in.txt' }, offset: { position: 11 } }] } } },
  { id: 'offsets-after-patch', req: get('/connectors/{src}/offsets'), unordered: ['$.offsets'] },
  { id: 'offsets-patch-empty', req: { method: 'PATCH', path: '/connectors/{src}/offsets', body: { offsets: [] } } },
  { id: 'offsets-patch-bad-partition', req: { method: 'PATCH', path: '/connectors/{src}/offsets', body: { offsets: [{ partition: { file: 'x' }, offset: { position: 1 } }] } } },
  { id: 'offsets-delete-stopped', req: { method: 'DELETE', path: '/connectors/{src}/offsets' } },
  { id: 'offsets-after-delete', req: get('/connectors/{src}/offsets') },
  { id: 'stop-sink', req: { method: 'PUT', path: '/connectors/{sink}/stop' } },
  { id: 'offsets-sink-stopped', req: get('/connectors/{sink}/offsets'), wait: stopped('{sink}'), unordered: ['$.offsets'] },
  { id: 'offsets-sink-patch', req: { method: 'PATCH', path: '/connectors/{sink}/offsets', body: { offsets: [{ partition: { kafka_topic: '{topic}', kafka_partition: 0 }, offset: { kafka_offset: 1 } }] } }, retryWhile: zombieSink },
  { id: 'offsets-sink-after-patch', req: get('/connectors/{sink}/offsets'), unordered: ['$.offsets'] },
  { id: 'offsets-sink-delete', req: { method: 'DELETE', path: '/connectors/{sink}/offsets' }, retryWhile: zombieSink },
  { id: 'offsets-sink-after-delete', req: get('/connectors/{sink}/offsets') },
  { id: 'resume-stopped', req: { method: 'PUT', path: '/connectors/{src}/resume' } },
  { id: 'status-resumed-from-stop', req: get('/connectors/{src}/status'), wait: running('{src}') },
  { id: 'unknown-get', req: get('/connectors/{missing}') },
  { id: 'unknown-config', req: get('/connectors/{missing}/config') },
  { id: 'unknown-status', req: get('/connectors/{missing}/status') },
  { id: 'unknown-tasks', req: get('/connectors/{missing}/tasks') },
  { id: 'unknown-task-status', req: get('/connectors/{missing}/tasks/0/status') },
  { id: 'unknown-topics', req: get('/connectors/{missing}/topics') },
  { id: 'unknown-topics-reset', req: { method: 'PUT', path: '/connectors/{missing}/topics/reset' } },
  { id: 'unknown-offsets', req: get('/connectors/{missing}/offsets') },
  { id: 'unknown-offsets-patch', req: { method: 'PATCH', path: '/connectors/{missing}/offsets', body: { offsets: [] } } },
  { id: 'unknown-offsets-delete', req: { method: 'DELETE', path: '/connectors/{missing}/offsets' } },
  { id: 'unknown-patch-config', req: { method: 'PATCH', path: '/connectors/{missing}/config', body: { 'batch.size': '1' } } },
  { id: 'unknown-pause', req: { method: 'PUT', path: '/connectors/{missing}/pause' }, allow: 'pauseResumeUnknownWording' },
  { id: 'unknown-resume', req: { method: 'PUT', path: '/connectors/{missing}/resume' }, allow: 'pauseResumeUnknownWording' },
  { id: 'unknown-stop', req: { method: 'PUT', path: '/connectors/{missing}/stop' }, allow: 'unknownRestartStop' },
  { id: 'unknown-restart', req: { method: 'POST', path: '/connectors/{missing}/restart' }, allow: 'unknownRestartStop' },
  { id: 'unknown-restart-include-tasks', req: { method: 'POST', path: '/connectors/{missing}/restart?includeTasks=true' } },
  { id: 'unknown-task-restart', req: { method: 'POST', path: '/connectors/{missing}/tasks/0/restart' }, allow: 'unknownTaskRestart' },
  { id: 'unknown-delete', req: { method: 'DELETE', path: '/connectors/{missing}' } },
  { id: 'wrong-method-root', req: { method: 'DELETE', path: '/' } },
  { id: 'wrong-method-connectors', req: { method: 'DELETE', path: '/connectors' } },
  { id: 'wrong-method-status', req: { method: 'POST', path: '/connectors/{src}/status' } },
  { id: 'wrong-method-config', req: { method: 'POST', path: '/connectors/{src}/config', body: source } },
  { id: 'wrong-method-restart', req: get('/connectors/{src}/restart') },
  { id: 'wrong-method-pause', req: { method: 'POST', path: '/connectors/{src}/pause' } },
  { id: 'wrong-method-plugins', req: { method: 'POST', path: '/connector-plugins' } },
  { id: 'wrong-method-validate', req: { method: 'GET', path: '/connector-plugins/FileStreamSourceConnector/config/validate' } },
  { id: 'unknown-path', req: get('/no/such/path') },
  { id: 'unknown-connector-subpath', req: get('/connectors/{src}/nope') },
  { id: 'loggers', req: get('/admin/loggers'), body: onlyLoggers },
  { id: 'logger-root', req: get('/admin/loggers/root') },
  { id: 'logger-unset', req: get('/admin/loggers/com.example.differential') },
  { id: 'logger-set', req: { method: 'PUT', path: '/admin/loggers/com.example.differential', body: { level: 'DEBUG' } } },
  { id: 'logger-after-set', req: get('/admin/loggers/com.example.differential') },
  { id: 'loggers-after-set', req: get('/admin/loggers'), body: onlyLoggers },
  { id: 'logger-bad-level', req: { method: 'PUT', path: '/admin/loggers/com.example.differential', body: { level: 'LOUD' } } },
  { id: 'logger-no-level', req: { method: 'PUT', path: '/admin/loggers/com.example.differential', body: {} } },
  // Last before the delete: Kafka Connect 4.1.1 answers 404 but also records a FAILED status for the unknown task.
  { id: 'restart-unknown-task', req: { method: 'POST', path: '/connectors/{src}/tasks/3/restart' } },
  { id: 'delete-source', req: { method: 'DELETE', path: '/connectors/{src}' } },
  { id: 'get-deleted', req: get('/connectors/{src}') },
  { id: 'delete-again', req: { method: 'DELETE', path: '/connectors/{src}' } },
  { id: 'delete-sink', req: { method: 'DELETE', path: '/connectors/{sink}' } },
  { id: 'delete-made', req: { method: 'DELETE', path: '/connectors/{made}' } },
  { id: 'list-after-delete', req: get('/connectors') },
];
