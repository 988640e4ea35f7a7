/**
 * Removes secrets from anything about to be logged: values under secret-looking keys, bearer and
 * basic credentials, and credentials inside URLs. Applied by every logger, so a call site cannot
 * forget it.
 */
const secretKey = /pass(word)?|secret|token|authorization|cookie|credential|api[-_]?key|private[-_]?key|session/i;
const REDACTED = '[redacted]';

export function redactText(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`)
    .replace(/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, `$1${REDACTED}@`)
    .replace(/([?&]code=)[^&\s]+/gi, `$1${REDACTED}`)
    .replace(
      /\b((?:access_|refresh_|api_?|bridge)?token|pass(?:word|wd)?|(?:client_)?secret)(\s*[=:]\s*"?)(?!\[redacted\])[^\s"&,;]+/gi,
      `$1$2${REDACTED}`,
    );
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = secretKey.test(k) && v !== null && v !== undefined && typeof v !== 'boolean' ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
