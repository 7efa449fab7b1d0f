/** The files `conveyor plugin new` writes: a plugin project that depends on @conveyor/sdk, with a test and a bundle script. */

export interface ScaffoldInput {
  /** The package and plugin name: lowercase letters, digits, '.', '_' and '-'. */
  name: string;
  type: 'source' | 'sink';
  /** The @conveyor/sdk dependency: a version range, or a tarball path (`file:...`). */
  sdk: string;
}

/** my-plugin → MyPlugin. */
export function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function packageJson(i: ScaffoldInput): string {
  const pkg = {
    name: i.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=24' },
    scripts: {
      test: 'node --test test/*.test.ts',
      check: 'tsc --noEmit',
      bundle: 'conveyor-bundle . --out bundle',
    },
    dependencies: { '@conveyor/sdk': i.sdk },
    devDependencies: { '@types/node': '^24.0.0', typescript: '~5.9.0' },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

function manifest(i: ScaffoldInput): string {
  return JSON.stringify({ name: i.name, version: '0.1.0', description: `The ${i.name} ${i.type} connector.`, entry: 'src/index.ts', capabilities: [] }, null, 2) + '\n';
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "es2024",
    "lib": ["es2024"],
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "types": ["node"],
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "verbatimModuleSyntax": true,
    "erasableSyntaxOnly": true,
    "allowImportingTsExtensions": true,
    "noEmit": true,
    "skipLibCheck": true
  },
  "include": ["src", "test"]
}
`;

function sourceCode(i: ScaffoldInput): string {
  const cls = pascalCase(i.name);
  return `import { defineSource, Schemas } from '@conveyor/sdk';
import type { SourceRecord, SourceTask, TaskContext } from '@conveyor/sdk';

/** The connector's settings; \`as const\` gives ctx.config its types (a number, a boolean, a string). */
const config = [
  { name: 'topic', type: 'string', importance: 'high', documentation: 'Topic to write records to.', validators: [{ kind: 'nonEmpty' }] },
  { name: 'interval.ms', type: 'long', default: 1000, importance: 'medium', documentation: 'Milliseconds between records.', validators: [{ kind: 'range', min: 0 }] },
  { name: 'message', type: 'string', default: 'hello', importance: 'low', documentation: 'Text of every record.' },
  { name: 'uppercase', type: 'boolean', default: false, importance: 'low', documentation: 'Upper-case the text.' },
] as const;

/** Built once: every record carries the same schema object. */
const VALUE_SCHEMA = Schemas.struct({ seq: Schemas.int64(), message: Schemas.string() }, { name: '${i.name}.Tick' });

class ${cls}Task implements SourceTask<typeof config> {
  private ctx!: TaskContext<typeof config>;
  private seq = 0;

  async start(ctx: TaskContext<typeof config>): Promise<void> {
    this.ctx = ctx;
    // Resume after the last record Kafka acknowledged.
    const committed = await ctx.offsets.get({ task: ctx.taskId });
    this.seq = typeof committed?.['seq'] === 'number' ? committed['seq'] : 0;
    ctx.log.info('${i.name} started', { seq: this.seq });
  }

  async poll(): Promise<SourceRecord[]> {
    const { topic, message, uppercase } = this.ctx.config;
    await this.ctx.clock.sleep(this.ctx.config['interval.ms']);
    this.seq++;
    return [
      {
        topic,
        key: \`task-\${this.ctx.taskId}\`,
        value: { seq: this.seq, message: uppercase ? message.toUpperCase() : message },
        valueSchema: VALUE_SCHEMA,
        sourcePartition: { task: this.ctx.taskId },
        sourceOffset: { seq: this.seq },
      },
    ];
  }

  stop(): void {
    this.ctx.log.info('${i.name} stopped', { seq: this.seq });
  }
}

export default defineSource({
  className: '${cls}Source',
  config,
  task: () => new ${cls}Task(),
});
`;
}

function sinkCode(i: ScaffoldInput): string {
  const cls = pascalCase(i.name);
  return `import { defineSink } from '@conveyor/sdk';
import type { SinkRecord, SinkTask, TaskContext, TopicPartitionOffsets } from '@conveyor/sdk';

/** The connector's settings; \`as const\` gives ctx.config its types (a list, a number). */
const config = [
  { name: 'topics', type: 'list', importance: 'high', documentation: 'Topics to consume.', validators: [{ kind: 'nonEmpty' }] },
  { name: 'log.every', type: 'long', default: 1000, importance: 'low', documentation: 'Log the running total every N records; 0 disables.', validators: [{ kind: 'range', min: 0 }] },
] as const;

class ${cls}Task implements SinkTask<typeof config> {
  private ctx!: TaskContext<typeof config>;
  private records = 0;
  private nextLog = 0;

  start(ctx: TaskContext<typeof config>): void {
    this.ctx = ctx;
    this.nextLog = ctx.config['log.every'];
    ctx.log.info('${i.name} started', { topics: [...ctx.config.topics] });
  }

  put(records: SinkRecord[]): void {
    // Write the batch to the external system here (through a capability: http, files, elasticsearch, mysql).
    this.records += records.length;
    if (this.nextLog > 0 && this.records >= this.nextLog) {
      this.ctx.log.info('${i.name} totals', { records: this.records });
      this.nextLog += this.ctx.config['log.every'];
    }
  }

  /** The offsets whose records are durable in the external system: here, everything put so far. */
  preCommit(offsets: TopicPartitionOffsets): TopicPartitionOffsets {
    return offsets;
  }

  stop(): void {
    this.ctx.log.info('${i.name} stopped', { records: this.records });
  }
}

export default defineSink({
  className: '${cls}Sink',
  config,
  task: () => new ${cls}Task(),
});
`;
}

function sourceTest(): string {
  return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTaskHarness } from '@conveyor/sdk/testing';
import plugin from '../src/index.ts';

const instant = { now: () => 0, sleep: () => Promise.resolve() };

test('emits one record per poll and resumes from the committed offset', async () => {
  const h = createTaskHarness(plugin, { config: { topic: 'ticks', uppercase: 'true' }, clock: instant });
  await h.start();
  const records = await h.pollUntil(3);
  await h.stop();
  assert.deepEqual(records.map((r) => r.value), [1, 2, 3].map((seq) => ({ seq, message: 'HELLO' })));
  assert.equal(records[0]?.topic, 'ticks');

  const resumed = createTaskHarness(plugin, { config: { topic: 'ticks' }, clock: instant, offsets: new Map([[JSON.stringify({ task: 0 }), { seq: 3 }]]) });
  await resumed.start();
  assert.deepEqual((await resumed.poll())[0]?.sourceOffset, { seq: 4 });
});

test('rejects a config without a topic', async () => {
  const h = createTaskHarness(plugin, { config: {} });
  assert.deepEqual(Object.keys(await h.validate()), ['topic']);
});
`;
}

function sinkTest(i: ScaffoldInput): string {
  return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTaskHarness } from '@conveyor/sdk/testing';
import type { SinkRecord } from '@conveyor/sdk';
import plugin from '../src/index.ts';

const record = (offset: number): SinkRecord => ({ topic: 'orders', partition: 0, offset, key: null, value: { n: offset }, headers: {}, timestamp: 0 });

test('counts what it is given, logs totals and reports the offsets durable', async () => {
  const h = createTaskHarness(plugin, { config: { topics: 'orders', 'log.every': '2' } });
  await h.start();
  await h.put([record(0), record(1), record(2)]);
  assert.deepEqual(await h.preCommit({ 'orders/0': 3 }), { 'orders/0': 3 });
  await h.stop();
  assert.deepEqual(h.logs.map((l) => [l.msg, l.fields]), [
    ['${i.name} started', { topics: ['orders'] }],
    ['${i.name} totals', { records: 3 }],
    ['${i.name} stopped', { records: 3 }],
  ]);
});

test('rejects a config without topics', async () => {
  const h = createTaskHarness(plugin, { config: {} });
  assert.deepEqual(Object.keys(await h.validate()), ['topics']);
});
`;
}

function readme(i: ScaffoldInput): string {
  return `# ${i.name}

A Conveyor ${i.type} connector, written with [@conveyor/sdk](https://www.npmjs.com/package/@conveyor/sdk).

\`\`\`sh
npm install
npm test          # the task against the SDK's test harness
npm run check     # type check
npm run bundle    # bundle/: manifest.json + plugin.js, to copy into a worker's plugin.path
\`\`\`

Run it against a local stack, from a Conveyor checkout: \`bin/conveyor plugin run <this folder> --config connector.properties\`.
`;
}

function connectorProperties(i: ScaffoldInput): string {
  const cls = `${pascalCase(i.name)}${i.type === 'source' ? 'Source' : 'Sink'}`;
  // A source's topic is created by the worker (Kafka Connect's topic.creation.*) when it does not exist yet.
  const own = i.type === 'source' ? `topic=${i.name}\ninterval.ms=1000\ntopic.creation.default.replication.factor=1\ntopic.creation.default.partitions=1\n` : `topics=${i.name}\n`;
  return `# The connector as a worker takes it (conveyor plugin run --config connector.properties, or standalone mode).\nname=${i.name}\nconnector.class=${cls}\ntasks.max=1\n${own}`;
}

/** Path (relative to the project) → contents. */
export function scaffoldFiles(i: ScaffoldInput): Record<string, string> {
  return {
    'package.json': packageJson(i),
    'conveyor-plugin.json': manifest(i),
    'tsconfig.json': TSCONFIG,
    'src/index.ts': i.type === 'source' ? sourceCode(i) : sinkCode(i),
    [`test/${i.name}.test.ts`]: i.type === 'source' ? sourceTest() : sinkTest(i),
    'connector.properties': connectorProperties(i),
    'README.md': readme(i),
    '.gitignore': 'node_modules/\nbundle/\n',
  };
}
