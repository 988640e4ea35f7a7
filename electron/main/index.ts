/**
 * Electron main: lifecycle glue only. Everything else lives in electron/services and is shared with
 * the browser bridge and the CLI.
 */
import { join } from 'node:path';
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  ipcMain,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  utilityProcess,
} from 'electron';
import { seedDirectory } from '../../cli/commands/seed';
import { createServices } from '../services';
import { sampleSeeder } from '../services/local/local-directory';
import { createDispatcher } from '../services/ipc/dispatch';
import { electronDialogs } from './dialogs';
import { impersonationWindows } from './impersonation-window';
import { registerIpc } from './ipc';
import { utilityProcessLauncher } from './local-directory';
import { createMainLogger } from './log';
import { menuTemplate } from './menu';
import { appSchemePrivileges, registerAppProtocol } from './protocol';
import { APP_ORIGIN, contentSecurityPolicy, trustedOrigins } from './security';
import { createMainWindow } from './window';
import { WindowStateStore } from './window-state';

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const logger = createMainLogger();
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const origins = trustedOrigins(devServerUrl);
  let mainWindow: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  });

  void app.whenReady().then(() => {
    const dataDir = app.getPath('userData');
    registerAppProtocol(protocol, join(__dirname, '../renderer'));
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
    });
    const services = createServices({
      dataDir,
      info: {
        name: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        mode: 'electron',
        systemLocale: app.getLocale(),
      },
      dialogs: electronDialogs(dialog, () => mainWindow),
      emit: (event, payload) => {
        for (const win of BrowserWindow.getAllWindows()) win.webContents.send(`event:${event}`, payload);
      },
      logger,
      safeStorage,
      localLauncher: utilityProcessLauncher(utilityProcess, join(__dirname, 'local-directory.js')),
      seedLocal: sampleSeeder(seedDirectory),
      impersonation: impersonationWindows({ BrowserWindow, parent: () => mainWindow }),
    });
    registerIpc(ipcMain, createDispatcher(services.handlers, logger), origins, logger);
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, app.getName())));

    const openMain = () => {
      mainWindow = createMainWindow({
        BrowserWindow,
        screen,
        shell,
        preloadPath: join(__dirname, '../preload/index.cjs'),
        rendererUrl: devServerUrl ?? `${APP_ORIGIN}/index.html`,
        origins,
        state: new WindowStateStore(dataDir),
      });
      mainWindow.on('closed', () => (mainWindow = undefined));
    };
    openMain();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openMain();
    });
    app.on('will-quit', (event) => {
      event.preventDefault();
      void services.dispose().finally(() => app.exit(0));
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
