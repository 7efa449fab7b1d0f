/**
 * Every metric GET /metrics serves, declared once. Kafka Connect's are named as the Prometheus JMX exporter names
 * them by default: `kafka_connect_<type>_<attribute>` from the MBean `kafka.connect:type=<type>,...`, dashes as
 * underscores, the MBean's other keys (connector, task) as labels. Conveyor's own start with `conveyor_`.
 */
export type MetricKind = 'counter' | 'gauge';

export interface MetricDef {
  readonly name: string;
  readonly help: string;
  readonly kind: MetricKind;
  readonly labels: readonly string[];
}

const snake = (s: string): string => s.replace(/[-.]/g, '_');
const C = ['connector'] as const;
const CT = ['connector', 'task'] as const;

function kc(group: string, attribute: string, kind: MetricKind, help: string, labels: readonly string[] = []): MetricDef {
  return { name: `kafka_connect_${snake(group)}_${snake(attribute)}`, help: `${help} (${group} ${attribute})`, kind, labels };
}

function own(name: string, kind: MetricKind, help: string, labels: readonly string[] = []): MetricDef {
  return { name: `conveyor_${name}`, help, kind, labels };
}

export const Group = {
  worker: 'connect-worker-metrics',
  rebalance: 'connect-worker-rebalance-metrics',
  connector: 'connector-metrics',
  task: 'connector-task-metrics',
  source: 'source-task-metrics',
  sink: 'sink-task-metrics',
  errors: 'task-error-metrics',
} as const;

const W = Group.worker;
const R = Group.rebalance;
const T = Group.task;
const SRC = Group.source;
const SNK = Group.sink;
const E = Group.errors;

export const Metric = {
  connectorCount: kc(W, 'connector-count', 'gauge', 'The number of connectors run in this worker.'),
  taskCount: kc(W, 'task-count', 'gauge', 'The number of tasks run in this worker.'),
  connectorStartupAttempts: kc(W, 'connector-startup-attempts-total', 'counter', 'The total number of connector startups that this worker has attempted.'),
  connectorStartupSuccess: kc(W, 'connector-startup-success-total', 'counter', 'The total number of connector starts that succeeded.'),
  connectorStartupFailure: kc(W, 'connector-startup-failure-total', 'counter', 'The total number of connector starts that failed.'),
  connectorStartupSuccessPct: kc(W, 'connector-startup-success-percentage', 'gauge', 'The average percentage of this worker\'s connectors starts that succeeded.'),
  connectorStartupFailurePct: kc(W, 'connector-startup-failure-percentage', 'gauge', 'The average percentage of this worker\'s connectors starts that failed.'),
  taskStartupAttempts: kc(W, 'task-startup-attempts-total', 'counter', 'The total number of task startups that this worker has attempted.'),
  taskStartupSuccess: kc(W, 'task-startup-success-total', 'counter', 'The total number of task starts that succeeded.'),
  taskStartupFailure: kc(W, 'task-startup-failure-total', 'counter', 'The total number of task starts that failed.'),
  taskStartupSuccessPct: kc(W, 'task-startup-success-percentage', 'gauge', 'The average percentage of this worker\'s tasks starts that succeeded.'),
  taskStartupFailurePct: kc(W, 'task-startup-failure-percentage', 'gauge', 'The average percentage of this worker\'s tasks starts that failed.'),
  connectorTotalTasks: kc(W, 'connector-total-task-count', 'gauge', 'The number of tasks of the connector on the worker.', C),
  connectorRunningTasks: kc(W, 'connector-running-task-count', 'gauge', 'The number of running tasks of the connector on the worker.', C),
  connectorPausedTasks: kc(W, 'connector-paused-task-count', 'gauge', 'The number of paused tasks of the connector on the worker.', C),
  connectorFailedTasks: kc(W, 'connector-failed-task-count', 'gauge', 'The number of failed tasks of the connector on the worker.', C),
  connectorUnassignedTasks: kc(W, 'connector-unassigned-task-count', 'gauge', 'The number of unassigned tasks of the connector on the worker.', C),
  connectorRestartingTasks: kc(W, 'connector-restarting-task-count', 'gauge', 'The number of restarting tasks of the connector on the worker.', C),

  completedRebalances: kc(R, 'completed-rebalances-total', 'counter', 'The total number of rebalances completed by this worker.'),
  epoch: kc(R, 'epoch', 'gauge', 'The epoch or generation number of this worker.'),
  rebalancing: kc(R, 'rebalancing', 'gauge', 'Whether this worker is currently rebalancing (1) or not (0).'),
  rebalanceAvgTime: kc(R, 'rebalance-avg-time-ms', 'gauge', 'The average time in milliseconds spent by this worker to rebalance.'),
  rebalanceMaxTime: kc(R, 'rebalance-max-time-ms', 'gauge', 'The maximum time in milliseconds spent by this worker to rebalance.'),
  timeSinceLastRebalance: kc(R, 'time-since-last-rebalance-ms', 'gauge', 'The time in milliseconds since this worker completed the most recent rebalance.'),

  connectorStatus: kc(Group.connector, 'status', 'gauge', 'The status of the connector (1 for the status label in force).', [...C, 'status']),

  taskStatus: kc(T, 'status', 'gauge', 'The status of the connector task (1 for the status label in force).', [...CT, 'status']),
  runningRatio: kc(T, 'running-ratio', 'gauge', 'The fraction of time this task has spent in the running state.', CT),
  pauseRatio: kc(T, 'pause-ratio', 'gauge', 'The fraction of time this task has spent in the pause state.', CT),
  offsetCommitAvgTime: kc(T, 'offset-commit-avg-time-ms', 'gauge', 'The average time in milliseconds taken by this task to commit offsets.', CT),
  offsetCommitMaxTime: kc(T, 'offset-commit-max-time-ms', 'gauge', 'The maximum time in milliseconds taken by this task to commit offsets.', CT),
  offsetCommitSuccessPct: kc(T, 'offset-commit-success-percentage', 'gauge', 'The average percentage of this task\'s offset commit attempts that succeeded.', CT),
  offsetCommitFailurePct: kc(T, 'offset-commit-failure-percentage', 'gauge', 'The average percentage of this task\'s offset commit attempts that failed.', CT),
  batchSizeAvg: kc(T, 'batch-size-avg', 'gauge', 'The average number of records in the batches the task has processed so far.', CT),
  batchSizeMax: kc(T, 'batch-size-max', 'gauge', 'The number of records in the largest batch the task has processed so far.', CT),

  sourcePollTotal: kc(SRC, 'source-record-poll-total', 'counter', 'The total number of records produced/polled (before transformation) by this task.', CT),
  sourcePollRate: kc(SRC, 'source-record-poll-rate', 'gauge', 'The average per-second number of records produced/polled (before transformation) by this task.', CT),
  sourceWriteTotal: kc(SRC, 'source-record-write-total', 'counter', 'The number of records output from the transformations and written to Kafka for this task.', CT),
  sourceWriteRate: kc(SRC, 'source-record-write-rate', 'gauge', 'The average per-second number of records output from the transformations and written to Kafka for this task.', CT),
  pollBatchAvgTime: kc(SRC, 'poll-batch-avg-time-ms', 'gauge', 'The average time in milliseconds taken by this task to poll for a batch of source records.', CT),
  pollBatchMaxTime: kc(SRC, 'poll-batch-max-time-ms', 'gauge', 'The maximum time in milliseconds taken by this task to poll for a batch of source records.', CT),

  sinkReadTotal: kc(SNK, 'sink-record-read-total', 'counter', 'The total number of records read from Kafka by this task.', CT),
  sinkReadRate: kc(SNK, 'sink-record-read-rate', 'gauge', 'The average per-second number of records read from Kafka for this task.', CT),
  sinkSendTotal: kc(SNK, 'sink-record-send-total', 'counter', 'The total number of records output from the transformations and sent/put to this task.', CT),
  sinkSendRate: kc(SNK, 'sink-record-send-rate', 'gauge', 'The average per-second number of records output from the transformations and sent/put to this task.', CT),
  putBatchAvgTime: kc(SNK, 'put-batch-avg-time-ms', 'gauge', 'The average time taken by this task to put a batch of sinks records.', CT),
  putBatchMaxTime: kc(SNK, 'put-batch-max-time-ms', 'gauge', 'The maximum time taken by this task to put a batch of sinks records.', CT),
  offsetCommitCompletionTotal: kc(SNK, 'offset-commit-completion-total', 'counter', 'The total number of offset commit completions that were completed successfully.', CT),
  partitionCount: kc(SNK, 'partition-count', 'gauge', 'The number of topic partitions assigned to this task.', CT),

  totalRecordErrors: kc(E, 'total-record-errors', 'counter', 'The number of record processing errors in this task.', CT),
  totalRecordFailures: kc(E, 'total-record-failures', 'counter', 'The number of record processing failures in this task.', CT),
  totalRecordsSkipped: kc(E, 'total-records-skipped', 'counter', 'The number of records skipped due to errors.', CT),
  totalRetries: kc(E, 'total-retries', 'counter', 'The number of operations retried.', CT),
  totalErrorsLogged: kc(E, 'total-errors-logged', 'counter', 'The number of errors that were logged.', CT),
  dlqProduceRequests: kc(E, 'deadletterqueue-produce-requests', 'counter', 'The number of attempted writes to the dead letter queue.', CT),
  dlqProduceFailures: kc(E, 'deadletterqueue-produce-failures', 'counter', 'The number of failed writes to the dead letter queue.', CT),
  lastErrorTimestamp: kc(E, 'last-error-timestamp', 'gauge', 'The epoch timestamp when this task last encountered an error.', CT),

  recordsLag: {
    name: 'kafka_consumer_consumer_fetch_manager_metrics_records_lag',
    help: 'Records between a sink task\'s position and the partition\'s high watermark (consumer-fetch-manager-metrics records-lag).',
    kind: 'gauge',
    labels: [...CT, 'topic', 'partition'],
  } satisfies MetricDef,

  sandboxHeapBytes: own('sandbox_isolate_heap_bytes', 'gauge', 'Heap, ArrayBuffer and WebAssembly memory of the task\'s isolate, as last sampled by the sandbox.', CT),
  sandboxWasmBytes: own('sandbox_isolate_wasm_bytes', 'gauge', 'WebAssembly memory of the task\'s isolate.', CT),
  sandboxCpuMs: own('sandbox_isolate_cpu_ms_total', 'counter', 'CPU time the task\'s isolate has used, in milliseconds (since the isolate was created).', CT),
  sandboxLimitKills: own('sandbox_limit_kills_total', 'counter', 'Tasks failed because they breached a sandbox limit, by limit.', ['limit']),
  sandboxCapabilityCalls: own('sandbox_capability_calls_total', 'counter', 'Capability calls made by a task, by capability and method.', [...CT, 'capability', 'method']),
  sandboxCapabilityDenials: own('sandbox_capability_denials_total', 'counter', 'Capability calls refused by the policy (or after revocation), by capability and method.', [...CT, 'capability', 'method']),
  sandboxCapabilityErrors: own('sandbox_capability_errors_total', 'counter', 'Capability calls that failed, by capability and method.', [...CT, 'capability', 'method']),
  sandboxCapabilitySeconds: own('sandbox_capability_call_seconds_total', 'counter', 'Time spent serving capability calls, by capability and method.', [...CT, 'capability', 'method']),
  sandboxProcessRestarts: own('sandbox_process_restarts_total', 'counter', 'Sandbox processes started again after one exited.'),
  sandboxProcesses: own('sandbox_processes', 'gauge', 'Sandbox processes running.'),
  sandboxProcessRss: own('sandbox_process_resident_bytes', 'gauge', 'Resident memory of a sandbox process.', ['pid']),
} as const satisfies Record<string, MetricDef>;
