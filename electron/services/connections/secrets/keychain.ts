/**
 * Secrets in the OS keychain through keytar (libsecret, macOS Keychain, Windows Credential
 * Manager): one service name per profile, one account per secret.
 */
import { isSecretName, type SecretName, type SecretStore } from './store';

/** The part of keytar we use; the real module in the app, the bridge and the tests. */
export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

export const keychainService = (profileId: string, prefix = 'Userdeck') => `${prefix} connection ${profileId}`;

export class KeychainSecretStore implements SecretStore {
  readonly backend = 'keychain' as const;

  /** `prefix` keeps test entries apart from the app's. */
  constructor(
    private readonly keytar: Keytar,
    private readonly prefix = 'Userdeck',
  ) {}

  private service(profileId: string) {
    return keychainService(profileId, this.prefix);
  }

  get(profileId: string, name: SecretName) {
    return this.keytar.getPassword(this.service(profileId), name);
  }

  async set(profileId: string, name: SecretName, value: string) {
    if (!value) return this.delete(profileId, name);
    await this.keytar.setPassword(this.service(profileId), name, value);
  }

  async delete(profileId: string, name: SecretName) {
    await this.keytar.deletePassword(this.service(profileId), name);
  }

  async deleteAll(profileId: string) {
    const service = this.service(profileId);
    for (const { account } of await this.keytar.findCredentials(service)) await this.keytar.deletePassword(service, account);
  }

  async list(profileId: string) {
    const found = await this.keytar.findCredentials(this.service(profileId));
    return found.map((c) => c.account).filter(isSecretName);
  }
}

/** Loads the real keytar (a native module; absent or broken on some systems). */
export async function loadKeytar(): Promise<Keytar | null> {
  try {
    const mod = (await import('keytar')) as unknown as { default?: Keytar } & Keytar;
    return mod.default ?? mod;
  } catch {
    return null;
  }
}

/** True when the keychain answers within the time limit (no D-Bus or a locked keyring does not). */
export async function keychainWorks(keytar: Keytar, timeoutMs = 3000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      keytar.findCredentials('Userdeck probe').then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
