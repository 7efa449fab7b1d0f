import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { childEntry } from '../../../host/sandbox/child-entry.ts';

test('the sandbox process runs one bundled ES module that imports isolated-vm by URL and nothing of TypeScript', () => {
  const fallbacks: unknown[] = [];
  const entry = childEntry((e) => fallbacks.push(e));
  assert.deepEqual(fallbacks, []);
  assert.match(entry, /child-[0-9a-f]{16}\.mjs$/);
  const text = readFileSync(entry, 'utf8');
  assert.match(text, /from "file:\/\/[^"]+\/isolated-vm\/[^"]+"/);
  assert.doesNotMatch(text, /from "\.{1,2}\/|\.ts"/);
  assert.doesNotMatch(text, /esbuild/);
  assert.equal(childEntry(), entry, 'bundled once per worker');
});
