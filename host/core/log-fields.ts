/** Field names shared by every log line, so logs from all components can be joined. */
export const LogField = {
  component: 'component',
  connector: 'connector',
  task: 'task',
  tenant: 'tenant',
  plugin: 'plugin',
  worker: 'worker',
} as const;
