import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleManifest } from '../../../sdk/bundler/manifest.ts';
import { checkManifest } from '../../../host/plugins/manifest.ts';
import { pluginKey } from '../../../host/plugins/plugin-version.ts';
import { PluginRegistry } from '../../../host/plugins/registry.ts';

const manifest = (version: string, sha = 'a'.repeat(64)): BundleManifest => ({
  manifestVersion: 1, name: 'demo', version, description: '', type: 'source', className: 'Demo', aliases: ['org.Demo'],
  config: [{ name: 'x', type: 'int', importance: 'low', documentation: '' }], capabilities: ['http'], code: { file: 'plugin.js', sha256: sha },
});

test('checkManifest accepts a valid manifest and names what is wrong otherwise', () => {
  assert.deepEqual(checkManifest(manifest('1.0.0')), manifest('1.0.0'));
  assert.equal(checkManifest([]), 'manifest is not a JSON object');
  assert.equal(checkManifest({ ...manifest('1'), capabilities: ['http', 'shell'] }), 'manifest requests unknown capabilities: "shell"');
  assert.equal(checkManifest({ ...manifest('1'), code: { file: '../x.js', sha256: 'a'.repeat(64) } }), 'manifest code.file must be a plain .js file name');
  assert.equal(checkManifest({ ...manifest('1'), code: { file: 'p.js', sha256: 'nope' } }), 'manifest code.sha256 must be 64 hex digits');
  assert.match(JSON.stringify(checkManifest({ ...manifest('1'), config: [{ name: 'x' }] })), /needs a name, a type/);
});

test('versions coexist; resolve picks the newest or the one asked for, by class, alias or name', () => {
  const r = new PluginRegistry();
  const v = (version: string, sha: string) => ({ key: pluginKey(manifest(version, sha)), manifest: manifest(version, sha), code: '', dir: `/p/${version}`, installedAt: '2026-01-01T00:00:00Z' });
  assert.ok(r.add(v('1.10.0', 'b'.repeat(64))));
  assert.ok(r.add(v('1.9.0', 'c'.repeat(64))));
  assert.ok(!r.add(v('1.9.0', 'c'.repeat(64))), 'the same code is not added twice');
  assert.equal(r.resolve('Demo').manifest.version, '1.10.0');
  assert.equal(r.resolve('org.Demo', '1.9.0').manifest.version, '1.9.0');
  assert.equal(r.resolve('demo').manifest.version, '1.10.0');
  assert.throws(() => r.resolve('Nope'), /Failed to find any class that implements Connector and which name matches Nope/);
  r.markBroken({ dir: '/p/x', reason: 'hash mismatch', at: 'now' });
  assert.deepEqual(r.brokenBundles(), [{ dir: '/p/x', reason: 'hash mismatch', at: 'now' }]);
  r.clearBroken('/p/x');
  assert.deepEqual(r.brokenBundles(), []);
});

test('a tenant\'s bundle resolves only for that tenant; shared plugins for everyone', () => {
  const r = new PluginRegistry();
  const shared = { key: pluginKey(manifest('1.0.0')), manifest: manifest('1.0.0'), code: '', dir: '/shared', installedAt: '2026-01-01T00:00:00Z' };
  const own = { ...shared, key: `acme/${pluginKey(manifest('2.0.0', 'd'.repeat(64)))}`, manifest: manifest('2.0.0', 'd'.repeat(64)), dir: '/t/acme/demo.tgz', tenant: 'acme' };
  r.add(shared);
  r.add(own);
  assert.equal(r.resolve('Demo', undefined, 'acme').manifest.version, '2.0.0', 'acme gets its own, newer one');
  assert.equal(r.resolve('Demo', undefined, 'globex').manifest.version, '1.0.0', 'globex only the shared one');
  assert.equal(r.resolve('Demo').manifest.version, '1.0.0', 'an unowned connector only the shared one');
  assert.throws(() => r.resolve('Demo', '2.0.0', 'globex'), /Failed to find any class/);
  assert.deepEqual(r.list().map((v) => v.dir), ['/shared', '/t/acme/demo.tgz'], 'the registry holds both');
});
