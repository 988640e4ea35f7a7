/**
 * Helpers that propose values for a user (the form, and later the workspace's fix helpers): a
 * username from the names, a password that satisfies the policy, and how strong a password is.
 */
import type { Policies } from './policies';
import { charLength, passwordProblems } from './validation';

/** ASCII letters only: accents dropped, other scripts removed (`Zoë Åström` → `zoe`, `astrom`). */
const fold = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '')
    .replace(/^-+|-+$/g, '');

/** `first.last` from the names; empty when neither has a Latin letter to work with. */
export function usernameFromNames(firstName: string, lastName: string): string {
  const first = fold(firstName.trim().split(/\s+/)[0] ?? '');
  const last = fold(lastName.trim().replace(/\s+/g, '-'));
  return [first, last].filter(Boolean).join('.');
}

const lower = 'abcdefghijkmnopqrstuvwxyz';
const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const digits = '23456789';
const symbols = '!@#$%&*?-_+=';

function pick(alphabet: string, random: (n: number) => number): string {
  return alphabet[random(alphabet.length)]!;
}

const cryptoRandom = (n: number): number => {
  // Rejection sampling keeps every character equally likely.
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buffer = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(buffer);
    if (buffer[0]! < limit) return buffer[0]! % n;
  }
};

/** A random password of at least 16 characters (or the policy's minimum) that passes every rule of the policy. */
export function generatePassword(policies: Policies, random: (n: number) => number = cryptoRandom): string {
  const length = Math.max(16, policies.passwordMinLength);
  const all = lower + upper + digits + symbols;
  for (;;) {
    const chars = [pick(lower, random), pick(upper, random), pick(digits, random), pick(symbols, random)];
    while (chars.length < length) chars.push(pick(all, random));
    for (let i = chars.length - 1; i > 0; i--) {
      const j = random(i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    const password = chars.join('');
    if (passwordProblems(password, policies).length === 0) return password;
  }
}

/**
 * 0 (very weak) to 4 (strong): length and variety of character classes, minus obvious patterns
 * (one repeated character, a run like `1234` or `abcd`, the username inside).
 */
export function passwordStrength(password: string, context: string[] = []): 0 | 1 | 2 | 3 | 4 {
  if (!password) return 0;
  const length = charLength(password);
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((r) => r.test(password)).length;
  let score = length >= 16 ? 3 : length >= 12 ? 2 : length >= 8 ? 1 : 0;
  score += classes >= 3 ? 1 : 0;
  score += classes === 4 && length >= 12 ? 1 : 0;
  const lowerPassword = password.toLowerCase();
  if (/^(.)\1+$/u.test(password)) score = 0;
  if (/(?:0123|1234|2345|3456|4567|5678|6789|abcd|qwer|asdf|password|azerty|contraseña)/.test(lowerPassword)) score -= 2;
  for (const word of context) if (word && charLength(word) >= 3 && lowerPassword.includes(word.toLowerCase())) score -= 2;
  return Math.max(0, Math.min(4, score)) as 0 | 1 | 2 | 3 | 4;
}
