/** The Electron glue, run with `electron` mocked: the binary cannot run on the build machines. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channelNames } from '../../common/contract';
import { createDispatcher } from '../services/ipc/dispatch';
import { silentLogger } from '../services/log/logger';
import { isTrustedSender, registerIpc } from './ipc';
import { registerAppProtocol, resolveAppPath } from './protocol';
import { APP_ORIGIN, contentSecurityPolicy } from './security';
import { WindowStateStore } from './window-state';

const electron = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const windows: FakeWindow[] = [];
  const appListeners = new Map<string, (...args: unknown[]) => void>();
  class FakeWindow {
    options: Record<string, unknown>;
    loaded: string | undefined;
    windowOpenHandler: ((d: { url: string }) => unknown) | undefined;
    contentsListeners = new Map<string, unknown>();
    webContents = {
      on: (name: string, listener: unknown) => this.contentsListeners.set(name, listener),
      setWindowOpenHandler: (handler: (d: { url: string }) => unknown) => (this.windowOpenHandler = handler),
      send: vi.fn(),
    };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      windows.push(this);
    }
    static getAllWindows = () => windows;
    loadURL = vi.fn(async (url: string) => void (this.loaded = url));
    once = vi.fn();
    on = vi.fn();
    maximize = vi.fn();
  }
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  return {
    handlers,
    windows,
    appListeners,
    FakeWindow,
    readyResolve: () => readyResolve(),
    ready,
    requestSingleInstanceLock: vi.fn(() => true),
    registerSchemesAsPrivileged: vi.fn(),
    protocolHandle: vi.fn(),
    setApplicationMenu: vi.fn(),
    buildFromTemplate: vi.fn((template: unknown) => ({ template })),
    userData: '',
  };
});

vi.mock('electron', () => ({
  app: {
    requestSingleInstanceLock: electron.requestSingleInstanceLock,
    whenReady: () => electron.ready,
    on: (name: string, listener: (...args: unknown[]) => void) => electron.appListeners.set(name, listener),
    getPath: () => electron.userData,
    getName: () => 'Userdeck',
    getVersion: () => '0.0.0-test',
    getLocale: () => 'fr-FR',
    isPackaged: true,
    quit: vi.fn(),
    exit: vi.fn(),
  },
  BrowserWindow: electron.FakeWindow,
  Menu: { setApplicationMenu: electron.setApplicationMenu, buildFromTemplate: electron.buildFromTemplate },
  dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, input: unknown) => Promise<unknown>) =>
      electron.handlers.set(channel, handler),
  },
  protocol: { registerSchemesAsPrivileged: electron.registerSchemesAsPrivileged, handle: electron.protocolHandle },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  session: { defaultSession: { webRequest: { onHeadersReceived: vi.fn() } } },
  shell: { openExternal: vi.fn() },
  safeStorage: { isEncryptionAvailable: () => false, encryptString: vi.fn(), decryptString: vi.fn() },
  utilityProcess: { fork: vi.fn() },
}));

vi.mock('electron-log/main', () => {
  const noop = () => {};
  return {
    default: { initialize: noop, transports: { file: {}, console: {} }, debug: noop, info: noop, warn: noop, error: noop },
  };
});

const trustedEvent = (url = `${APP_ORIGIN}/index.html`, parent: unknown = null) => ({ senderFrame: { url, parent } });

describe('main process start', () => {
  beforeEach(() => {
    electron.userData = mkdtempSync(join(tmpdir(), 'userdeck-main-'));
  });

  it('locks to one instance, opens a secure window on app:// and serves every channel', async () => {
    await import('./index');
    expect(electron.requestSingleInstanceLock).toHaveBeenCalled();
    expect(electron.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    electron.readyResolve();
    await vi.waitFor(() => expect(electron.windows).toHaveLength(1));

    const win = electron.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.loaded).toBe('app://userdeck/index.html');
    expect(win.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect([...win.contentsListeners.keys()]).toEqual(
      expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']),
    );
    expect(electron.protocolHandle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(electron.setApplicationMenu).toHaveBeenCalled();
    expect([...electron.handlers.keys()].sort()).toEqual([...channelNames].sort());

    const info = await electron.handlers.get('app/info')!(trustedEvent(), undefined);
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron', systemLocale: 'fr-FR' } });
    const foreign = await electron.handlers.get('app/info')!(trustedEvent('https://evil.example/'), undefined);
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbiddenSender' } });
  });
});

describe('ipc sender check', () => {
  const origins = [APP_ORIGIN];
  it('accepts only the app origin in the top frame', () => {
    expect(isTrustedSender(trustedEvent() as never, origins)).toBe(true);
    expect(isTrustedSender(trustedEvent(`${APP_ORIGIN}/index.html`, {}) as never, origins)).toBe(false);
    expect(isTrustedSender(trustedEvent('file:///index.html') as never, origins)).toBe(false);
    expect(isTrustedSender({ senderFrame: null } as never, origins)).toBe(false);
  });

  it('validates input after the sender', async () => {
    const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
    const dispatch = createDispatcher({ 'settings/update': () => ({}) } as never, silentLogger);
    registerIpc({ handle: (c: string, h: never) => handlers.set(c, h) } as never, dispatch, origins, silentLogger);
    expect(await handlers.get('settings/update')!(trustedEvent(), { theme: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalidInput' },
    });
  });
});

describe('app:// protocol', () => {
  const root = mkdtempSync(join(tmpdir(), 'userdeck-renderer-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<html></html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');

  it('maps URLs inside the renderer folder only', () => {
    expect(resolveAppPath(root, 'app://userdeck/')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://userdeck/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveAppPath(root, 'app://userdeck/../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, 'app://userdeck/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, 'app://userdeck/..%2F..%2Fetc%2Fpasswd')).toBeNull();
    expect(resolveAppPath(root, 'app://other/index.html')).toBeNull();
  });

  it('serves files with the CSP and refuses the rest', async () => {
    let handler: ((request: { url: string }) => Promise<Response>) | undefined;
    registerAppProtocol({ handle: (_scheme: string, h: never) => (handler = h) } as never, root);
    const page = await handler!({ url: 'app://userdeck/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(page.headers.get('content-type')).toContain('text/html');
    const script = await handler!({ url: 'app://userdeck/assets/app.js' });
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await handler!({ url: 'app://userdeck/..%2F..%2Fsecret.txt' })).status).toBe(404);
    expect((await handler!({ url: 'app://userdeck/assets/missing.js' })).status).toBe(404);
  });
});

describe('window state', () => {
  it('remembers bounds and drops a position that is off every display', () => {
    const dir = mkdtempSync(join(tmpdir(), 'userdeck-state-'));
    const store = new WindowStateStore(dir);
    expect(store.load([])).toEqual({ width: 1280, height: 820, maximized: false });
    store.save({ x: 100, y: 80, width: 1000, height: 700 }, true);
    const display = { x: 0, y: 0, width: 1920, height: 1080 };
    expect(store.load([display])).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
    store.save({ x: 5000, y: 80, width: 1000, height: 700 }, false);
    expect(store.load([display])).toEqual({ width: 1000, height: 700, maximized: false });
  });
});
