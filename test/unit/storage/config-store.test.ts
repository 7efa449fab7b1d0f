import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger } from '../../../host/core/logger.ts';
import { StandaloneConfigStore } from '../../../host/storage/config-store.ts';

const logger = createJsonLogger({ write: () => undefined });
const GOLDEN = new URL('./golden/config-store-v1.json', import.meta.url);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-configs-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function buildGoldenState(filename: string): Promise<void> {
  const s = await StandaloneConfigStore.open({ filename, logger });
  await s.putConfig('local-file-source', { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: '/tmp/in.txt', topic: 'lines' });
  await s.putConfig('es-sink', { 'connector.class': 'ElasticsearchSink', topics: 'orders' }, { tenant: 'acme', initialState: 'PAUSED' });
  await s.putTaskConfigs('es-sink', [{ 'connector.class': 'ElasticsearchSink', topics: 'orders', 'task.id': '0' }]);
  await s.putTargetState('local-file-source', 'STOPPED');
}

void test('the stored format matches the v1 golden file', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'configs.json');
    await buildGoldenState(filename);
    assert.equal(await readFile(filename, 'utf8'), await readFile(GOLDEN, 'utf8'));
  }));

void test('the v1 golden file loads with every field', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'configs.json');
    await copyFile(GOLDEN, filename);
    const s = await StandaloneConfigStore.open({ filename, logger });
    assert.deepEqual(s.get('es-sink'), {
      name: 'es-sink',
      config: { 'connector.class': 'ElasticsearchSink', topics: 'orders' },
      targetState: 'PAUSED',
      tenant: 'acme',
      taskConfigs: [{ 'connector.class': 'ElasticsearchSink', topics: 'orders', 'task.id': '0' }],
    });
    assert.equal(s.get('local-file-source')?.tenant, 'default');
    assert.equal(s.get('local-file-source')?.targetState, 'STOPPED');
    assert.deepEqual(s.list('acme').map((r) => r.name), ['es-sink']);
    assert.deepEqual(s.list().map((r) => r.name), ['es-sink', 'local-file-source']);
  }));

void test('config updates keep tenant, state and unknown stored fields', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'configs.json');
    const file = JSON.parse(await readFile(GOLDEN, 'utf8')) as { connectors: Record<string, Record<string, unknown>> };
    const sink = file.connectors['es-sink'];
    assert.ok(sink);
    sink.futureField = { kept: true };
    await writeFile(filename, JSON.stringify(file));
    const s = await StandaloneConfigStore.open({ filename, logger });
    await s.putConfig('es-sink', { 'connector.class': 'ElasticsearchSink', topics: 'orders,returns' });
    const reread = JSON.parse(await readFile(filename, 'utf8')) as typeof file;
    assert.deepEqual(reread.connectors['es-sink']?.futureField, { kept: true });
    assert.equal(reread.connectors['es-sink']?.tenant, 'acme');
    assert.equal(reread.connectors['es-sink']?.targetState, 'PAUSED');
  }));

void test('remove and missing connectors', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'configs.json');
    const s = await StandaloneConfigStore.open({ filename, logger });
    await s.putConfig('a', { 'connector.class': 'X' });
    assert.equal(await s.remove('a'), true);
    assert.equal(await s.remove('a'), false);
    await assert.rejects(s.putTargetState('a', 'PAUSED'), { code: 'CONVEYOR_NOT_FOUND' });
    const reopened = await StandaloneConfigStore.open({ filename, logger });
    assert.deepEqual(reopened.list(), []);
  }));

void test('a failed write leaves the in-memory view unchanged', () =>
  withDir(async (dir) => {
    const s = await StandaloneConfigStore.open({ filename: join(dir, 'configs.json'), logger });
    await s.putConfig('a', { 'connector.class': 'X' });
    await rm(dir, { recursive: true });
    await writeFile(dir, 'now a file, so the store directory cannot be created');
    await assert.rejects(s.putConfig('b', { 'connector.class': 'Y' }));
    assert.equal(s.get('b'), undefined);
    await rm(dir);
  }));

void test('an unknown format version is refused', () =>
  withDir(async (dir) => {
    const filename = join(dir, 'configs.json');
    await writeFile(filename, JSON.stringify({ version: 2, connectors: {} }));
    await assert.rejects(StandaloneConfigStore.open({ filename, logger }), /unsupported format version 2/);
  }));
