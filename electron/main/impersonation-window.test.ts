/** The impersonation window, with Electron mocked (its binary cannot run on the build machines). */
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const { impersonationWindows, isImpersonationEnd } = await import('./impersonation-window');

class FakeWindow {
  static made: FakeWindow[] = [];
  options: Record<string, any>;
  listeners = new Map<string, (...args: any[]) => void>();
  contentsListeners = new Map<string, (...args: any[]) => void>();
  openHandler: ((d: { url: string }) => { action: string }) | undefined;
  closed = false;
  loaded: string | undefined;
  session = { clearStorageData: vi.fn(async () => undefined) };
  webContents = {
    on: (name: string, listener: (...args: any[]) => void) => this.contentsListeners.set(name, listener),
    setWindowOpenHandler: (handler: (d: { url: string }) => { action: string }) => (this.openHandler = handler),
    session: this.session,
  };
  constructor(options: Record<string, any>) {
    this.options = options;
    FakeWindow.made.push(this);
  }
  on(name: string, listener: (...args: any[]) => void) {
    this.listeners.set(name, listener);
  }
  loadURL = vi.fn(async (url: string) => void (this.loaded = url));
  isDestroyed = () => this.closed;
  close = vi.fn(() => {
    this.closed = true;
    this.listeners.get('closed')?.();
  });
}

describe('impersonation window', () => {
  it('opens the portal in its own sandboxed window with a fresh in-memory partition and no preload', () => {
    const port = impersonationWindows({ BrowserWindow: FakeWindow as never });
    expect(port.open('http://127.0.0.1:4000/portal/impersonate?token=abc')).toEqual({ mode: 'window' });
    port.open('http://127.0.0.1:4000/portal/impersonate?token=def');
    const [first, second] = FakeWindow.made;
    const prefs = first!.options.webPreferences;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(prefs.preload).toBeUndefined();
    expect(prefs.partition).toMatch(/^impersonation-/);
    expect(prefs.partition.startsWith('persist:')).toBe(false);
    expect(second!.options.webPreferences.partition).not.toBe(prefs.partition);
    expect(first!.loaded).toBe('http://127.0.0.1:4000/portal/impersonate?token=abc');
  });

  it('stays on the portal: other sites and new windows are refused', () => {
    FakeWindow.made = [];
    impersonationWindows({ BrowserWindow: FakeWindow as never }).open('http://127.0.0.1:4000/portal/impersonate?token=abc');
    const win = FakeWindow.made[0]!;
    const navigate = (url: string) => {
      const event = { preventDefault: vi.fn(), url };
      win.contentsListeners.get('will-navigate')!(event, url);
      return event.preventDefault.mock.calls.length === 0;
    };
    expect(navigate('http://127.0.0.1:4000/portal/account')).toBe(true);
    expect(navigate('https://evil.example/')).toBe(false);
    expect(win.openHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
  });

  it('closes when the portal’s exit ends the impersonation, and clears the partition', () => {
    FakeWindow.made = [];
    impersonationWindows({ BrowserWindow: FakeWindow as never }).open('http://127.0.0.1:4000/portal/impersonate?token=abc');
    const win = FakeWindow.made[0]!;
    win.contentsListeners.get('did-navigate')!({}, 'http://127.0.0.1:4000/portal/account');
    expect(win.close).not.toHaveBeenCalled();
    win.contentsListeners.get('did-navigate')!({}, 'http://127.0.0.1:4000/portal/impersonation/exit');
    expect(win.close).toHaveBeenCalled();
    expect(win.session.clearStorageData).toHaveBeenCalled();
    expect(isImpersonationEnd('http://h/portal/impersonate')).toBe(false);
  });
});
