import { randomBytes } from 'node:crypto';

/** Where the local stack (npm run stack -- up) serves; overridable for other environments. */
export const stack = {
  kafkaBrokers: (process.env.CONVEYOR_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  etcdHosts: (process.env.CONVEYOR_ETCD_HOSTS ?? 'http://127.0.0.1:2379').split(','),
  mariadb: {
    host: process.env.CONVEYOR_MARIADB_HOST ?? '127.0.0.1',
    port: Number(process.env.CONVEYOR_MARIADB_PORT ?? 3307),
    cdcUser: 'conveyor',
    cdcPassword: 'conveyor',
    adminUser: 'root',
    adminPassword: '',
  },
  elasticsearchUrl: process.env.CONVEYOR_ES_URL ?? 'http://127.0.0.1:9200',
} as const;

/** A unique name for a test fixture (topic, group, index, database), safe for every server's naming rules. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`.toLowerCase();
}

/** Polls until check returns a value other than undefined, or fails after the attempts run out. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, attempts = 100, delayMs = 100): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, delayMs));
  }
  throw new Error(`timed out waiting for ${what}`, { cause: lastError });
}
