/** Kafka Connect's connector/task state machine and the status shapes GET /connectors/{name}/status returns. */
export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';
export type TaskState = ConnectorState;

export interface StateStatus {
  state: ConnectorState;
  worker_id: string;
  trace?: string;
  /** The plugin's version (Kafka Connect 4.1 shows it on the connector and on each task). */
  version?: string;
}

export interface TaskStatus extends StateStatus {
  id: number;
}

export interface ConnectorStatus {
  name: string;
  connector: StateStatus;
  tasks: TaskStatus[];
  type: 'source' | 'sink';
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: 'source' | 'sink';
}
