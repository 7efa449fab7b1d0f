import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { ChangeEventProcessor } from '../../../../plugins/mysql-cdc/src/processor.ts';
import { SchemaHistory } from '../../../../plugins/mysql-cdc/src/schema/history.ts';
import type { BinlogEvent } from '../../../../plugins/mysql-cdc/src/binlog-events.ts';
import { ALL_TYPES_DDL, ALL_TYPES_ROW, testConfig } from './fixtures.ts';

const GOLDEN_DIR = new URL('./golden/', import.meta.url);
const NOW = 1_717_171_717_171;

/** Compares with the committed golden file; UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
function matchesGolden(name: string, actual: unknown): void {
  const text = JSON.stringify(actual, null, 2) + '\n';
  const url = new URL(name, GOLDEN_DIR);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, text);
  assert.equal(text, readFileSync(url, 'utf8'), `${name} differs from the golden file`);
}

function run(extra: Record<string, string> = {}) {
  const config = testConfig(extra);
  const history = new SchemaHistory('shop');
  history.apply(ALL_TYPES_DDL, 'inventory', { file: 'mysql-bin.000001', pos: 4, snapshot: 'INITIAL' }, NOW);
  const processor = new ChangeEventProcessor(config, history, {
    file: 'mysql-bin.000001', pos: 4, gtids: '0-1-10', event: 0, row: 0, serverId: 1, tsSec: 0, snapshot: false, snapshotCompleted: true,
  });
  const at = { file: 'mysql-bin.000001', serverId: 1, timestamp: 1_704_164_645_000, gtid: '0-1-11' };
  const events: BinlogEvent[] = [
    { kind: 'begin', ...at, pos: 1000, nextPos: 1042 },
    { kind: 'rows', ...at, op: 'insert', db: 'inventory', table: 'all_types', tableId: 42, pos: 1100, nextPos: 1400, txFile: at.file, txPos: 1000, rows: [{ before: null, after: ALL_TYPES_ROW }], query: null, thread: null },
    { kind: 'rows', ...at, op: 'delete', db: 'inventory', table: 'all_types', tableId: 42, pos: 1400, nextPos: 1700, txFile: at.file, txPos: 1000, rows: [{ before: ALL_TYPES_ROW, after: null }], query: null, thread: null },
    { kind: 'commit', ...at, pos: 1700, nextPos: 1731 },
  ];
  return events.flatMap((e) => processor.handle(e, NOW).records);
}

test('golden: insert, delete and tombstone of a row with every column type (defaults)', () => {
  matchesGolden('all-types-default.json', run());
});

test('golden: the same row with decimal.handling.mode=string, time.precision.mode=connect, bigint.unsigned.handling.mode=precise', () => {
  const records = run({ 'decimal.handling.mode': 'string', 'time.precision.mode': 'connect', 'bigint.unsigned.handling.mode': 'precise' });
  matchesGolden('all-types-modes.json', records[0]);
});
