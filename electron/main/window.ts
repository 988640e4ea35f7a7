import type { BrowserWindow as BrowserWindowType, Screen, Shell } from 'electron';
import { guardWebContents, isSafeExternalUrl, secureWebPreferences } from './security';
import type { WindowStateStore } from './window-state';

export interface MainWindowDeps {
  BrowserWindow: typeof BrowserWindowType;
  screen: Pick<Screen, 'getAllDisplays'>;
  shell: Pick<Shell, 'openExternal'>;
  preloadPath: string;
  rendererUrl: string;
  origins: readonly string[];
  state: WindowStateStore;
}

/** Creates the main window: sandboxed, navigation locked, size and position remembered. */
export function createMainWindow(deps: MainWindowDeps): BrowserWindowType {
  const saved = deps.state.load(deps.screen.getAllDisplays().map((d) => d.workArea));
  const win = new deps.BrowserWindow({
    x: saved.x,
    y: saved.y,
    width: saved.width,
    height: saved.height,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Userdeck',
    backgroundColor: '#1e1e1e',
    webPreferences: secureWebPreferences(deps.preloadPath),
  });
  if (saved.maximized) win.maximize();
  guardWebContents(win.webContents, deps.origins, (url) => {
    if (isSafeExternalUrl(url)) void deps.shell.openExternal(url);
  });
  win.once('ready-to-show', () => win.show());
  win.on('close', () => deps.state.save(win.getNormalBounds(), win.isMaximized()));
  void win.loadURL(deps.rendererUrl);
  return win;
}
