/** Throw-away TLS material made with the openssl command: a CA, a server certificate for 127.0.0.1, client certificates, and an HTTPS client. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

export interface TlsMaterial {
  dir: string;
  caPem: string;
  /** Server key and chain as one PEM file, and as a PKCS12 keystore (password `storepass`). */
  serverPemFile: string;
  serverP12File: string;
  caPemFile: string;
  /** A client certificate signed by the CA with the given subject (e.g. /CN=alice/O=acme). */
  client(subject: string): { key: string; cert: string };
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTlsMaterial(dir: string): TlsMaterial {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Conveyor Test CA']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  execFileSync('bash', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost" > san.ext'], { cwd: dir });
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
  execFileSync('bash', ['-c', 'cat server.key server.pem > server-store.pem'], { cwd: dir });
  openssl(dir, ['pkcs12', '-export', '-inkey', 'server.key', '-in', 'server.pem', '-certfile', 'ca.pem', '-out', 'server.p12', '-passout', 'pass:storepass']);
  let n = 0;
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    serverPemFile: join(dir, 'server-store.pem'),
    serverP12File: join(dir, 'server.p12'),
    caPemFile: join(dir, 'ca.pem'),
    client(subject) {
      const name = `client${++n}`;
      openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2']);
      return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
    },
  };
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One HTTPS request trusting `ca`, optionally presenting a client certificate; the body parsed as JSON when it is. */
export function httpsCall(url: string, options: { method?: string; ca: string; headers?: Record<string, string>; body?: unknown; client?: { key: string; cert: string } }): Promise<HttpsAnswer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: options.method ?? 'GET',
      ca: options.ca,
      ...(options.client ?? {}),
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? null : JSON.parse(text);
        } catch {
          // left as text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
