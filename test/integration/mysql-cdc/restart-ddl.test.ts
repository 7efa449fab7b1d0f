/**
 * Resume from committed offsets mid-stream (mid-transaction): every change exactly once in order per key, except
 * the last uncommitted batch which is delivered again (and counted). DDL while streaming, and a restart whose
 * stored schema history is newer than the data offset: older row events still decode with the older columns.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SourceOffset, SourceRecord } from '../../../sdk/records.ts';
import { uniqueName } from '../../helpers/stack.ts';
import { createTestDb } from '../binlog/helpers.ts';
import type { TestDb } from '../binlog/helpers.ts';
import { cdcConfig, envelope, startTask } from './helpers.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('cdc_restart');
});
after(async () => {
  await db.drop();
});

type Change = [key: number, op: string, v: number | null];
const changeOf = (r: SourceRecord): Change => {
  const e = envelope(r);
  const row = e.op === 'd' ? e.before : e.after;
  return [Number(row?.['id']), e.op, e.op === 'd' ? null : Number(row?.['v'])];
};

test('restart from committed offsets mid-stream: every change exactly once per key, duplicates only from the uncommitted batch', async () => {
  const t = `\`${db.name}\`.items`;
  await db.admin.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, v INT NOT NULL)`);
  const prefix = uniqueName('restart');
  const config = cdcConfig(db.name, prefix, { 'max.batch.size': '7', 'tombstones.on.delete': 'false', 'table.include.list': `${db.name}\\.items` });
  const offsets = new Map<string, SourceOffset>();
  const topic = `${prefix}.${db.name}.items`;
  const isData = (r: SourceRecord): boolean => r.topic === topic;

  let run = await startTask(config, offsets);
  await run.pollUntil((rs) => rs.some((r) => r.topic === prefix));
  const expected: Change[] = [];
  for (let tx = 0; tx < 40; tx++) {
    const ids = [1, 2, 3, 4, 5].map((k) => tx * 10 + k);
    await db.admin.query('BEGIN');
    await db.admin.query(`INSERT INTO ${t} VALUES ${ids.map((id) => `(${id}, 0)`).join(', ')}`);
    await db.admin.query(`UPDATE ${t} SET v = v + 1 WHERE id BETWEEN ${ids[0]} AND ${ids[4]}`);
    await db.admin.query(`DELETE FROM ${t} WHERE id = ${ids[2]}`);
    await db.admin.query('COMMIT');
    for (const id of ids) expected.push([id, 'c', 0]);
    for (const id of ids) expected.push([id, 'u', 1]);
    expected.push([ids[2]!, 'd', null]);
  }
  const committed = (await run.pollUntil((rs) => rs.filter(isData).length >= 200)).filter(isData);
  const lost = (await run.poll(false)).filter(isData);
  assert.ok(lost.length > 0 && committed.length < expected.length);
  await run.stop();

  run = await startTask(config, offsets);
  const remaining = expected.length - committed.length;
  const resumed = (await run.pollUntil((rs) => rs.filter(isData).length >= remaining)).filter(isData);
  await run.stop();

  assert.equal(resumed.length, remaining, `${resumed.length} records after the restart, ${remaining} expected`);
  assert.deepEqual([...committed, ...resumed].map(changeOf), expected, 'committed + resumed = every change once, in order');
  // The batch polled but never committed was delivered again at the start of the resumed run: the only duplicates.
  assert.deepEqual(resumed.slice(0, lost.length).map(changeOf), lost.map(changeOf));
  const all = [...committed, ...lost, ...resumed].map((r) => JSON.stringify(changeOf(r)));
  assert.equal(all.length - new Set(all).size, lost.length, `duplicates: ${lost.length} (the uncommitted batch)`);
});

test('DDL while streaming: schema change event, history record, new columns; restart with history newer than the data offset', async () => {
  const t = `\`${db.name}\`.shapes`;
  await db.admin.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, a INT NOT NULL)`);
  const prefix = uniqueName('ddl');
  const config = cdcConfig(db.name, prefix, { 'max.batch.size': '1', 'table.include.list': `${db.name}\\.shapes` });
  const offsets = new Map<string, SourceOffset>();
  const topic = `${prefix}.${db.name}.shapes`;

  let run = await startTask(config, offsets);
  await run.pollUntil((rs) => rs.some((r) => r.topic === prefix));
  await db.admin.query(`INSERT INTO ${t} VALUES (1, 1), (2, 2)`);
  await db.admin.query(`ALTER TABLE ${t} ADD COLUMN b VARCHAR(10) NOT NULL DEFAULT 'x'`);
  await db.admin.query(`INSERT INTO ${t} VALUES (3, 3, 'y')`);
  // Commit the first row only on the data partition, but every schema history record.
  const first = await run.pollUntil((rs) => rs.some((r) => r.topic === topic));
  const seen: SourceRecord[] = [];
  for (let i = 0; i < 100 && !seen.some((r) => r.topic === topic && envelope(r).after?.['id'] === 3); i++) {
    const batch = await run.poll(false);
    seen.push(...batch);
    for (const r of batch) if (r.sourcePartition['history'] === 'schema') offsets.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
  }
  await run.stop();
  assert.deepEqual(first.filter((r) => r.topic === topic).map((r) => envelope(r).after), [{ id: 1, a: 1 }]);
  const schemaChange = seen.find((r) => r.topic === prefix)!;
  assert.match(String((schemaChange.value as { ddl: string }).ddl), /ADD COLUMN b/);
  assert.equal((schemaChange.key as { databaseName: string }).databaseName, db.name);
  assert.ok(seen.some((r) => r.topic === `schemahistory.${prefix}` && String((r.value as { ddl: string }).ddl).includes('ADD COLUMN b')));
  assert.deepEqual(seen.filter((r) => r.topic === topic).map((r) => envelope(r).after), [{ id: 2, a: 2 }, { id: 3, a: 3, b: 'y' }]);

  run = await startTask(config, offsets);
  const again = await run.pollUntil((rs) => rs.some((r) => r.topic === topic && envelope(r).after?.['id'] === 3));
  await run.stop();
  const rows = again.filter((r) => r.topic === topic);
  assert.deepEqual(rows.map((r) => envelope(r).after), [{ id: 2, a: 2 }, { id: 3, a: 3, b: 'y' }], 'row 2 decodes with the columns it was written with; row 1 is not repeated');
  assert.deepEqual(rows[1]?.valueSchema?.fields?.find((f) => f.field === 'after')?.fields?.map((f) => f.field), ['id', 'a', 'b']);
  assert.equal(again.filter((r) => r.topic === `schemahistory.${prefix}`).length, 0, 'the DDL is already in the stored history');
});
