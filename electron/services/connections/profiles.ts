/**
 * Connection profiles in `<dataDir>/connections.json`: settings only, never a secret (those are in
 * the SecretStore under the profile's id). A damaged file is set aside, never silently overwritten.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../common/errors';
import {
  authSettingsSchema,
  proxySettingSchema,
  type AuthSettings,
  type CertificateSummary,
  type ConnectionKind,
  type ProxySettingInput,
} from '../../../common/connections';
import type { Logger } from '../log/logger';
import { writeJsonFile } from '../storage/json-file';

const certificateSchema = z.object({
  fingerprint256: z.string(),
  subject: z.string(),
  issuer: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
});

const profileSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  color: z.string(),
  baseUrl: z.string(),
  auth: authSettingsSchema,
  tls: z.object({
    /** A custom CA is public material: kept here with the profile. */
    ca: certificateSchema.extend({ name: z.string(), pem: z.string() }).nullable(),
    trustedFingerprint: z.string().nullable(),
  }),
  proxy: proxySettingSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  lastConnectedAt: z.string().nullable().default(null),
  kind: z.enum(['userdeck', 'scim']).nullable().default(null),
});
export type StoredProfile = z.infer<typeof profileSchema>;

const fileSchema = z.object({
  version: z.literal(1),
  profiles: z.array(profileSchema),
  lastUsedId: z.string().nullable(),
  /** The first-run screen was answered or skipped. */
  welcomed: z.boolean(),
});
type ProfilesFile = z.infer<typeof fileSchema>;

export interface ProfileFields {
  name: string;
  color: string;
  baseUrl: string;
  auth: AuthSettings;
  tls: { ca: (CertificateSummary & { name: string; pem: string }) | null; trustedFingerprint: string | null };
  proxy: ProxySettingInput;
}

export class ProfileStore {
  readonly path: string;
  private data: ProfilesFile;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.path = join(dataDir, 'connections.json');
    this.data = this.load();
  }

  private load(): ProfilesFile {
    const empty: ProfilesFile = { version: 1, profiles: [], lastUsedId: null, welcomed: false };
    if (!existsSync(this.path)) return empty;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // Not JSON: handled below like a file that does not match the schema.
    }
    const aside = `${this.path}.damaged-${this.now().getTime()}`;
    renameSync(this.path, aside);
    this.logger.warn('connections: damaged profiles file set aside', { file: aside });
    return empty;
  }

  private save(): void {
    writeJsonFile(this.path, this.data);
  }

  list(): StoredProfile[] {
    return this.data.profiles.map((p) => structuredClone(p));
  }

  get(id: string): StoredProfile {
    const found = this.data.profiles.find((p) => p.id === id);
    if (!found) throw new AppError('notFound', { what: 'connection' });
    return structuredClone(found);
  }

  has(id: string): boolean {
    return this.data.profiles.some((p) => p.id === id);
  }

  create(fields: ProfileFields): StoredProfile {
    const stamp = this.now().toISOString();
    const profile: StoredProfile = {
      id: randomUUID(),
      ...structuredClone(fields),
      createdAt: stamp,
      updatedAt: stamp,
      lastConnectedAt: null,
      kind: null,
    };
    this.data.profiles.push(profile);
    this.data.welcomed = true;
    this.save();
    return structuredClone(profile);
  }

  update(id: string, fields: ProfileFields): StoredProfile {
    const index = this.data.profiles.findIndex((p) => p.id === id);
    if (index < 0) throw new AppError('notFound', { what: 'connection' });
    const previous = this.data.profiles[index]!;
    // Another server or auth method: what was learnt about the old one no longer holds.
    const sameServer = previous.baseUrl === fields.baseUrl && previous.auth.method === fields.auth.method;
    const next: StoredProfile = {
      ...previous,
      ...structuredClone(fields),
      updatedAt: this.now().toISOString(),
      lastConnectedAt: sameServer ? previous.lastConnectedAt : null,
      kind: sameServer ? previous.kind : null,
    };
    this.data.profiles[index] = next;
    this.save();
    return structuredClone(next);
  }

  /** A copy named "<name> (2)", "(3)"…, without secrets (the caller copies those). */
  duplicate(id: string, copyName: (name: string, n: number) => string): StoredProfile {
    const source = this.get(id);
    const names = new Set(this.data.profiles.map((p) => p.name));
    let n = 2;
    while (names.has(copyName(source.name, n))) n++;
    const { name: _name, id: _id, createdAt: _c, updatedAt: _u, lastConnectedAt: _l, kind: _k, ...fields } = source;
    return this.create({ ...fields, name: copyName(source.name, n) });
  }

  delete(id: string): void {
    const before = this.data.profiles.length;
    this.data.profiles = this.data.profiles.filter((p) => p.id !== id);
    if (this.data.profiles.length === before) throw new AppError('notFound', { what: 'connection' });
    if (this.data.lastUsedId === id) this.data.lastUsedId = null;
    this.save();
  }

  markConnected(id: string, kind: ConnectionKind): void {
    const profile = this.data.profiles.find((p) => p.id === id);
    if (!profile) return;
    profile.lastConnectedAt = this.now().toISOString();
    profile.kind = kind;
    this.save();
  }

  get lastUsedId(): string | null {
    return this.data.lastUsedId;
  }

  setLastUsed(id: string | null): void {
    if (this.data.lastUsedId === id) return;
    this.data.lastUsedId = id;
    this.data.welcomed = true;
    this.save();
  }

  get welcomed(): boolean {
    return this.data.welcomed;
  }

  setWelcomed(): void {
    if (this.data.welcomed) return;
    this.data.welcomed = true;
    this.save();
  }
}
