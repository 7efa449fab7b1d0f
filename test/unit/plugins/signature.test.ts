import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signBundleDir } from '../../../sdk/bundler/bundle-files.ts';
import { canonicalJson, generateSigningKeys, privateKeyFromPem, publicKeyFromPem, signBundle } from '../../../sdk/bundler/signature.ts';
import type { BundleFiles } from '../../../sdk/bundler/signature.ts';
import { loadBundle } from '../../../host/plugins/loader.ts';
import type { BundleInspector } from '../../../host/plugins/loader.ts';
import { checkBundleSignature, OPEN_SIGNATURE_POLICY, signaturePolicy } from '../../../host/plugins/signature-policy.ts';
import type { SignaturePolicy } from '../../../host/plugins/signature-policy.ts';

const alice = generateSigningKeys();
const mallory = generateSigningKeys();
const aliceKey = privateKeyFromPem(alice.privateKeyPem);
const malloryKey = privateKeyFromPem(mallory.privateKeyPem);
const code = 'globalThis.__conveyorRegister({});\n';
const manifest = {
  manifestVersion: 1, name: 'demo', version: '1.0.0', description: '', type: 'source', className: 'Demo', aliases: [],
  config: [], capabilities: [], code: { file: 'plugin.js', sha256: createHash('sha256').update(code).digest('hex') },
};

const enc = (s: string): Buffer => Buffer.from(s);
function files(m: object = manifest, extra: Record<string, string> = {}): Map<string, Uint8Array> {
  return new Map<string, Uint8Array>([['manifest.json', enc(JSON.stringify(m))], ['plugin.js', enc(code)], ...Object.entries(extra).map(([k, v]): [string, Uint8Array] => [k, enc(v)])]);
}
/** The files with a signature made over `signed` written into the manifest. */
function signed(key = aliceKey, signedFiles: BundleFiles = files()): Map<string, Uint8Array> {
  const out = new Map(signedFiles);
  const m = JSON.parse(Buffer.from(out.get('manifest.json') ?? enc('{}')).toString()) as object;
  out.set('manifest.json', enc(JSON.stringify({ ...m, signature: signBundle(signedFiles, key) }, null, 2)));
  return out;
}
const policy = (required: boolean, ...keys: string[]): SignaturePolicy => signaturePolicy({ 'plugin.signature.required': String(required), 'plugin.trusted.keys': keys.join(',') });
const rejection = (f: BundleFiles, p: SignaturePolicy): { kind: string; message: string } => {
  try {
    checkBundleSignature(f, p);
  } catch (err) {
    return { kind: (err as { kind: string }).kind, message: (err as Error).message };
  }
  assert.fail('the bundle was accepted');
};

test('a bundle signed by a trusted key verifies, whatever the manifest formatting and key order', () => {
  assert.deepEqual(checkBundleSignature(signed(), policy(true, alice.publicKeyPem)), { keyId: alice.keyId, trusted: true });
  const reordered = signed();
  const m = JSON.parse(Buffer.from(reordered.get('manifest.json') ?? enc('{}')).toString()) as Record<string, unknown>;
  reordered.set('manifest.json', enc(JSON.stringify(Object.fromEntries(Object.entries(m).reverse()))));
  assert.deepEqual(checkBundleSignature(reordered, policy(false, alice.publicKeyPem)), { keyId: alice.keyId, trusted: true });
  assert.equal(canonicalJson({ b: [1, { d: 1, c: 'x' }], a: null }), '{"a":null,"b":[1,{"c":"x","d":1}]}');
  assert.equal(alice.keyId.length, 16);
});

test('a changed plugin.js, manifest field, added or removed file is refused, signatures required or not', () => {
  const tamperedCode = signed();
  tamperedCode.set('plugin.js', enc(`${code}// more\n`));
  const tamperedManifest = signed();
  const m = JSON.parse(Buffer.from(tamperedManifest.get('manifest.json') ?? enc('{}')).toString()) as Record<string, unknown>;
  tamperedManifest.set('manifest.json', enc(JSON.stringify({ ...m, capabilities: ['http'] })));
  const added = new Map([...signed(), ['extra.wasm', enc('\0asm')]]);
  const withWasm = signed(aliceKey, files(manifest, { 'extra.wasm': '\0asm' }));
  const removed = new Map([...withWasm].filter(([p]) => p !== 'extra.wasm'));
  for (const bundle of [tamperedCode, tamperedManifest, added, removed]) {
    for (const p of [policy(true, alice.publicKeyPem), policy(false, alice.publicKeyPem), OPEN_SIGNATURE_POLICY]) {
      const r = rejection(bundle, p);
      assert.equal(r.kind, 'invalid');
      assert.match(r.message, new RegExp(`signature by key ${alice.keyId} does not match the bundle's content`));
    }
  }
  assert.deepEqual(checkBundleSignature(withWasm, policy(true, alice.publicKeyPem)), { keyId: alice.keyId, trusted: true }, 'other files are covered too');
});

test('a key that is not trusted: refused when signatures are required, loaded (marked untrusted) when not', () => {
  const byMallory = signed(malloryKey);
  const r = rejection(byMallory, policy(true, alice.publicKeyPem));
  assert.equal(r.kind, 'untrusted');
  assert.equal(r.message, `signed by untrusted key ${mallory.keyId} (not in plugin.trusted.keys)`);
  assert.deepEqual(checkBundleSignature(byMallory, policy(false, alice.publicKeyPem)), { keyId: mallory.keyId, trusted: false });
  // Claiming a trusted key's id does not help: the trusted key itself checks the signature.
  const forged = signed(malloryKey);
  const m = JSON.parse(Buffer.from(forged.get('manifest.json') ?? enc('{}')).toString()) as { signature: Record<string, string> };
  forged.set('manifest.json', enc(JSON.stringify({ ...m, signature: { ...m.signature, keyId: alice.keyId } })));
  assert.equal(rejection(forged, policy(true, alice.publicKeyPem)).kind, 'invalid');
  assert.match(rejection(forged, OPEN_SIGNATURE_POLICY).message, /bad signature: signature.publicKey does not match keyId/);
});

test('an unsigned bundle is refused when signatures are required and loads when not; a malformed signature is refused', () => {
  const r = rejection(files(), policy(true, alice.publicKeyPem));
  assert.equal(r.kind, 'unsigned');
  assert.match(r.message, /^unsigned bundle: plugin.signature.required=true/);
  assert.equal(checkBundleSignature(files(), policy(false, alice.publicKeyPem)), null);
  assert.equal(checkBundleSignature(files(), OPEN_SIGNATURE_POLICY), null);
  const rsa = files({ ...manifest, signature: { algorithm: 'rsa', keyId: alice.keyId, publicKey: 'x', value: 'y' } });
  assert.equal(rejection(rsa, OPEN_SIGNATURE_POLICY).message, 'bad signature: unsupported signature algorithm "rsa"');
  assert.equal(rejection(files({ ...manifest, signature: 'yes' }), OPEN_SIGNATURE_POLICY).message, 'bad signature: signature must be an object');
});

test('signaturePolicy: defaults, inline PEM or files, and start-up errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-sigpolicy-'));
  try {
    await writeFile(join(dir, 'alice.pub'), alice.publicKeyPem);
    await writeFile(join(dir, 'alice.key'), alice.privateKeyPem);
    assert.deepEqual(signaturePolicy({}), { required: false, trusted: new Map() });
    const p = signaturePolicy({ 'plugin.signature.required': 'TRUE', 'plugin.trusted.keys': `${join(dir, 'alice.pub')}, ${mallory.publicKeyPem}` });
    assert.equal(p.required, true);
    assert.deepEqual([...p.trusted.keys()].sort(), [alice.keyId, mallory.keyId].sort());
    assert.equal(publicKeyFromPem(alice.publicKeyPem).asymmetricKeyType, 'ed25519');
    assert.throws(() => signaturePolicy({ 'plugin.signature.required': 'yes' }), /plugin.signature.required must be true or false/);
    assert.throws(() => signaturePolicy({ 'plugin.signature.required': 'true' }), /needs at least one key in plugin.trusted.keys/);
    assert.throws(() => signaturePolicy({ 'plugin.trusted.keys': join(dir, 'missing.pub') }), /cannot read .*missing.pub/);
    assert.throws(() => signaturePolicy({ 'plugin.trusted.keys': join(dir, 'alice.key') }), /is a private key/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

let dir: string;
const inspect: BundleInspector = () => Promise.resolve({ type: 'source', className: 'Demo', aliases: [], config: [] });
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-signed-bundle-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('loadBundle verifies a bundle directory signed in place and refuses it once a file changes, naming the plugin', async () => {
  await writeFile(join(dir, 'plugin.js'), code);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const sig = await signBundleDir(dir, aliceKey);
  assert.equal(sig.keyId, alice.keyId);
  const v = await loadBundle(dir, inspect, policy(true, alice.publicKeyPem));
  assert.deepEqual(v.signer, { keyId: alice.keyId, trusted: true });
  assert.equal(v.manifest.className, 'Demo');
  await writeFile(join(dir, 'notes.txt'), 'added after signing');
  await assert.rejects(loadBundle(dir, inspect, policy(true, alice.publicKeyPem)), (err: Error & { plugin?: unknown }) => {
    assert.match(err.message, /does not match the bundle's content/);
    assert.deepEqual(err.plugin, { name: 'demo', version: '1.0.0', className: 'Demo', type: 'source' });
    return true;
  });
  assert.ok((await loadBundle(dir, inspect, 'builtin')).manifest, 'built-in bundles are not checked');
});
