#!/usr/bin/env node
/**
 * conveyor-bundle <plugin-dir> [--out <dir>] [--sign <key.pem>]: builds a plugin bundle, signed with an Ed25519 key.
 * conveyor-bundle keygen <prefix>: writes <prefix>.key (PKCS8 PEM, keep it secret) and <prefix>.pub (SPKI PEM).
 * Exit code 1 with a clear message on failure.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlugin, PluginBuildError } from './build.ts';
import { generateSigningKeys, privateKeyFromPem } from './signature.ts';

const USAGE = 'usage: npm run bundle -- <plugin-dir> [--out <bundle-dir>] [--sign <ed25519-private-key.pem>]\n       npm run bundle -- keygen <out-prefix>\n';
const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', short: 'o' }, sign: { type: 'string' } } });

async function keygen(prefix: string): Promise<void> {
  const keys = generateSigningKeys();
  try {
    // 'wx' never overwrites an existing key.
    await writeFile(`${prefix}.key`, keys.privateKeyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(`${prefix}.pub`, keys.publicKeyPem, { flag: 'wx' });
  } catch (err) {
    throw new PluginBuildError(`cannot write the key pair: ${(err as Error).message}`);
  }
  process.stdout.write(`wrote ${prefix}.key (private, keep it secret) and ${prefix}.pub (give it to workers: plugin.trusted.keys); key id ${keys.keyId}\n`);
}

async function build(dir: string): Promise<void> {
  let signingKey;
  if (values.sign !== undefined) {
    try {
      signingKey = privateKeyFromPem(await readFile(resolve(values.sign), 'utf8'));
    } catch (err) {
      throw new PluginBuildError(`cannot use ${values.sign} as the signing key: ${(err as Error).message}`);
    }
  }
  const { outDir, manifest } = await buildPlugin(resolve(dir), values.out === undefined ? undefined : resolve(values.out), { ...(signingKey === undefined ? {} : { signingKey }) });
  const signed = manifest.signature === undefined ? '' : `, signed by key ${manifest.signature.keyId}`;
  process.stdout.write(`built ${manifest.name}@${manifest.version} (${manifest.type}, ${manifest.className}${signed}) → ${outDir}\n`);
}

const [first, second] = positionals;
if (first === undefined || (first === 'keygen' && second === undefined)) {
  process.stderr.write(USAGE);
  process.exit(2);
}
try {
  if (first === 'keygen' && second !== undefined) await keygen(resolve(second));
  else await build(first);
} catch (err) {
  process.stderr.write(`${err instanceof PluginBuildError ? err.message : String((err as Error).stack ?? err)}\n`);
  process.exit(1);
}
