import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { redact, redactText } from './redact';

describe('redaction', () => {
  it('removes values under secret-looking keys at any depth', () => {
    const out = redact({
      user: 'ana',
      password: 'hunter2',
      nested: { apiToken: 'tok_123', refresh_token: 'r', clientSecret: 's', list: [{ Authorization: 'Bearer x' }] },
      hasPassword: true,
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|tok_123|"r"|"s"|Bearer x/);
    expect(out).toMatchObject({ user: 'ana', hasPassword: true });
  });

  it('removes credentials from free text', () => {
    expect(redactText('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
    expect(redactText('GET https://admin:pa55@host/api')).toBe('GET https://[redacted]@host/api');
    expect(redactText('/cb?code=xyz&state=1&token=t0k')).toBe('/cb?code=[redacted]&state=1&token=[redacted]');
  });

  it('is applied by every logger to message and metadata', () => {
    const lines: string[] = [];
    const logger = createLogger((_level, line) => lines.push(line));
    logger.error('login failed with Bearer s3cr3t', { password: 'hunter2', error: new Error('token=abc leaked') });
    expect(lines.join('\n')).not.toMatch(/s3cr3t|hunter2|abc/);
  });
});
