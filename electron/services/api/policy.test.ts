/** The pure rules of the client: retry decisions, Retry-After, proxy choice, network error codes. */
import { describe, expect, it } from 'vitest';
import { networkError } from './errors';
import { proxyFor } from './network';
import { defaultRetryPolicy, mayRetry, parseRetryAfter, retryDelay, sleep } from './retry';

describe('retry rules', () => {
  it('repeats only calls that are safe to repeat', () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE'] as const) expect(mayRetry(method, {})).toBe(true);
    expect(mayRetry('POST', {})).toBe(false);
    expect(mayRetry('PATCH', {})).toBe(false);
    expect(mayRetry('POST', { idempotencyKey: 'k' })).toBe(true);
    expect(mayRetry('POST', { retrySafe: true })).toBe(true);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('backs off exponentially with jitter, caps, and stops after the last attempt', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 6 };
    expect(retryDelay(1, null, policy, () => 0)).toBe(50);
    expect(retryDelay(1, null, policy, () => 1)).toBe(100);
    expect(retryDelay(3, null, policy, () => 1)).toBe(400);
    expect(retryDelay(5, null, policy, () => 1)).toBe(1000);
    expect(retryDelay(6, null, policy)).toBeNull();
    expect(retryDelay(1, 2000, policy)).toBe(2000);
    expect(retryDelay(1, policy.maxRetryAfterMs + 1, policy)).toBeNull();
  });

  it('sleeps abortably', async () => {
    const controller = new AbortController();
    const slept = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
  });
});

describe('proxy choice', () => {
  const target = new URL('https://dir.example.com/api');
  it('follows the environment like curl, with NO_PROXY and loopback bypassed', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://plain:80' };
    expect(proxyFor(target, { mode: 'system' }, env)?.host).toBe('proxy:3128');
    expect(proxyFor(new URL('http://dir.example.com'), { mode: 'system' }, env)?.host).toBe('plain');
    expect(proxyFor(target, { mode: 'system' }, { ...env, NO_PROXY: 'example.com' })).toBeNull();
    expect(proxyFor(target, { mode: 'system' }, { ...env, no_proxy: '.example.com:443' })).toBeNull();
    expect(proxyFor(target, { mode: 'system' }, { ...env, NO_PROXY: 'example.com:8443' })?.host).toBe('proxy:3128');
    expect(proxyFor(target, { mode: 'system' }, { ...env, NO_PROXY: '*' })).toBeNull();
    expect(proxyFor(new URL('https://127.0.0.1:8443'), { mode: 'system' }, env)).toBeNull();
    expect(proxyFor(target, { mode: 'system' }, {})).toBeNull();
    expect(proxyFor(target, { mode: 'system' }, { https_proxy: 'proxy.lan:8080' })?.href).toBe('http://proxy.lan:8080/');
  });

  it('uses the custom proxy or none as told', () => {
    expect(proxyFor(target, { mode: 'none' }, { HTTPS_PROXY: 'http://proxy:3128' })).toBeNull();
    expect(proxyFor(new URL('https://127.0.0.1'), { mode: 'custom', url: 'http://p:1' })?.host).toBe('p:1');
  });
});

describe('network error codes', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  it('tells offline from unreachable, unknown host and timeout, including wrapped causes', () => {
    expect(networkError(withCode('ENETUNREACH'), 'h')).toMatchObject({ code: 'offline' });
    expect(networkError(withCode('EAI_AGAIN'), 'h')).toMatchObject({ code: 'offline' });
    expect(networkError(withCode('ENOTFOUND'), 'h')).toMatchObject({ code: 'unreachable', key: 'errors.unknownHost' });
    expect(networkError(withCode('ECONNRESET'), 'h')).toMatchObject({ code: 'unreachable', key: 'errors.unreachable' });
    expect(networkError(withCode('ETIMEDOUT'), 'h')).toMatchObject({ code: 'timeout' });
    expect(networkError(Object.assign(new Error('x'), { cause: withCode('CERT_HAS_EXPIRED') }), 'h')).toMatchObject({
      code: 'tls',
      params: { reason: 'CERT_HAS_EXPIRED' },
    });
  });
});
