/**
 * HTTPS for the REST listener with Kafka Connect's keys: `listeners=https://host:port` and the SSL settings under
 * `listeners.https.` (falling back to the worker's plain `ssl.*` keys, as Kafka Connect does). Keystores are PKCS12
 * or PEM (a file holding the private key and the certificate chain, or the inline `ssl.keystore.key` and
 * `ssl.keystore.certificate.chain`); JKS, Kafka Connect's default, cannot be read outside a JVM and is refused with
 * the conversion command. Truststores are PEM or PKCS12 (certificates only, read with the `openssl` command).
 * `ssl.client.auth=required` makes the listener demand a client certificate signed by the truststore (mutual TLS).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ConveyorError, ErrorCode } from '../core/errors.ts';

export interface RestTls {
  /** Node's TLS server options: key material, trusted CAs, whether a client certificate is asked for / required. */
  options: { pfx?: Buffer; key?: string; cert?: string; passphrase?: string; ca?: string; requestCert: boolean; rejectUnauthorized: boolean };
  clientAuth: 'none' | 'requested' | 'required';
}

function bad(message: string): ConveyorError {
  return new ConveyorError(ErrorCode.configInvalid, message);
}

/** The first listener's scheme: https when `listeners` names https first. */
export function listenerScheme(props: Readonly<Record<string, string>>): 'http' | 'https' {
  const first = (props['listeners'] ?? '').split(',').map((s) => s.trim()).find((s) => s !== '');
  return first !== undefined && first.toLowerCase().startsWith('https://') ? 'https' : 'http';
}

/** TLS settings for an https listener, or null for http. Throws a config error naming the key that is wrong. */
export function restTls(props: Readonly<Record<string, string>>): RestTls | null {
  if (listenerScheme(props) !== 'https') return null;
  const get = (key: string): string | undefined => {
    const v = props[`listeners.https.${key}`] ?? props[key];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const options: RestTls['options'] = { requestCert: false, rejectUnauthorized: false };
  const type = (get('ssl.keystore.type') ?? 'JKS').toUpperCase();
  const location = get('ssl.keystore.location');
  const storePassword = get('ssl.keystore.password');
  const keyPassword = get('ssl.key.password');
  if (type === 'PKCS12') {
    if (location === undefined) throw bad('listeners.https.ssl.keystore.location is required for an https listener');
    options.pfx = readKeyFile(location, 'ssl.keystore.location');
    if (storePassword !== undefined) options.passphrase = storePassword;
  } else if (type === 'PEM') {
    const inlineKey = get('ssl.keystore.key');
    const inlineChain = get('ssl.keystore.certificate.chain');
    const pem = inlineKey !== undefined ? `${inlineKey}\n${inlineChain ?? ''}` : location !== undefined ? readKeyFile(location, 'ssl.keystore.location').toString('utf8') : undefined;
    if (pem === undefined) throw bad('listeners.https.ssl.keystore.location (or ssl.keystore.key and ssl.keystore.certificate.chain) is required for a PEM keystore');
    const key = pem.match(/-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/);
    const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    if (key === null || certs === null) throw bad('the PEM keystore must hold a private key and its certificate chain');
    options.key = key[0];
    options.cert = certs.join('\n');
    if (keyPassword !== undefined) options.passphrase = keyPassword;
  } else if (type === 'JKS') {
    throw bad('listeners.https.ssl.keystore.type JKS cannot be read by Conveyor; convert it: keytool -importkeystore -srckeystore store.jks -destkeystore store.p12 -deststoretype PKCS12, and set ssl.keystore.type=PKCS12');
  } else throw bad(`listeners.https.ssl.keystore.type must be PKCS12 or PEM, got ${type}`);

  const clientAuth = (get('ssl.client.auth') ?? 'none').toLowerCase();
  if (clientAuth !== 'none' && clientAuth !== 'requested' && clientAuth !== 'required') throw bad(`ssl.client.auth must be none, requested or required, got ${clientAuth}`);
  const ca = trustedCertificates(get);
  if (clientAuth !== 'none') {
    if (ca === undefined) throw bad(`ssl.client.auth=${clientAuth} needs listeners.https.ssl.truststore.location (the CAs client certificates must chain to)`);
    options.requestCert = true;
    options.rejectUnauthorized = clientAuth === 'required';
  }
  if (ca !== undefined) options.ca = ca;
  return { options, clientAuth };
}

function trustedCertificates(get: (key: string) => string | undefined): string | undefined {
  const inline = get('ssl.truststore.certificates');
  if (inline !== undefined) return inline;
  const location = get('ssl.truststore.location');
  if (location === undefined) return undefined;
  const type = (get('ssl.truststore.type') ?? 'JKS').toUpperCase();
  if (type === 'PEM') return readKeyFile(location, 'ssl.truststore.location').toString('utf8');
  if (type !== 'PKCS12') throw bad(`listeners.https.ssl.truststore.type must be PKCS12 or PEM, got ${type} (convert a JKS truststore with keytool -importkeystore)`);
  readKeyFile(location, 'ssl.truststore.location');
  try {
    // The password travels in the environment, never on a command line another user could read.
    const pem = execFileSync('openssl', ['pkcs12', '-in', location, '-nokeys', '-passin', 'env:CONVEYOR_TRUSTSTORE_PASSWORD'], {
      env: { ...process.env, CONVEYOR_TRUSTSTORE_PASSWORD: get('ssl.truststore.password') ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString('utf8');
    const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    if (certs === null) throw new Error('no certificates in it');
    return certs.join('\n');
  } catch (err) {
    throw bad(`listeners.https.ssl.truststore.location: cannot read the PKCS12 truststore ${location} (${firstLine(err)})`);
  }
}

function readKeyFile(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw bad(`listeners.https.${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: Buffer; message?: string };
  const text = e.stderr && e.stderr.length > 0 ? e.stderr.toString('utf8') : String(e.message ?? err);
  return text.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}
