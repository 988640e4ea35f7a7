import { createHash, randomBytes } from 'node:crypto';

/** Tokens are random and stored only as their SHA-256: a stolen database grants nothing. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const newToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;
