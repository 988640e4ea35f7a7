/**
 * Reads a custom CA file picked with the native dialog: PEM (one or several certificates) or DER.
 * Only certificate blocks are kept, so a private key in the same file never reaches the profile.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../../common/errors';
import type { CertificateSummary } from '../../../common/connections';
import { formatFingerprint } from '../api/network';

const MAX_BYTES = 1024 * 1024;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export interface CaFile extends CertificateSummary {
  name: string;
  pem: string;
}

export function summarize(cert: X509Certificate): CertificateSummary {
  return {
    fingerprint256: formatFingerprint(cert.fingerprint256),
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
  };
}

export function readCaFile(path: string): CaFile {
  const name = basename(path);
  const bad = () => new AppError('badFile', { name }, { key: 'errors.badCertificate' });
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_BYTES) throw bad();
    bytes = readFileSync(path);
  } catch {
    throw bad();
  }
  const blocks = bytes.toString('latin1').match(PEM_BLOCK) ?? [];
  let certificates: X509Certificate[];
  try {
    certificates = blocks.length ? blocks.map((block) => new X509Certificate(block)) : [new X509Certificate(bytes)];
  } catch {
    throw bad();
  }
  const first = certificates[0];
  if (!first) throw bad();
  return { name, pem: certificates.map((c) => c.toString().trim()).join('\n') + '\n', ...summarize(first) };
}
