/**
 * Real X.509 material for TLS tests, made with the system's openssl: a certificate authority, a
 * server certificate it signs for 127.0.0.1/localhost, and an unrelated self-signed certificate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';

export interface KeyPair {
  key: string;
  cert: string;
  /** SHA-256 fingerprint as `AB:CD:…`. */
  fingerprint256: string;
}

export interface TestCertificates {
  ca: KeyPair;
  /** Signed by `ca`, for 127.0.0.1 and localhost. */
  server: KeyPair;
  /** Self-signed, for 127.0.0.1 and localhost. */
  selfSigned: KeyPair;
  /** Self-signed for another name: fails the hostname check even when trusted as a CA. */
  wrongHost: KeyPair;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function pair(dir: string, name: string): KeyPair {
  const cert = readFileSync(join(dir, `${name}.crt`), 'utf8');
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert, fingerprint256: new X509Certificate(cert).fingerprint256 };
}

let cached: TestCertificates | undefined;

export function testCertificates(): TestCertificates {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'userdeck-certs-'));
  try {
    const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    const san = 'subjectAltName=IP:127.0.0.1,DNS:localhost';
    openssl(
      [
        'req',
        '-x509',
        ...key,
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-days',
        '2',
        '-subj',
        '/CN=Userdeck Test CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    openssl(['req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
    writeFileSync(join(dir, 'server.ext'), `${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.crt',
        '-days',
        '2',
        '-extfile',
        'server.ext',
      ],
      dir,
    );
    openssl(
      ['req', '-x509', ...key, '-keyout', 'self.key', '-out', 'self.crt', '-days', '2', '-subj', '/CN=localhost', '-addext', san],
      dir,
    );
    openssl(
      [
        'req',
        '-x509',
        ...key,
        '-keyout',
        'wrong.key',
        '-out',
        'wrong.crt',
        '-days',
        '2',
        '-subj',
        '/CN=elsewhere.example',
        '-addext',
        'subjectAltName=DNS:elsewhere.example',
      ],
      dir,
    );
    cached = { ca: pair(dir, 'ca'), server: pair(dir, 'server'), selfSigned: pair(dir, 'self'), wrongHost: pair(dir, 'wrong') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
