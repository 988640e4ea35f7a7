import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorage } from '../../electron/services/connections/secrets/safe-storage';

/**
 * Stands in for Electron's safeStorage (the Electron boundary: the one thing tests may replace):
 * real AES-256-GCM under a random per-instance key, and a selectable Linux backend name.
 */
export class TestSafeStorage implements SafeStorage {
  private readonly key = randomBytes(32);
  constructor(
    private readonly backend = 'gnome_libsecret',
    private readonly available = true,
  ) {}
  isEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  encryptString(plainText: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }
  decryptString(encrypted: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  }
}
