/**
 * Composition root of the Electron-free services: builds the whole handler map from the edges the
 * host injects (dialogs, events, logger, data folder). Electron main, the browser bridge and tests
 * all call this, so they serve exactly the same handlers.
 */
import type { AppInfo } from '../../common/contract';
import { appHandlers } from './app/handlers';
import type { DialogPort } from './dialogs/dialog-port';
import { dialogHandlers } from './dialogs/handlers';
import { FileHandles } from './dialogs/file-handles';
import type { EventSink } from './events/event-sink';
import type { Handlers } from './ipc/handlers';
import type { Logger } from './log/logger';
import { settingsHandlers } from './settings/handlers';
import { PreferencesStore } from './settings/preferences-store';

export interface ServiceEdges {
  dataDir: string;
  info: AppInfo;
  dialogs: DialogPort;
  emit: EventSink;
  logger: Logger;
}

export interface Services {
  handlers: Handlers;
  files: FileHandles;
  /** Stops whatever the services started (e.g. the Local directory). */
  dispose(): Promise<void>;
}

export function createServices(edges: ServiceEdges): Services {
  const files = new FileHandles();
  const preferences = new PreferencesStore(edges.dataDir);
  const handlers: Handlers = {
    ...appHandlers(edges.info),
    ...settingsHandlers({ preferences, emit: edges.emit }),
    ...dialogHandlers({ dialogs: edges.dialogs, files }),
  };
  return { handlers, files, dispose: async () => {} };
}
