/**
 * Composition root of the Electron-free services: builds the whole handler map from the edges the
 * host injects (dialogs, events, logger, data folder). Electron main, the browser bridge and tests
 * all call this, so they serve exactly the same handlers.
 */
import type { AppInfo } from '../../common/contract';
import { apiHandlers } from './api/handlers';
import { CancellationRegistry } from './api/cancellation';
import { appHandlers } from './app/handlers';
import { connectionHandlers } from './connections/handlers';
import { ConnectionManager } from './connections/manager';
import { ProfileStore } from './connections/profiles';
import { SchemaCache } from './connections/schema-cache';
import type { Keytar } from './connections/secrets/keychain';
import { deferredSecretStore, openSecretStore } from './connections/secrets/open';
import type { SafeStorage } from './connections/secrets/safe-storage';
import type { LocalLauncher } from './local/launcher';
import { localHandlers } from './local/handlers';
import { LocalDirectory, type SeedFunction } from './local/local-directory';
import { mailboxHandlers } from './mailbox/handlers';
import type { DialogPort } from './dialogs/dialog-port';
import { dialogHandlers } from './dialogs/handlers';
import { FileHandles } from './dialogs/file-handles';
import type { EventSink } from './events/event-sink';
import type { Handlers } from './ipc/handlers';
import type { Logger } from './log/logger';
import { settingsHandlers } from './settings/handlers';
import { PreferencesStore } from './settings/preferences-store';
import { jobsHandlers } from './jobs/handlers';
import { trashHandlers } from './trash/handlers';
import { usersHandlers } from './users/handlers';
import type { ImpersonationPort } from './users/impersonation';
import { UsersViewsStore } from './users/views-store';

export interface ServiceEdges {
  dataDir: string;
  info: AppInfo;
  dialogs: DialogPort;
  emit: EventSink;
  logger: Logger;
  /** How the Local directory's server process is started: a utilityProcess in Electron, a child process elsewhere. */
  localLauncher: LocalLauncher;
  /** Fills a new Local directory with the sample data set. */
  seedLocal: SeedFunction;
  /** Electron's safeStorage: the secrets' fallback where no keychain answers. */
  safeStorage?: SafeStorage;
  /** The real keytar when omitted; null skips the keychain. */
  keytar?: Keytar | null;
  /** Keychain service prefix (tests use their own). */
  keychainPrefix?: string;
  /** Try an offline connection again this often (ms); 0 disables. */
  offlineRetryMs?: number;
  /** Opens an impersonation: its own window in Electron, a one-time popup path in the bridge. */
  impersonation: ImpersonationPort;
}

export interface Services {
  handlers: Handlers;
  files: FileHandles;
  /** The active connection and its API clients, for other services' handlers (`connections.use(…)`). */
  connections: ConnectionManager;
  local: LocalDirectory;
  /** Stops whatever the services started (e.g. the Local directory). */
  dispose(): Promise<void>;
}

export function createServices(edges: ServiceEdges): Services {
  const files = new FileHandles();
  const preferences = new PreferencesStore(edges.dataDir);
  const cancellation = new CancellationRegistry();
  const secrets = deferredSecretStore(
    openSecretStore({
      dataDir: edges.dataDir,
      logger: edges.logger,
      safeStorage: edges.safeStorage,
      keytar: edges.keytar,
      servicePrefix: edges.keychainPrefix,
    }),
  );
  const local = new LocalDirectory({
    appDataDir: edges.dataDir,
    launcher: edges.localLauncher,
    seed: edges.seedLocal,
    logger: edges.logger,
    onStatus: (status) => edges.emit('local/status', status),
  });
  const connections = new ConnectionManager({
    profiles: new ProfileStore(edges.dataDir, edges.logger),
    secrets: secrets.store,
    secretStatus: secrets.status,
    schemaCache: new SchemaCache(edges.dataDir),
    files,
    local,
    emit: edges.emit,
    logger: edges.logger,
    userAgent: `Userdeck/${edges.info.version} (${edges.info.mode})`,
    offlineRetryMs: edges.offlineRetryMs,
  });
  // The last used connection reopens (the Local directory starts again if it was the one).
  void connections.restore().catch((error: unknown) => edges.logger.error('connections: restore failed', { error }));
  const handlers: Handlers = {
    ...appHandlers(edges.info),
    ...settingsHandlers({ preferences, emit: edges.emit }),
    ...dialogHandlers({ dialogs: edges.dialogs, files }),
    ...apiHandlers({ cancellation }),
    ...connectionHandlers({ connections, cancellation }),
    ...localHandlers({ local, connections }),
    ...mailboxHandlers({ connections }),
    ...usersHandlers({
      connections,
      cancellation,
      views: new UsersViewsStore(edges.dataDir),
      impersonation: edges.impersonation,
      logger: edges.logger,
      files,
    }),
    ...jobsHandlers({ connections, dialogs: edges.dialogs, logger: edges.logger }),
    ...trashHandlers({ connections }),
  };
  return {
    handlers,
    files,
    connections,
    local,
    dispose: async () => {
      cancellation.cancelAll();
      connections.dispose();
      await local.stop();
    },
  };
}
