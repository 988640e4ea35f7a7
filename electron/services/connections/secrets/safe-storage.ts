/**
 * The fallback where no keychain answers: secrets encrypted with Electron's safeStorage (DPAPI,
 * Keychain-derived key, or kwallet/libsecret key on Linux) in `<dataDir>/secrets.json`. Linux's
 * `basic_text` backend is a fixed key, i.e. obfuscation, so it is not accepted.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../../storage/json-file';
import { isSecretName, type SecretName, type SecretStore } from './store';

/** Electron's safeStorage, injected from electron/main. */
export interface SafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: `basic_text`, `gnome_libsecret`, `kwallet`… */
  getSelectedStorageBackend?(): string;
}

export function safeStorageUsable(safeStorage: SafeStorage | undefined): safeStorage is SafeStorage {
  if (!safeStorage) return false;
  try {
    if (!safeStorage.isEncryptionAvailable()) return false;
    const backend = safeStorage.getSelectedStorageBackend?.();
    return backend !== 'basic_text' && backend !== 'unknown';
  } catch {
    return false;
  }
}

const fileSchema = z.object({
  version: z.literal(1),
  /** profile id → secret name → base64 ciphertext */
  profiles: z.record(z.string(), z.record(z.string(), z.string())),
});
type SecretsFile = z.infer<typeof fileSchema>;

export class SafeStorageSecretStore implements SecretStore {
  readonly backend = 'safeStorage' as const;
  private readonly path: string;

  constructor(
    private readonly safeStorage: SafeStorage,
    dataDir: string,
  ) {
    this.path = join(dataDir, 'secrets.json');
  }

  private read(): SecretsFile {
    return readJsonFile(this.path, fileSchema, { version: 1, profiles: {} });
  }

  async get(profileId: string, name: SecretName) {
    const cipher = this.read().profiles[profileId]?.[name];
    if (!cipher) return null;
    try {
      return this.safeStorage.decryptString(Buffer.from(cipher, 'base64'));
    } catch {
      // Encrypted under another OS account or key: unusable, as if absent.
      return null;
    }
  }

  async set(profileId: string, name: SecretName, value: string) {
    if (!value) return this.delete(profileId, name);
    const file = this.read();
    file.profiles[profileId] = { ...file.profiles[profileId], [name]: this.safeStorage.encryptString(value).toString('base64') };
    writeJsonFile(this.path, file);
  }

  async delete(profileId: string, name: SecretName) {
    const file = this.read();
    if (!file.profiles[profileId]?.[name]) return;
    delete file.profiles[profileId][name];
    writeJsonFile(this.path, file);
  }

  async deleteAll(profileId: string) {
    const file = this.read();
    if (!file.profiles[profileId]) return;
    delete file.profiles[profileId];
    writeJsonFile(this.path, file);
  }

  async list(profileId: string) {
    return Object.keys(this.read().profiles[profileId] ?? {}).filter(isSecretName);
  }
}
