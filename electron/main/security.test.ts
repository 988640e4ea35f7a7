import { describe, expect, it, vi } from 'vitest';
import {
  contentSecurityPolicy,
  guardWebContents,
  isSafeExternalUrl,
  isTrustedUrl,
  secureWebPreferences,
  trustedOrigins,
} from './security';

describe('window security preferences', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('content security policy', () => {
  const directives = new Map(contentSecurityPolicy.split('; ').map((d) => [d.split(' ')[0], d] as const));

  it('allows scripts only from the app itself: no eval, no inline, no remote', () => {
    expect(directives.get('script-src')).toBe("script-src 'self'");
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy).not.toMatch(/https?:/);
    expect(directives.get('default-src')).toBe("default-src 'none'");
    expect(directives.get('object-src')).toBe("object-src 'none'");
    expect(directives.get('frame-ancestors')).toBe("frame-ancestors 'none'");
  });
});

describe('navigation and new windows', () => {
  const origins = trustedOrigins(undefined);

  function fakeContents() {
    const listeners = new Map<string, (event: { preventDefault(): void; url: string }, url: string) => void>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    return {
      contents: {
        on: (name: string, listener: (event: { preventDefault(): void; url: string }, url: string) => void) =>
          listeners.set(name, listener),
        setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) => (openHandler = handler),
      },
      navigate(name: string, url: string) {
        const preventDefault = vi.fn();
        listeners.get(name)!({ preventDefault, url }, url);
        return preventDefault.mock.calls.length > 0;
      },
      open: (url: string) => openHandler!({ url }),
      attachWebview() {
        const preventDefault = vi.fn();
        (listeners.get('will-attach-webview') as unknown as (e: { preventDefault(): void }) => void)({ preventDefault });
        return preventDefault.mock.calls.length > 0;
      },
    };
  }

  it('refuses navigation away from the app and allows it inside', () => {
    const fake = fakeContents();
    guardWebContents(fake.contents as never, origins, vi.fn());
    expect(fake.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fake.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fake.navigate('will-redirect', 'http://127.0.0.1:1234/')).toBe(true);
    expect(fake.navigate('will-navigate', 'app://userdeck/index.html#/users')).toBe(false);
    expect(fake.navigate('will-navigate', 'app://other/index.html')).toBe(true);
    expect(fake.attachWebview()).toBe(true);
  });

  it('denies every new window and opens only safe external links in the system browser', () => {
    const fake = fakeContents();
    const openExternal = vi.fn();
    guardWebContents(fake.contents as never, origins, openExternal);
    expect(fake.open('https://docs.example.com/help')).toEqual({ action: 'deny' });
    expect(fake.open('http://insecure.example.com/')).toEqual({ action: 'deny' });
    expect(fake.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(fake.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(fake.open('app://userdeck/index.html')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://docs.example.com/help']]);
  });

  it('classifies external URLs by scheme', () => {
    expect(isSafeExternalUrl('https://example.com')).toBe(true);
    expect(isSafeExternalUrl('mailto:admin@example.com')).toBe(true);
    expect(isSafeExternalUrl('https://user:pw@example.com')).toBe(false);
    expect(isSafeExternalUrl('smb://server/share')).toBe(false);
    expect(isSafeExternalUrl('not a url')).toBe(false);
  });

  it('trusts the dev server only when one is given', () => {
    expect(isTrustedUrl('http://localhost:5173/', origins)).toBe(false);
    expect(isTrustedUrl('http://localhost:5173/', trustedOrigins('http://localhost:5173'))).toBe(true);
  });
});
