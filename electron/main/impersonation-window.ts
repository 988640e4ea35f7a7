/**
 * The impersonation window (DESIGN.md §3): the portal's impersonation link opens in a window of its
 * own, with an in-memory session partition made for it alone (no `persist:` prefix), so the
 * impersonated user's cookies never touch the app's session or another impersonation, and vanish
 * with the window. No preload: the portal is a plain web page and gets no `window.userdeck`.
 * Navigation stays on the portal's origin; the portal's "exit" ends the impersonation and the
 * window closes when it lands on the end page (or when the portal closes it itself).
 */
import { randomUUID } from 'node:crypto';
import type { BrowserWindow as BrowserWindowType, WebPreferences } from 'electron';
import type { ImpersonationOpened } from '../../common/users/directory';
import type { ImpersonationPort } from '../services/users/impersonation';
import { guardWebContents } from './security';

export interface ImpersonationWindowDeps {
  BrowserWindow: typeof BrowserWindowType;
  /** The app's window, so the impersonation opens beside it. */
  parent?: () => BrowserWindowType | undefined;
}

/** Where the portal sends the browser once the impersonation ended (its "exit"). */
export const isImpersonationEnd = (url: string): boolean => {
  try {
    const path = new URL(url).pathname;
    return /\/portal\/impersonat(?:e|ion)\/(?:exit|end|ended)\/?$/.test(path);
  } catch {
    return false;
  }
};

export function impersonationWebPreferences(partition: string): WebPreferences {
  return {
    partition,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  };
}

export function impersonationWindows(deps: ImpersonationWindowDeps): ImpersonationPort {
  return {
    open(url: string): ImpersonationOpened {
      const origin = new URL(url).origin;
      const partition = `impersonation-${randomUUID()}`;
      const parent = deps.parent?.();
      const win = new deps.BrowserWindow({
        width: 1100,
        height: 760,
        title: 'Userdeck — impersonation',
        show: true,
        autoHideMenuBar: true,
        ...(parent ? { parent, modal: false } : {}),
        webPreferences: impersonationWebPreferences(partition),
      });
      // Links leaving the portal are not followed from a window signed in as someone else.
      guardWebContents(win.webContents, [origin], () => undefined);
      const closeAtEnd = (_event: unknown, target: string) => {
        if (isImpersonationEnd(target) && !win.isDestroyed()) win.close();
      };
      win.webContents.on('did-navigate', closeAtEnd);
      const session = win.webContents.session;
      win.on('closed', () => {
        // The partition is in memory only; clearing it also drops what is cached in this run.
        void session.clearStorageData().catch(() => undefined);
      });
      void win.loadURL(url);
      return { mode: 'window' };
    },
  };
}
