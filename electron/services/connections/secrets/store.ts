/**
 * Where connection secrets live: the OS keychain (keytar), else Electron safeStorage, else only in
 * memory for this run. Never in plain text on disk. The renderer learns only which one is in use.
 */
export const secretNames = ['password', 'refreshToken', 'apiToken', 'clientSecret'] as const;
export type SecretName = (typeof secretNames)[number];

export type SecretBackend = 'keychain' | 'safeStorage' | 'memory';

export interface SecretStore {
  readonly backend: SecretBackend;
  get(profileId: string, name: SecretName): Promise<string | null>;
  /** An empty value removes the secret. */
  set(profileId: string, name: SecretName, value: string): Promise<void>;
  delete(profileId: string, name: SecretName): Promise<void>;
  /** Removes every secret of a profile (when the profile is deleted). */
  deleteAll(profileId: string): Promise<void>;
  /** Which secrets a profile has, without reading them. */
  list(profileId: string): Promise<SecretName[]>;
}

export const isSecretName = (value: string): value is SecretName => (secretNames as readonly string[]).includes(value);

/** For this run only: the last resort where neither a keychain nor safeStorage can keep a secret. */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory' as const;
  private readonly values = new Map<string, Map<SecretName, string>>();

  async get(profileId: string, name: SecretName) {
    return this.values.get(profileId)?.get(name) ?? null;
  }

  async set(profileId: string, name: SecretName, value: string) {
    if (!value) return this.delete(profileId, name);
    if (!this.values.has(profileId)) this.values.set(profileId, new Map());
    this.values.get(profileId)!.set(name, value);
  }

  async delete(profileId: string, name: SecretName) {
    this.values.get(profileId)?.delete(name);
  }

  async deleteAll(profileId: string) {
    this.values.delete(profileId);
  }

  async list(profileId: string) {
    return [...(this.values.get(profileId)?.keys() ?? [])];
  }
}
