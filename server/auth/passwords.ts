import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

const pbkdf2Async = promisify(pbkdf2);

/** OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane. */
const argonOptions = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export async function hashPassword(password: string): Promise<string> {
  return argonHash(password, argonOptions);
}

/** The PHC-style hash formats accepted from imports, kept as they are and verified at sign-in. */
export function isSupportedHash(value: string): boolean {
  return (
    /^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(value) ||
    /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/.test(value) ||
    parsePbkdf2(value) !== null
  );
}

interface Pbkdf2Hash {
  digest: 'sha1' | 'sha256' | 'sha512';
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

/** `$pbkdf2-sha256$i=600000$<salt b64>$<hash b64>` or passlib's `$pbkdf2-sha256$600000$salt$hash`. */
function parsePbkdf2(value: string): Pbkdf2Hash | null {
  const match =
    /^\$pbkdf2(?:-(sha1|sha256|sha512))?\$(?:i=)?(\d{1,7})(?:,l=\d+)?\$([A-Za-z0-9+/.=-]+)\$([A-Za-z0-9+/.=-]+)$/.exec(value);
  if (!match) return null;
  const iterations = Number(match[2]);
  if (iterations < 1 || iterations > 10_000_000) return null;
  const b64 = (s: string) => Buffer.from(s.replace(/\./g, '+').replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const hash = b64(match[4]!);
  if (hash.length < 16) return null;
  return { digest: (match[1] ?? 'sha1') as Pbkdf2Hash['digest'], iterations, salt: b64(match[3]!), hash };
}

/** Checks a password against a stored hash of any supported format; false for unknown formats. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  try {
    if (stored.startsWith('$argon2')) return await argonVerify(stored, password);
    if (/^\$2[abxy]?\$/.test(stored)) return await bcrypt.compare(password, stored);
    const pb = parsePbkdf2(stored);
    if (pb) {
      const derived = await pbkdf2Async(password, pb.salt, pb.iterations, pb.hash.length, pb.digest);
      return timingSafeEqual(derived, pb.hash);
    }
  } catch {
    return false;
  }
  return false;
}

/** True when a stored hash should be replaced by a fresh argon2id one after a successful sign-in. */
export const needsRehash = (stored: string): boolean => !stored.startsWith('$argon2id$v=19$m=19456,t=2,p=1$');
