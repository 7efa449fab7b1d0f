/**
 * `conveyor describe connector` for a CDC connector on a real-stack worker: its snapshot section shows, per table,
 * the rows scanned against the server's estimate, and the snapshot's state; JSON output carries the series.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startCdcWorker } from '../../helpers/cdc-worker.ts';
import type { CdcWorker } from '../../helpers/cdc-worker.ts';
import { conveyorCli } from '../../helpers/cli.ts';
import { waitFor } from '../worker/worker-fixture.ts';

let h: CdcWorker;
let home: string;

before(async () => {
  h = await startCdcWorker('cli_snap');
  home = await mkdtemp(join(tmpdir(), 'conveyor-cli-snap-'));
  await h.db.admin.query(`CREATE TABLE \`${h.db.name}\`.items (id INT PRIMARY KEY, label VARCHAR(32) NOT NULL)`);
  await h.db.admin.query(`CREATE TABLE \`${h.db.name}\`.empty_one (id INT PRIMARY KEY)`);
  await h.db.admin.query(`INSERT INTO \`${h.db.name}\`.items VALUES ${Array.from({ length: 500 }, (_, i) => `(${i + 1}, 'item ${i + 1}')`).join(',')}`);
  await h.db.admin.query(`ANALYZE TABLE \`${h.db.name}\`.items`);
});

after(async () => {
  await h.close();
  await rm(home, { recursive: true, force: true });
});

void test('describe shows a CDC connector\'s snapshot progress per table', { timeout: 180_000 }, async () => {
  const { name } = await h.createCdc('clisnap', ['items', 'empty_one'], { 'snapshot.fetch.size': '50', 'max.batch.size': '50' });
  const describe = (...extra: string[]) => conveyorCli(home, ['describe', 'connector', name, ...extra], { CONVEYOR_URL: h.url });
  const text = await waitFor('snapshot completed in describe', async () => {
    const r = await describe();
    assert.equal(r.code, 0, r.stderr);
    return /^ {2}Task 0: completed, 2 of 2 tables read$/m.test(r.stdout) ? r.stdout : undefined;
  }, 90_000);
  assert.match(text, /^Snapshot:$/m);
  const items = new RegExp(`^ {4}${h.db.name}\\.items\\s+500\\s+~(\\d+)\\s+(\\d+)%$`, 'm').exec(text);
  assert.ok(items, text);
  assert.ok(Number(items[1]) > 0, 'the estimate comes from the server');
  assert.match(text, new RegExp(`^ {4}${h.db.name}\\.empty_one\\s+0\\s+~0\\s*$`, 'm'));
  const json = JSON.parse((await describe('-o', 'json')).stdout) as { metrics: { task: number; metrics: { name: string; labels: Record<string, string>; value: number }[] }[] };
  const rows = json.metrics[0]?.metrics.find((m) => m.name === 'debezium_metrics_RowsScanned' && m.labels['table'] === `${h.db.name}.items`);
  assert.equal(rows?.value, 500);
});
