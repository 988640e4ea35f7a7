/**
 * Picks where secrets go, once per run: the keychain when it answers, else safeStorage when Electron
 * offers a real one, else memory. Anything but the keychain comes with a warning the UI shows.
 */
import type { Logger } from '../../log/logger';
import { KeychainSecretStore, keychainWorks, loadKeytar, type Keytar } from './keychain';
import { SafeStorageSecretStore, safeStorageUsable, type SafeStorage } from './safe-storage';
import { MemorySecretStore, type SecretBackend, type SecretStore } from './store';

export interface SecretStorageStatus {
  backend: SecretBackend;
  /** Secrets survive a restart. */
  persistent: boolean;
}

export interface OpenSecretStoreOptions {
  dataDir: string;
  logger: Logger;
  /** Electron's safeStorage; absent in the bridge and the CLI. */
  safeStorage?: SafeStorage;
  /** The real keytar by default; null to skip the keychain. */
  keytar?: Keytar | null;
  /** Keychain service prefix (tests use their own). */
  servicePrefix?: string;
  probeTimeoutMs?: number;
}

export async function openSecretStore(
  options: OpenSecretStoreOptions,
): Promise<{ store: SecretStore; status: SecretStorageStatus }> {
  const keytar = options.keytar === undefined ? await loadKeytar() : options.keytar;
  if (keytar && (await keychainWorks(keytar, options.probeTimeoutMs))) {
    return { store: new KeychainSecretStore(keytar, options.servicePrefix), status: { backend: 'keychain', persistent: true } };
  }
  if (safeStorageUsable(options.safeStorage)) {
    options.logger.warn('secrets: no keychain answers; using safeStorage');
    return {
      store: new SafeStorageSecretStore(options.safeStorage, options.dataDir),
      status: { backend: 'safeStorage', persistent: true },
    };
  }
  options.logger.warn('secrets: neither a keychain nor safeStorage is available; secrets are kept in memory for this run');
  return { store: new MemorySecretStore(), status: { backend: 'memory', persistent: false } };
}

/**
 * A store usable at once while the keychain probe runs: every call waits for the chosen store. Lets
 * the services be composed synchronously.
 */
export function deferredSecretStore(opening: Promise<{ store: SecretStore; status: SecretStorageStatus }>): {
  store: SecretStore;
  status(): Promise<SecretStorageStatus>;
} {
  const ready = opening.then((opened) => opened.store);
  return {
    status: async () => (await opening).status,
    store: {
      get backend(): SecretBackend {
        throw new Error('deferredSecretStore: read status() instead');
      },
      get: async (id, name) => (await ready).get(id, name),
      set: async (id, name, value) => (await ready).set(id, name, value),
      delete: async (id, name) => (await ready).delete(id, name),
      deleteAll: async (id) => (await ready).deleteAll(id),
      list: async (id) => (await ready).list(id),
    },
  };
}
