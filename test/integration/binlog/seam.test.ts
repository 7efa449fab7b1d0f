import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { openBinlogReader } from '../../../host/binlog/reader.ts';
import type { BinlogStart } from '../../../host/binlog/reader.ts';
import { openSnapshot } from '../../../host/binlog/snapshot.ts';
import { stack } from '../../helpers/stack.ts';
import { cdcUser, createTestDb, readUntil, server, serverId } from './helpers.ts';

/**
 * Rows keep being inserted while the snapshot opens; the snapshot's rows plus the rows streamed from its position
 * must be every row exactly once.
 */
async function seam(lockMode: 'minimal' | 'none', startFrom: (p: { file: string; pos: number; gtids: string | null }) => BinlogStart) {
  const db = await createTestDb('binlog_seam');
  try {
    await db.admin.query(`CREATE TABLE \`${db.name}\`.orders (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20))`);
    const writer = await mysql.createConnection({ ...server, user: stack.mariadb.adminUser, password: stack.mariadb.adminPassword, database: db.name });
    let writing = true;
    const inserts = (async () => {
      let n = 0;
      while (writing || n < 30) {
        await writer.query('INSERT INTO orders (note) VALUES (?)', [`n${n++}`]);
      }
    })();
    const snap = await openSnapshot({ ...cdcUser, lockMode, includeTable: (d) => d === db.name });
    const snapshotIds: number[] = [];
    try {
      for (;;) {
        const chunk = await snap.readChunk(db.name, 'orders', 7);
        snapshotIds.push(...chunk.rows.map((r) => Number(r['id'])));
        if (chunk.done) break;
      }
    } finally {
      await snap.close();
    }
    writing = false;
    await inserts;
    await writer.end();
    const [[{ max }]] = (await db.admin.query(`SELECT MAX(id) AS max FROM \`${db.name}\`.orders`)) as unknown as [[{ max: number }]];

    const reader = await openBinlogReader({ ...cdcUser, serverId: serverId(), start: startFrom(snap.position), includeTable: (d) => d === db.name });
    const streamedIds: number[] = [];
    try {
      await readUntil(reader, (events) => {
        for (const e of events.splice(0)) {
          if (e.kind === 'rows') streamedIds.push(...(e).rows.map((r) => Number(r.after?.['id'])));
        }
        return streamedIds.includes(max);
      });
    } finally {
      await reader.close();
    }
    const all = [...snapshotIds, ...streamedIds].sort((a, b) => a - b);
    assert.ok(snapshotIds.length > 0, 'the snapshot saw rows');
    assert.ok(streamedIds.length > 0, 'rows were inserted after the snapshot position');
    assert.deepEqual(all, Array.from({ length: max }, (_, i) => i + 1), 'every row exactly once');
    assert.deepEqual(snapshotIds, [...snapshotIds].sort((a, b) => a - b), 'snapshot chunks follow the primary key');
  } finally {
    await db.drop();
  }
}

test('seam: snapshot under a brief global read lock, then streaming from its file/position', () => seam('minimal', (p) => ({ file: p.file, pos: p.pos })));
test('seam: the same, streaming from the snapshot GTID position', () =>
  seam('minimal', (p) => {
    assert.ok(p.gtids !== null, 'MariaDB reports the GTID position of the snapshot');
    return { gtids: p.gtids };
  }));
test('seam: lock-free snapshot (MariaDB binlog_snapshot_file/position)', () => seam('none', (p) => ({ file: p.file, pos: p.pos })));
